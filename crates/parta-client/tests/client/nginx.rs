//! parta-server behind nginx from the system's packages, with docs/nginx-parta.conf as the
//! site: the client core signs in over nginx's HTTPS, waits in long polls through it, hears a
//! teacher who is on the server directly, and sends a file to the upload URL the server gives
//! back (https, by nginx's X-Forwarded-Proto).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use parta_client::Client;
use parta_model::view::{AppEvent, ConnectionState};
use parta_server::tls::TlsFiles;
use parta_test_ca::Authority;

use crate::common::*;
use crate::tls::{certificate_in, sign_in};

/// nginx from the system's packages, serving HTTPS on a port of its own and passing every
/// request to `upstream` as docs/server-config.md says; stopped when dropped.
struct Nginx {
    child: Child,
    url: String,
}

impl Nginx {
    fn start(dir: &Path, upstream: SocketAddr, tls: &TlsFiles) -> Self {
        let port = free_port();
        let prefix = dir.join("nginx");
        std::fs::create_dir_all(prefix.join("logs")).unwrap();
        let conf = prefix.join("nginx.conf");
        std::fs::write(&conf, nginx_conf(&prefix, port, upstream, tls)).unwrap();
        let child = Command::new(nginx_binary())
            .args(["-p", prefix.to_str().unwrap(), "-c", conf.to_str().unwrap()])
            .stdin(Stdio::null())
            .spawn()
            .expect("nginx starts (scripts/install.sh --for-tests installs it)");
        let url = format!("https://127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + SOON;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "nginx never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, url }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The proxy's settings: docs/server-config.md's, with every path in the test's folder and
/// one process, so it runs as the test's user.
fn nginx_conf(prefix: &Path, port: u16, upstream: SocketAddr, tls: &TlsFiles) -> String {
    let site = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/nginx-parta.conf"),
    )
    .unwrap()
    .replace("listen 443 ssl;", &format!("listen 127.0.0.1:{port} ssl;"))
    .replace("127.0.0.1:8080", &upstream.to_string())
    .replace("/etc/parta/server.crt", tls.cert.to_str().unwrap())
    .replace("/etc/parta/server.key", tls.key.to_str().unwrap());
    let p = prefix.display();
    format!(
        "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  \
         proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  \
         uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n{site}\n}}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_behind_nginx_is_reached_over_https_with_long_polls_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(&dir.path().join("school.sqlite"), loopback()).await;
    let authority = Authority::new("Школа №1").unwrap();
    let tls = certificate_in(dir.path(), &authority);
    let nginx = Nginx::start(dir.path(), server.addr(), &tls);
    let client = Client::open(&dir.path().join("app"), test_keychain())
        .await
        .unwrap();
    let profile = sign_in(&client, &nginx.url, Some(authority.root_pem()))
        .await
        .unwrap();
    assert_eq!(profile.server_url, nginx.url);

    // The parent's session syncs, waits in a long poll through the proxy and hears the
    // teacher, who is on the server directly.
    let parent = client.start_session(&profile, fast_config()).await.unwrap();
    wait_connection(&parent, ConnectionState::Online).await;
    let chat = chat_id(&parent, "5А — родители").await;
    let mut heard = parent.subscribe();
    let teacher_token = token(&server, "a.sokolova").await;
    let teacher = online(&server, &teacher_token, &dir.path().join("teacher.sqlite")).await;
    let mut teacher_heard = teacher.subscribe();
    teacher.send_text(chat, "Собрание в четверг").await.unwrap();
    wait_event(
        &mut heard,
        "the teacher's message through nginx",
        |e| matches!(e, AppEvent::MessageAdded { message } if message.text == "Собрание в четверг"),
    )
    .await;

    // A file goes up through the proxy, to the upload URL the server gave: https, by nginx's
    // X-Forwarded-Proto, although the server itself speaks plain HTTP on loopback.
    let file = dir.path().join("Справка.txt");
    std::fs::write(&file, "Справка для школы: через nginx по https.\n").unwrap();
    let pending = parent.send(chat, "Справка", &[file]).await.unwrap();
    let local = pending[0].mid.clone();
    wait_event(
        &mut heard,
        "the parent's file is sent",
        |e| matches!(e, AppEvent::MessageSent { local_mid, .. } if *local_mid == local),
    )
    .await;
    wait_event(&mut teacher_heard, "the teacher receives the file", |e| {
        matches!(e, AppEvent::MessageAdded { message }
            if message.attachments.iter().any(|a| a.name == "Справка.txt"))
    })
    .await;
    parent.stop().await;
    teacher.stop().await;
    drop(nginx);
    server.stop().await.unwrap();
}
