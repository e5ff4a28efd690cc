//! End-to-end tests: the medic binary against the lab (real sshd hosts, real
//! containers, real Git and SQLite). One test binary, so it builds once.

mod http_server;
mod lab;
mod lab_nginx_selftest;
mod lab_selftest;
mod support;

mod check;
mod checks_and_recovery;
mod correlation;
mod lock;
mod plan;
mod proxy;
mod quickstart;
mod remediation;
mod stats;
mod sweep;
mod trends;
