//! A lab nginx's files: where they live under the host's directory and what
//! they say. Layout under `<host>/nginx` (the `-p` prefix):
//!
//! ```text
//! nginx.conf          root, 0644: worker, pid, logs, temp paths, a default
//!                     server answering 404, `include <prefix>/conf.d/*.conf`
//! conf.d/             medic-lab: the site file and medic's temp files
//!   books.conf        medic-lab: `server { listen ..; server_name ..;
//!                     location / { proxy_pass http://UPSTREAM; } }`
//! run/nginx.pid       medic-lab (nginx writes it)
//! logs/               medic-lab: error.log (level notice), access.log,
//!                     stderr.log (the master's stderr, from the harness)
//! temp/               medic-lab: client_body, proxy, fastcgi, uwsgi, scgi
//! ```
//!
//! Every path is absolute: Debian's nginx otherwise reaches for
//! `/var/lib/nginx`, `/run/nginx.pid` and `/var/log/nginx`, which the
//! non-root master cannot write. There is no `user` directive: it only
//! makes sense for a root master (nginx ignores it with a warning).

use std::path::{Path, PathBuf};

use super::shell::shell_quote;

/// A site for a lab host's nginx (see [`super::HostBuilder::nginx`]):
/// `server_name` is the virtual host (`books.example.test`), `upstream` the
/// `HOST:PORT` its `proxy_pass` points at (`127.0.0.1:18082`).
#[derive(Clone, Copy, Debug)]
pub struct NginxSite<'a> {
    pub server_name: &'a str,
    pub upstream: &'a str,
}

/// [`NginxSite`], owned and checked.
#[derive(Clone, Debug)]
pub(super) struct SiteSpec {
    pub(super) server_name: String,
    pub(super) upstream: String,
}

impl SiteSpec {
    pub(super) fn new(site: NginxSite<'_>) -> Self {
        let name = site.server_name;
        assert!(
            !name.is_empty()
                && !name.starts_with(['.', '-'])
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b)),
            "an nginx server_name is a host name such as books.example.test: {name:?}"
        );
        check_upstream(site.upstream);
        Self {
            server_name: name.to_string(),
            upstream: site.upstream.to_string(),
        }
    }

    /// `books.conf` for `books.example.test`.
    pub(super) fn file_name(&self) -> String {
        let first = self.server_name.split('.').next().unwrap_or("site");
        format!("{first}.conf")
    }
}

/// Panics unless `upstream` is a plain `HOST:PORT`.
pub(super) fn check_upstream(upstream: &str) {
    let plain = upstream
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
        && upstream
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    assert!(
        plain,
        "an nginx upstream is HOST:PORT such as 127.0.0.1:18082: {upstream:?}"
    );
}

/// Where one nginx's files are.
#[derive(Clone, Debug)]
pub(super) struct Layout {
    pub(super) prefix: PathBuf,
    pub(super) conf: PathBuf,
    pub(super) conf_d: PathBuf,
    pub(super) site_file: PathBuf,
    pub(super) pid_file: PathBuf,
    pub(super) error_log: PathBuf,
    pub(super) access_log: PathBuf,
    pub(super) stderr_log: PathBuf,
    /// Directories the nginx user must own.
    pub(super) owned_dirs: Vec<PathBuf>,
    temp: PathBuf,
}

impl Layout {
    pub(super) fn new(host_dir: &Path, site: &SiteSpec) -> Self {
        let prefix = host_dir.join("nginx");
        let conf_d = prefix.join("conf.d");
        let (run, logs, temp) = (prefix.join("run"), prefix.join("logs"), prefix.join("temp"));
        Self {
            conf: prefix.join("nginx.conf"),
            site_file: conf_d.join(site.file_name()),
            pid_file: run.join("nginx.pid"),
            error_log: logs.join("error.log"),
            access_log: logs.join("access.log"),
            stderr_log: logs.join("stderr.log"),
            owned_dirs: vec![conf_d.clone(), run, logs, temp.clone()],
            conf_d,
            temp,
            prefix,
        }
    }

