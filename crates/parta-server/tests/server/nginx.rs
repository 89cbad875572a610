//! nginx from the system's packages as a region's balancer, in front of parta-server nodes on
//! loopback: the balancer test's, and the region bench's (`benches/load.rs` includes this file).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// nginx balancing plain HTTP over `nodes` (kept-alive connections to them; 32,768 connections
/// in all, clients' and upstream), a failed request tried once on the next node (a send too: its
/// idempotency key makes the retry safe); stopped when dropped.
pub struct Balancer {
    child: Child,
    pub url: String,
}

impl Balancer {
    pub fn start(dir: &Path, nodes: &[SocketAddr]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let prefix = dir.join("nginx");
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        let p = prefix.display();
        let servers: String = nodes
            .iter()
            .map(|n| format!("    server {n} max_fails=1 fail_timeout=30s;\n"))
            .collect();
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\n\
             worker_rlimit_nofile 65536;\nevents {{ worker_connections 32768; }}\n\
             http {{\n  access_log off;\n  client_max_body_size 64m;\n  \
             client_body_temp_path {p}/body;\n  \
             proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  \
             uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  \
             upstream parta {{\n{servers}    keepalive 64;\n  }}\n  \
             server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      \
             proxy_pass http://parta;\n      proxy_http_version 1.1;\n      \
             proxy_set_header Host $http_host;\n      proxy_set_header Connection \"\";\n      \
             proxy_read_timeout 120s;\n      \
             proxy_buffering off;\n      proxy_next_upstream error timeout non_idempotent;\n      \
             proxy_next_upstream_tries 2;\n    }}\n  }}\n}}\n"
        );
        let conf_path = prefix.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| PathBuf::from("nginx"));
        let child = Command::new(binary)
            .args([
                "-p",
                prefix.to_str().unwrap(),
                "-c",
                conf_path.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .spawn()
            .expect("nginx starts (scripts/install.sh --for-tests installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
