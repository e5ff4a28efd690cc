//! Table tests for the upstream parsers, on configs as people and Nginx Proxy Manager write
//! them, and on `docker inspect` output of running and stopped containers.

use serde_json::json;

use super::*;

/// `/etc/nginx/sites-available/books.conf` of a plain reverse proxy.
const PLAIN: &str = r#"
# Calibre-Web behind nginx
server {
    listen 80;
    listen [::]:80;
    server_name books.example.test;   # the library

    access_log /var/log/nginx/books.access.log;
    client_max_body_size 200m;

    location / {
        # proxy_pass http://192.168.1.9:8083;   (the old NAS)
        proxy_pass http://192.168.1.20:8083;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
"#;

/// Nginx Proxy Manager's `/data/nginx/proxy_host/1.conf` (template `proxy_host.conf`).
const PROXY_MANAGER: &str = r#"# ------------------------------------------------------------
# books.example.test
# ------------------------------------------------------------



map $scheme $hsts_header {
    https   "max-age=63072000; preload";
}

server {
  set $forward_scheme http;
  set $server         "192.168.1.20";
  set $port           8083;

  listen 80;
listen [::]:80;


  server_name books.example.test;
  http2 off;


  # Block Exploits
  include conf.d/include/block-exploits.conf;


  access_log /data/logs/proxy-host-1_access.log proxy;
  error_log /data/logs/proxy-host-1_error.log warn;


  location /api {
    proxy_set_header Host $host;
    proxy_pass       http://192.168.1.20:9000/api;
  }

  location / {

    # Proxy!
    include conf.d/include/proxy.conf;
  }


  # Custom
  include /data/nginx/custom/server_proxy[.]conf;
}
"#;

/// Two sites in one file, the first only redirecting to HTTPS.
const TWO_SERVERS: &str = r#"
upstream wiki_backend {
    # keepalive pool
    server 127.0.0.1:3000 max_fails=3;
    server 127.0.0.1:3001 backup;
}

server {
    listen 80;
    server_name books.example.test wiki.example.test;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl;
    server_name books.example.test;
    ssl_certificate /etc/ssl/books.pem;
    location = /robots.txt { return 200 "User-agent: *\nDisallow: /\n"; }
    location / { proxy_pass https://books.lan; }
}

server {
    listen 443 ssl;
    server_name wiki.example.test;
    location / {
        proxy_pass http://wiki_backend;
    }
}
"#;

#[test]
fn proxy_upstreams() {
    let cases: &[(&str, &str, Option<&str>, Option<&str>)] = &[
        (
            "plain",
            PLAIN,
            Some("books.example.test"),
            Some("192.168.1.20:8083"),
        ),
        ("plain, any server", PLAIN, None, Some("192.168.1.20:8083")),
        (
            "plain, case and trailing dot",
            PLAIN,
            Some("Books.Example.Test."),
            Some("192.168.1.20:8083"),
        ),
        (
            "plain, another site",
            PLAIN,
            Some("wiki.example.test"),
            None,
        ),
        (
            "proxy manager: `location /` has no proxy_pass, `set` says",
            PROXY_MANAGER,
            Some("books.example.test"),
            Some("192.168.1.20:8083"),
        ),
        (
            "two servers: the redirect is skipped, https without port is 443",
            TWO_SERVERS,
            Some("books.example.test"),
            Some("books.lan:443"),
        ),
        (
            "two servers: an upstream block gives its first server",
            TWO_SERVERS,
            Some("wiki.example.test"),
            Some("127.0.0.1:3000"),
        ),
        (
            "two servers, none named: the first that proxies",
            TWO_SERVERS,
            None,
            Some("books.lan:443"),
        ),
        (
            "no port over http is 80",
            "server { location / { proxy_pass http://backend.lan/app/; } }",
            None,
            Some("backend.lan:80"),
        ),
        (
            "variables, braced, and the path's variables left alone",
            "server { server_name x; set $up 10.0.0.7; location / { set $p 81; proxy_pass http://${up}:$p$request_uri; } }",
            Some("x"),
            Some("10.0.0.7:81"),
        ),
        (
            "NPMplus: `set $upstream` in the location",
            "server { server_name x; location / { set $upstream 10.0.0.5; proxy_pass http://$upstream:8080$request_uri; } }",
            Some("x"),
            Some("10.0.0.5:8080"),
        ),
        (
            "an unknown variable is no address",
            "server { location / { proxy_pass http://$backend; } }",
            None,
            None,
        ),
        (
            "IPv6",
            "server { location / { proxy_pass http://[::1]:8080; } }",
            None,
            Some("[::1]:8080"),
        ),
        (
            "unix socket",
            "server { location / { proxy_pass http://unix:/run/app.sock:/; } }",
            None,
            None,
        ),
        (
            "commented out",
            "server {\n  # location / { proxy_pass http://10.0.0.1:80; }\n}\n",
            None,
            None,
        ),
        (
            "wildcard, leading dot and regex names",
            "server { server_name *.example.test; location / { proxy_pass http://a:1; } }\nserver { server_name .lan; location / { proxy_pass http://b:2; } }\nserver { server_name ~^(www\\.)?shop\\.test$; location / { proxy_pass http://c:3; } }",
            Some("shop.test"),
            Some("c:3"),
        ),
        ("empty", "", None, None),
    ];
    for (case, config, server_name, expected) in cases {
        assert_eq!(
            proxy_upstream(config, *server_name).as_deref(),
            *expected,
            "case `{case}`"
        );
    }
    let names = "server { server_name *.example.test; location / { proxy_pass http://a:1; } }\nserver { server_name .lan; location / { proxy_pass http://b:2; } }";
    assert_eq!(
        proxy_upstream(names, Some("books.example.test")).as_deref(),
        Some("a:1")
    );
    assert_eq!(proxy_upstream(names, Some("lan")).as_deref(), Some("b:2"));
    assert_eq!(
        proxy_upstream(names, Some("nas.lan")).as_deref(),
        Some("b:2")
    );
    assert_eq!(proxy_upstream(names, Some("example.test")), None);
}

/// `docker inspect calibre` of a running container publishing 8083 on every address, both
/// families, plus an exposed port that is not published.
fn running() -> Value {
    json!([{
        "Name": "/calibre",
        "State": {"Status": "running", "Running": true, "ExitCode": 0},
        "HostConfig": {
            "PortBindings": {"8083/tcp": [{"HostIp": "", "HostPort": "8083"}]},
            "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}
        },
        "NetworkSettings": {
            "Ports": {
                "8081/tcp": null,
                "8083/tcp": [
                    {"HostIp": "0.0.0.0", "HostPort": "8083"},
                    {"HostIp": "::", "HostPort": "8083"}
                ]
            },
            "Networks": {"bridge": {"IPAddress": "172.17.0.3"}}
        }
    }])
}

#[test]
fn published_addresses() {
    let stopped = json!({
        "State": {"Status": "exited", "ExitCode": 137, "OOMKilled": true},
        "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "192.168.1.9", "HostPort": "8080"}]}},
        "NetworkSettings": {"Ports": {}}
    });
    let several = json!({
        "NetworkSettings": {"Ports": {
            "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8443"}],
            "80/tcp": [{"HostIp": "::1", "HostPort": "8080"}],
            "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "53"}]
        }}
    });
    let random = json!({
        "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}},
        "NetworkSettings": {"Ports": null}
    });
    let cases: &[(&str, &Value, Option<u16>, Option<&str>)] = &[
        (
            "running, port given",
            &running(),
            Some(8083),
            Some("127.0.0.1:8083"),
        ),
        (
            "running, first published tcp port",
            &running(),
            None,
            Some("127.0.0.1:8083"),
        ),
        ("exposed but not published", &running(), Some(8081), None),
        (
            "stopped: from HostConfig.PortBindings",
            &stopped,
            Some(80),
            Some("192.168.1.9:8080"),
        ),
        (
            "lowest tcp port, IPv6 in brackets",
            &several,
            None,
            Some("[::1]:8080"),
        ),
        (
            "a specific host IP",
            &several,
            Some(443),
            Some("127.0.0.1:8443"),
        ),
        ("udp only is no address", &several, Some(53), None),
        ("a random port not yet chosen", &random, None, None),
        ("not an inspect object", &json!("calibre"), None, None),
        ("empty array", &json!([]), None, None),
    ];
    for (case, inspect, port, expected) in cases {
        assert_eq!(
            published_address(inspect, *port).as_deref(),
            *expected,
            "case `{case}`"
        );
    }
}