    /// `nginx -p PREFIX -c CONF` plus `extra`, quoted for a shell.
    fn command(&self, extra: &str) -> String {
        format!(
            "nginx {extra} -p {} -c {}",
            shell_quote(&self.prefix.to_string_lossy()),
            shell_quote(&self.conf.to_string_lossy())
        )
    }

    pub(super) fn validate_command(&self) -> String {
        self.command("-t")
    }

    pub(super) fn reload_command(&self) -> String {
        self.command("-s reload")
    }

    /// `nginx.conf` for an nginx listening on `127.0.0.1:port`.
    pub(super) fn main_conf(&self, host: &str, port: u16) -> String {
        let t = |name: &str| self.temp.join(name).display().to_string();
        format!(
            "# medic lab: the nginx of host {host}, run as an unprivileged user (so no\n\
             # `user` directive). Every path is absolute.\n\
             worker_processes 1;\n\
             pid {pid};\n\
             error_log {error} notice;\n\
             \n\
             events {{\n    worker_connections 128;\n}}\n\
             \n\
             http {{\n\
             \x20   access_log {access};\n\
             \x20   client_body_temp_path {body};\n\
             \x20   proxy_temp_path {proxy};\n\
             \x20   fastcgi_temp_path {fastcgi};\n\
             \x20   uwsgi_temp_path {uwsgi};\n\
             \x20   scgi_temp_path {scgi};\n\
             \n\
             \x20   # Names no site serves.\n\
             \x20   server {{\n\
             \x20       listen 127.0.0.1:{port} default_server;\n\
             \x20       server_name _;\n\
             \x20       return 404;\n\
             \x20   }}\n\
             \n\
             \x20   include {conf_d}/*.conf;\n\
             }}\n",
            pid = self.pid_file.display(),
            error = self.error_log.display(),
            access = self.access_log.display(),
            body = t("client_body"),
            proxy = t("proxy"),
            fastcgi = t("fastcgi"),
            uwsgi = t("uwsgi"),
            scgi = t("scgi"),
            conf_d = self.conf_d.display(),
        )
    }
}

/// The site file: one `server` proxying everything to `upstream`.
pub(super) fn site_conf(server_name: &str, port: u16, upstream: &str) -> String {
    format!(
        "server {{\n\
         \x20   listen 127.0.0.1:{port};\n\
         \x20   server_name {server_name};\n\
         \n\
         \x20   location / {{\n\
         \x20       proxy_pass http://{upstream};\n\
         \x20   }}\n\
         }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(upstream: &str) -> SiteSpec {
        SiteSpec::new(NginxSite {
            server_name: "books.example.test",
            upstream,
        })
    }

    #[test]
    fn paths_and_commands_are_absolute() {
        let layout = Layout::new(Path::new("/lab/web"), &site("127.0.0.1:18082"));
        assert_eq!(
            layout.site_file,
            Path::new("/lab/web/nginx/conf.d/books.conf")
        );
        assert_eq!(
            layout.validate_command(),
            "nginx -t -p /lab/web/nginx -c /lab/web/nginx/nginx.conf"
        );
        assert_eq!(
            layout.reload_command(),
            "nginx -s reload -p /lab/web/nginx -c /lab/web/nginx/nginx.conf"
        );
        let conf = layout.main_conf("web", 40000);
        assert!(
            conf.contains("pid /lab/web/nginx/run/nginx.pid;\n"),
            "{conf}"
        );
        assert!(conf.contains("    proxy_temp_path /lab/web/nginx/temp/proxy;\n"));
        assert!(conf.contains("    include /lab/web/nginx/conf.d/*.conf;\n"));
        assert!(!conf.contains("\nuser "));
    }

    #[test]
    fn the_site_is_a_plain_proxy() {
        assert_eq!(
            site_conf("books.example.test", 40000, "127.0.0.1:18082"),
            "server {\n    listen 127.0.0.1:40000;\n    server_name books.example.test;\n\n    \
             location / {\n        proxy_pass http://127.0.0.1:18082;\n    }\n}\n"
        );
    }

    #[test]
    #[should_panic(expected = "HOST:PORT")]
    fn an_upstream_cannot_inject_directives() {
        let _ = site("127.0.0.1:1; return 200");
    }
}
