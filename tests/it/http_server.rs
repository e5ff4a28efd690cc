//! A tiny HTTP server on loopback for check tests: answers every request
//! with the status and body currently set, so a test can break and heal it.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub struct TestServer {
    pub url: String,
    answer: Arc<Mutex<(u16, String)>>,
}

impl TestServer {
    pub fn start(status: u16, body: &str) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}/", listener.local_addr().expect("local addr"));
        let answer = Arc::new(Mutex::new((status, body.to_string())));
        let shared = Arc::clone(&answer);
        // The thread ends with the test process; it only ever serves loopback.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let (status, body) = shared.lock().expect("answer lock").clone();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        TestServer { url, answer }
    }

    pub fn answer(&self, status: u16, body: &str) {
        *self.answer.lock().expect("answer lock") = (status, body.to_string());
    }
}
