//! The demo school, served in-process by parta-server on 127.0.0.1 with a random free port.
//! It can be stopped and restarted on the same port, so people can try Parta offline.

use std::net::SocketAddr;
use std::path::PathBuf;

use parta_server::{RunningServer, ServerConfig};

/// The embedded demo server and where it lives.
pub struct DemoServer {
    db_path: PathBuf,
    addr: SocketAddr,
    running: Option<RunningServer>,
}

impl DemoServer {
    /// Starts the demo school from `db_path` (seeding it on first use).
    pub async fn start(db_path: PathBuf) -> parta_server::Result<Self> {
        let running = parta_server::start(ServerConfig::demo(
            db_path.clone(),
            ([127, 0, 0, 1], 0).into(),
        ))
        .await?;
        parta_server::demo::ensure_timetable(running.school()).await?;
        Ok(Self {
            db_path,
            addr: running.addr(),
            running: Some(running),
        })
    }

    /// The base URL (stable across [`DemoServer::set_offline`] toggles).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The running server, if it is up.
    pub fn running(&self) -> Option<&RunningServer> {
        self.running.as_ref()
    }

    /// Whether the server is stopped.
    pub fn is_offline(&self) -> bool {
        self.running.is_none()
    }

    /// Stops the server, or starts it again on the same address.
    pub async fn set_offline(&mut self, offline: bool) -> parta_server::Result<()> {
        match (offline, self.running.take()) {
            (true, Some(server)) => server.stop().await,
            (false, None) => {
                let server =
                    parta_server::start(ServerConfig::demo(self.db_path.clone(), self.addr))
                        .await?;
                self.running = Some(server);
                Ok(())
            }
            (_, running) => {
                self.running = running;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn going_offline_stops_the_server_and_coming_back_reuses_the_address() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut demo = DemoServer::start(dir.path().join("demo.sqlite"))
            .await
            .expect("starts");
        let url = demo.url();
        let addr = demo.addr;
        assert!(std::net::TcpStream::connect(addr).is_ok());

        demo.set_offline(true).await.expect("stops");
        assert!(demo.is_offline());
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "nothing listens any more"
        );

        demo.set_offline(false).await.expect("restarts");
        assert!(!demo.is_offline());
        assert_eq!(
            demo.url(),
            url,
            "the same address, so signed-in sessions reconnect"
        );
        assert!(std::net::TcpStream::connect(addr).is_ok());
        demo.set_offline(true).await.expect("stops again");
    }
}
