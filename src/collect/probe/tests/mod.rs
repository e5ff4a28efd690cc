//! Tests of the probe: parsers on recorded outputs, framing, and the script
//! run for real under dash and BusyBox sh.

mod df;
mod docker;
mod e2e;
mod frame;
mod outcomes;
mod proc;
mod script;
mod support;
mod systemd;
