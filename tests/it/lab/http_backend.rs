//! A real HTTP backend on 127.0.0.1: what a "backend container" of the lab
//! really listens with. A thread of the test process, not a child process:
//! its port is bound before anyone learns it (no race with parallel labs for
//! a free port), it needs no readiness poll, and nothing can outlive the
//! test binary. Every request gets `200 OK` with the fixed body; it stops
//! (port closed) when the lab drops.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::host::lock;

/// A started backend (see [`super::Lab::http_backend`]).
#[derive(Debug)]
pub struct HttpBackend {
    port: u16,
    body: String,
    requests: Arc<AtomicUsize>,
    stopping: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl HttpBackend {
    /// Serves `body` on `127.0.0.1:port` (`0`: a free port).
    pub(super) fn start(port: u16, body: &str) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .unwrap_or_else(|e| panic!("http backend: bind 127.0.0.1:{port}: {e}"));
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        let requests = Arc::new(AtomicUsize::new(0));
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let (body, requests, stopping) = (
                body.to_string(),
                Arc::clone(&requests),
                Arc::clone(&stopping),
            );
            thread::Builder::new()
                .name(format!("lab-backend-{port}"))
                .spawn(move || accept_loop(&listener, &body, &requests, &stopping))
                .expect("spawn the backend's thread")
        };
        Self {
            port,
            body: body.to_string(),
            requests,
            stopping,
            thread: Mutex::new(Some(thread)),
        }
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, as an nginx upstream is written.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The body every answer carries.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Whether it still listens.
    pub fn is_running(&self) -> bool {
        lock(&self.thread).is_some()
    }

    /// Closes the port and ends the thread (answers in flight finish).
    pub fn stop(&self) {
        let Some(thread) = lock(&self.thread).take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept; the loop sees the flag and returns.
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        let _ = thread.join();
    }
}

impl Drop for HttpBackend {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: &TcpListener, body: &str, requests: &Arc<AtomicUsize>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let (body, requests) = (body.to_string(), Arc::clone(requests));
        // One short-lived thread per connection: a stalled client (read
        // timeout 5 s) never holds up the next request.
        let _ = thread::Builder::new()
            .name("lab-backend-conn".into())
            .spawn(move || answer(stream, &body, &requests));
    }
}

fn answer(mut stream: TcpStream, body: &str, requests: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65_536 {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
    if request.is_empty() {
        return;
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let head_only = request.starts_with(b"HEAD ");
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nServer: medic-lab-backend\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        if head_only { "" } else { body }
    );
    let _ = stream.flush();
}
