//! A fault-injecting TCP proxy for tests, between the client and the real server:
//! - `DropAnswers`: requests reach the server, answers never reach the client (the connection
//!   is closed): the case an idempotency key exists for;
//! - `Delay`: every piece of data waits before it is passed on, both ways;
//! - `Reset`: connections are reset (RST) at once, new and open ones;
//! - `HalfOpen`: connections are accepted and read, but never answered nor closed, as when the
//!   other side vanished: only the client's own timeout notices;
//! - `Pass`: a plain proxy.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    DropAnswers,
    Delay(Duration),
    Reset,
    HalfOpen,
}

/// The fault as one number, so that every connection task sees changes at once.
#[derive(Default)]
struct Mode(AtomicU64);

impl Mode {
    fn set(&self, fault: Fault) {
        let code = match fault {
            Fault::Pass => 0,
            Fault::DropAnswers => 1,
            Fault::Reset => 2,
            Fault::HalfOpen => 3,
            Fault::Delay(d) => 4 + u64::try_from(d.as_millis()).unwrap_or(u64::MAX - 4),
        };
        self.0.store(code, Ordering::SeqCst);
    }

    fn get(&self) -> Fault {
        match self.0.load(Ordering::SeqCst) {
            0 => Fault::Pass,
            1 => Fault::DropAnswers,
            2 => Fault::Reset,
            3 => Fault::HalfOpen,
            ms => Fault::Delay(Duration::from_millis(ms - 4)),
        }
    }
}

pub struct FaultyProxy {
    addr: SocketAddr,
    mode: Arc<Mode>,
    task: JoinHandle<()>,
}

/// Closes a socket with RST instead of FIN. (A zero linger does not block on drop, the
/// reason `set_linger` is deprecated: it resets at once.)
#[allow(deprecated)]
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// Passes bytes from `from` to `to` under the current fault; `answers` is the server→client way.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<Mode>,
    answers: bool,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        match mode.get() {
            Fault::Pass => {}
            Fault::Delay(d) => tokio::time::sleep(d).await,
            Fault::DropAnswers if answers => return,
            Fault::DropAnswers => {}
            Fault::Reset => {
                if let Ok(stream) = from.reunite(to) {
                    reset(stream);
                }
                return;
            }
            // Swallow everything, answer nothing, close nothing.
            Fault::HalfOpen => {
                let _keep = to;
                loop {
                    if matches!(from.read(&mut buf).await, Ok(0) | Err(_)) {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

impl FaultyProxy {
    /// Listens on loopback and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mode::default());
        let shared = mode.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = shared.clone();
                tokio::spawn(async move {
                    match mode.get() {
                        Fault::Reset => return reset(client),
                        Fault::HalfOpen => {
                            let (mut read, _write) = client.into_split();
                            let mut sink = vec![0u8; 16 * 1024];
                            while !matches!(read.read(&mut sink).await, Ok(0) | Err(_)) {}
                            return std::future::pending::<()>().await;
                        }
                        _ => {}
                    }
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    let up = tokio::spawn(pump(client_read, server_write, mode.clone(), false));
                    pump(server_read, client_write, mode, true).await;
                    up.abort();
                });
            }
        });
        Self { addr, mode, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies `fault` to new connections and to data on open ones.
    pub fn set(&self, fault: Fault) {
        self.mode.set(fault);
    }

    /// While on, every answer from the server is dropped and the connection closed.
    pub fn drop_answers(&self, on: bool) {
        self.set(if on { Fault::DropAnswers } else { Fault::Pass });
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
