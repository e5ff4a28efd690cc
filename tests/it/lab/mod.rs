//! medic's test lab: real parts on loopback. One real `sshd` per simulated
//! host, logging in as the light user `medic-lab`; on each host's `PATH`,
//! `docker`/`systemctl`/`df` shims that print the real tools' formats from a
//! state directory the test controls, or (on a real-docker host) the real
//! docker CLI talking to this machine's Docker Engine with real containers.
//! A host may also run a real nginx (Debian's, as `medic-lab`) proxying one
//! site, and the lab real HTTP backends for it.
//!
//! ```ignore
//! let lab = Lab::new()
//!     .host("nas", |h| h
//!         .container(FakeContainer::running("calibre").publish("127.0.0.1", 18081, 80))
//!         .container(FakeContainer::exited("pihole", 1))
//!         .unit(FakeUnit::active("nginx.service"))
//!         .disk("/", 100 * GIB, 40 * GIB))
//!     .host("web", |h| h.nginx(NginxSite {
//!         server_name: "books.example.test",
//!         upstream: "127.0.0.1:18082", // nothing listens: 502
//!     }))
//!     .real_docker_host("dock", |h| h.real_container(RealContainer::new("web")))
//!     .start();
//! lab.host("nas").set_container(FakeContainer::running("pihole").unhealthy());
//!
//! // The "broken proxy": a backend really listening, published by a fake
//! // container, behind an nginx pointing elsewhere.
//! let backend = lab.http_backend("books\n");
//! let web = lab.host("web");
//! web.set_container(FakeContainer::running("books").publish("127.0.0.1", backend.port(), 80));
//! let nginx = web.nginx();
//! assert_eq!(nginx.get("books.example.test").0, 502);
//! // medic: `cat` nginx.site_file(), `docker inspect books`, rewrite
//! // proxy_pass, run nginx.validate_command() and nginx.reload_command().
//! // `get` first waits for a reload in flight to settle (`get_now` does not).
//! assert_eq!(nginx.get("books.example.test"), (200, "books\n".into()));
//! ```
//!
//! The machine is prepared once by `scripts/lab-setup.sh`; a missing part
//! panics naming it. Everything the lab starts is stopped when it drops.
#![allow(
    dead_code,
    unused_imports,
    reason = "each test uses a part of the lab's API"
)]

mod builder;
mod container_json;
mod container_render;
mod context;
mod disk;
mod docker_json;
mod docker_time;
mod fake_container;
mod fake_unit;
mod host;
mod host_shims;
mod host_world;
pub use host_world::container_running_in;
mod http_backend;
mod http_get;
mod inventory;
mod keys;
mod nginx;
mod nginx_conf;
mod nginx_reload;
mod output;
mod ports;
mod preflight;
mod process_tree;
mod random;
mod real_container;
mod shell;
mod shims;
mod sshd;
mod started;
mod state_fs;
mod sys_tools;
mod temp_base;
mod unit_render;

pub use builder::{HostBuilder, LabBuilder};
pub use disk::{Disk, GIB, KIB, MIB, TIB};
pub use fake_container::{FAKE_IMAGE, FakeContainer};
pub use fake_unit::FakeUnit;
pub use host::{Host, LAB_ADDRESS};
pub use http_backend::HttpBackend;
pub use nginx::Nginx;
pub use nginx_conf::NginxSite;
pub use output::{ssh_ok, stderr, stdout};
pub use preflight::{LAB_IMAGE, LAB_USER, SETUP_SCRIPT};
pub use real_container::{LAB_LABEL, RealContainer, RealContainerHandle};
pub use shell::{call_line, shell_quote};
pub use started::Lab;
pub use sys_tools::SYSTEM_TOOLS;
