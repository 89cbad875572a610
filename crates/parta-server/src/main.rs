//! The `parta-server` command.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use parta_server::tls::TlsFiles;
use parta_server::{RunningServer, ServerConfig, start};

const USAGE: &str = "\
Usage: parta-server [--config FILE] [--demo] [--db FILE] [--postgres URL] [--bind ADDR]
                    [--device-rate N] [--policy FILE] [--tls-cert PEM --tls-key PEM]
                    [--updates DIR]

  --config FILE    settings file (TOML; see docs/server-config.md)
  --demo           create the demo school in the database (once) and serve it
  --db FILE        SQLite database (default: parta-server.sqlite, or parta-demo.sqlite with --demo)
  --postgres URL   keep the school in this PostgreSQL database instead (postgres://user@host/db;
                   a password belongs in ~/.pgpass, not the URL); uploads stay beside --db
  --bind ADDR      address to listen on (default: 127.0.0.1:8080)
  --device-rate N  requests per second one device may make (default: 30, as MAX)
  --policy FILE    the school's policy (TOML, as `parta-policy check` reads): file formats and limits
  --tls-cert PEM   serve HTTPS with this certificate chain ...
  --tls-key PEM    ... and this private key; both are read again on SIGHUP. Without them the
                   server listens on loopback only (behind a reverse proxy that serves HTTPS)
  --updates DIR    offer the app's signed release files in DIR as updates (docs/install.md)

Environment (overridden by the flags, overriding the file): PARTA_DB, PARTA_POSTGRES, PARTA_BIND,
PARTA_DEVICE_RATE, PARTA_POLICY, PARTA_TLS_CERT, PARTA_TLS_KEY, PARTA_UPDATES. The MAX bridge runs with a [max] section in the file or a
token in PARTA_MAX_TOKEN_FILE / PARTA_MAX_TOKEN (docs/max-bridge.md). Files go to an S3-compatible
store with a [files] section or PARTA_S3_ENDPOINT, PARTA_S3_BUCKET, PARTA_S3_REGION,
PARTA_S3_KEY_ID and PARTA_S3_SECRET_FILE / PARTA_S3_SECRET (docs/scale.md).

       parta-server migrate --from FILE --to URL

  Copies the school in the SQLite file FILE into the empty PostgreSQL database URL, checks
  every table's rows and checksum on both sides, and says what it copied. Refuses a database
  that already holds a school. With PARTA_S3_ENDPOINT (and the other PARTA_S3_* below) the
  uploaded files go into that object store first, each read back and compared by SHA-256;
  without it they stay in FILE's .files/ folder: start the server with --postgres URL --db FILE.

       parta-server max check [--token-file FILE] [--max-url URL] [--root-cert PEM] [--json]

  Says which MAX bot the token belongs to and which chats it is in, with its permissions, and
  warns where it cannot read a chat's messages (it needs to be an administrator with
  read_all_messages). The token comes from FILE (readable by this user alone) or
  PARTA_MAX_TOKEN; MAX's address from --max-url or PARTA_MAX_URL (default
  https://platform-api2.max.ru); --root-cert adds a trusted root (e.g. the Ministry's).
  Exit status: 0 every chat can be carried, 1 a warning or an error, 2 bad arguments.
";

/// The settings file: every key optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileConfig {
    server: ServerSection,
    limits: LimitsSection,
    tls: TlsSection,
    /// The MAX bridge (docs/max-bridge.md).
    max: Option<parta_server::max::settings::MaxSection>,
    /// Files in an S3-compatible object store (docs/scale.md).
    files: Option<parta_server::filestore::settings::FilesSection>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ServerSection {
    bind: Option<String>,
    database: Option<PathBuf>,
    postgres: Option<String>,
    demo: Option<bool>,
    policy: Option<PathBuf>,
    /// The folder of the app's signed release files (docs/install.md).
    updates: Option<PathBuf>,
}

/// `[tls]`: the certificate chain and key for HTTPS.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TlsSection {
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LimitsSection {
    device_per_second: Option<f64>,
    device_burst: Option<f64>,
    anonymous_per_minute: Option<f64>,
    anonymous_burst: Option<f64>,
    login_per_hour: Option<f64>,
    login_burst: Option<f64>,
}

/// Settings gathered from the file, the environment and the flags, in rising precedence.
#[derive(Debug, Default)]
struct Settings {
    demo: bool,
    db: Option<PathBuf>,
    postgres: Option<String>,
    bind: Option<String>,
    policy: Option<PathBuf>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    updates: Option<PathBuf>,
    limits: parta_server::ratelimit::RateLimits,
    max: Option<parta_server::max::settings::MaxSection>,
    files: Option<parta_server::filestore::settings::FilesSection>,
}

fn positive(what: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() && value >= 1.0 {
        Ok(value)
    } else {
        Err(format!("{what}: '{value}' is not a number >= 1"))
    }
}

fn rate(what: &str, value: &str) -> Result<f64, String> {
    let parsed: f64 = value
        .parse()
        .map_err(|_| format!("{what}: '{value}' is not a number >= 1"))?;
    positive(what, parsed)
}

impl Settings {
    fn apply_file(&mut self, text: &str, name: &str) -> Result<(), String> {
        let file: FileConfig = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        self.max = file.max;
        self.files = file.files;
        if let Some(demo) = file.server.demo {
            self.demo = demo;
        }
        self.db = file.server.database.or(self.db.take());
        self.postgres = file.server.postgres.or(self.postgres.take());
        self.bind = file.server.bind.or(self.bind.take());
        self.policy = file.server.policy.or(self.policy.take());
        self.updates = file.server.updates.or(self.updates.take());
        self.tls_cert = file.tls.cert.or(self.tls_cert.take());
        self.tls_key = file.tls.key.or(self.tls_key.take());
        let l = &mut self.limits;
        if let Some(v) = file.limits.device_per_second {
            l.device_per_second = positive("limits.device_per_second", v)?;
        }
        if let Some(v) = file.limits.device_burst {
            l.device_burst = positive("limits.device_burst", v)?;
        }
        if let Some(v) = file.limits.anonymous_per_minute {
            l.anonymous_per_minute = positive("limits.anonymous_per_minute", v)?;
        }
        if let Some(v) = file.limits.anonymous_burst {
            l.anonymous_burst = positive("limits.anonymous_burst", v)?;
        }
        if let Some(v) = file.limits.login_per_hour {
            l.login_per_hour = positive("limits.login_per_hour", v)?;
        }
        if let Some(v) = file.limits.login_burst {
            l.login_burst = positive("limits.login_burst", v)?;
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
        if let Some(db) = env("PARTA_DB") {
            self.db = Some(PathBuf::from(db));
        }
        if let Some(url) = env("PARTA_POSTGRES") {
            self.postgres = Some(url);
        }
        if let Some(bind) = env("PARTA_BIND") {
            self.bind = Some(bind);
        }
        if let Some(policy) = env("PARTA_POLICY") {
            self.policy = Some(PathBuf::from(policy));
        }
        if let Some(cert) = env("PARTA_TLS_CERT") {
            self.tls_cert = Some(PathBuf::from(cert));
        }
        if let Some(key) = env("PARTA_TLS_KEY") {
            self.tls_key = Some(PathBuf::from(key));
        }
        if let Some(dir) = env("PARTA_UPDATES") {
            self.updates = Some(PathBuf::from(dir));
        }
        if let Some(value) = env("PARTA_DEVICE_RATE") {
            self.set_device_rate(rate("PARTA_DEVICE_RATE", &value)?);
        }
        Ok(())
    }

    fn set_device_rate(&mut self, rate: f64) {
        self.limits.device_per_second = rate;
        self.limits.device_burst = self.limits.device_burst.max(rate * 2.0);
    }
}

/// Reads the settings: `--config` first, then the environment, then the other flags.
fn parse(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    read: &dyn Fn(&std::path::Path) -> std::io::Result<String>,
) -> Result<ServerConfig, String> {
    let mut settings = Settings::default();
    if let Some(i) = args.iter().position(|a| a == "--config") {
        let file = args.get(i + 1).ok_or("--config needs a file name")?;
        let text = read(std::path::Path::new(file))
            .map_err(|e| format!("--config: cannot read {file}: {e}"))?;
        settings.apply_file(&text, file)?;
    }
    settings.apply_env(env)?;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--config" => {
                it.next();
            }
            "--demo" => settings.demo = true,
            "--db" => {
                settings.db = Some(PathBuf::from(it.next().ok_or("--db needs a file name")?));
            }
            "--postgres" => {
                settings.postgres = Some(it.next().ok_or("--postgres needs a URL")?.clone());
            }
            "--bind" => settings.bind = Some(it.next().ok_or("--bind needs an address")?.clone()),
            "--tls-cert" => {
                settings.tls_cert =
                    Some(PathBuf::from(it.next().ok_or("--tls-cert needs a file")?));
            }
            "--tls-key" => {
                settings.tls_key = Some(PathBuf::from(it.next().ok_or("--tls-key needs a file")?));
            }
            "--policy" => {
                settings.policy = Some(PathBuf::from(it.next().ok_or("--policy needs a file")?));
            }
            "--updates" => {
                settings.updates =
                    Some(PathBuf::from(it.next().ok_or("--updates needs a folder")?));
            }
            "--device-rate" => {
                let value = it.next().ok_or("--device-rate needs a number")?;
                settings.set_device_rate(rate("--device-rate", value)?);
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    let bind: SocketAddr = match &settings.bind {
        Some(value) => value
            .parse()
            .map_err(|_| format!("bind: '{value}' is not ADDR:PORT"))?,
        None => ([127, 0, 0, 1], 8080).into(),
    };
    let policy = match &settings.policy {
        Some(path) => {
            let text =
                read(path).map_err(|e| format!("policy: cannot read {}: {e}", path.display()))?;
            parta_policy::Policy::from_toml(&text)
                .map_err(|e| format!("policy {}: {e}", path.display()))?
        }
        None => parta_policy::Policy::default(),
    };
    let max = parta_server::max::settings::bridge_config(settings.max.as_ref(), env, read)?;
    let s3 = parta_server::filestore::settings::s3_config(settings.files.as_ref(), env)?;
    let tls = match (settings.tls_cert, settings.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => return Err("tls: name both the certificate (cert) and its key (key)".to_owned()),
    };
    parta_server::tls::check_bind(bind, tls.is_some(), settings.demo).map_err(|e| e.to_string())?;
    if let Some(dir) = settings.updates.as_ref().filter(|dir| !dir.is_dir()) {
        return Err(format!(
            "updates: {} is not a folder (the app's signed release files go there)",
            dir.display()
        ));
    }
    let demo = settings.demo;
    let db_path = settings.db.unwrap_or_else(|| {
        PathBuf::from(if demo {
            "parta-demo.sqlite"
        } else {
            "parta-server.sqlite"
        })
    });
    Ok(ServerConfig {
        db_path,
        postgres: settings.postgres,
        bind,
        demo,
        limits: settings.limits,
        policy,
        max,
        tls,
        s3,
        releases: settings.updates,
    })
}

/// Runs until Ctrl+C or SIGTERM; on SIGHUP reads the TLS certificate and key again.
async fn serve_until_stopped(server: &RunningServer) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(mut hangup) => {
                let stop = stop_requested();
                tokio::pin!(stop);
                loop {
                    tokio::select! {
                        _ = &mut stop => return,
                        _ = hangup.recv() => match server.reload_tls().await {
                            Ok(()) => tracing::info!("SIGHUP: TLS certificate read again"),
                            Err(e) => tracing::error!(error = %e, "SIGHUP: kept the certificate in use"),
                        },
                    }
                }
            }
            Err(e) => eprintln!("parta-server: cannot listen for SIGHUP: {e}"),
        }
    }
    stop_requested().await;
}

/// Waits for Ctrl+C, or for SIGTERM (how service managers stop a server) where there is one.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => eprintln!("parta-server: cannot listen for SIGTERM: {e}"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("parta-server: cannot wait for Ctrl+C: {e}");
    }
}

/// `parta-server max …`: the school's MAX bot.
async fn max_command(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let bad = |message: &str| {
        eprintln!("parta-server: {message}\n\n{USAGE}");
        ExitCode::from(2)
    };
    if args.first().map(String::as_str) != Some("check") {
        return bad("max needs a command: check");
    }
    let mut token_file = env("PARTA_MAX_TOKEN_FILE").map(PathBuf::from);
    let mut url = env("PARTA_MAX_URL").unwrap_or_else(|| parta_model::max::MAX_API_URL.to_owned());
    let mut root_cert = env("PARTA_MAX_ROOT_CERT").map(PathBuf::from);
    let mut json = false;
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--token-file" | "--max-url" | "--root-cert" => {
                let Some(value) = rest.next() else {
                    return bad(&format!("{arg} needs a value"));
                };
                match arg.as_str() {
                    "--token-file" => token_file = Some(PathBuf::from(value)),
                    "--max-url" => url = value.clone(),
                    _ => root_cert = Some(PathBuf::from(value)),
                }
            }
            other => return bad(&format!("unknown argument '{other}'")),
        }
    }
    let token = match parta_server::max::BotToken::load(token_file.as_deref(), env) {
        Ok(token) => token,
        Err(e) => {
            eprintln!("parta-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = match root_cert.map(std::fs::read_to_string).transpose() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("parta-server: cannot read the root certificate: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = match parta_server::max::MaxApi::new(&url, token, root.as_deref()) {
        Ok(api) => parta_server::max::check(&api).await,
        Err(e) => Err(e),
    };
    match report {
        Ok(report) => {
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("parta-server: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                print!("{}", report.to_text());
            }
            if report.chats.iter().all(|c| c.can_bridge) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("parta-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `parta-server migrate --from FILE --to URL`: a SQLite school into PostgreSQL, and its files
/// into the object store the environment names.
async fn migrate_command(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let (mut from, mut to) = (None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (arg.as_str(), rest.next()) {
            ("--from", Some(file)) => from = Some(PathBuf::from(file)),
            ("--to", Some(url)) => to = Some(url.clone()),
            _ => {
                eprintln!("parta-server: migrate takes --from FILE --to URL\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        eprintln!("parta-server: migrate needs both --from FILE and --to URL\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let s3 = match parta_server::filestore::settings::s3_config(None, env) {
        Ok(s3) => s3,
        Err(e) => {
            eprintln!("parta-server: migrate: {e}");
            return ExitCode::from(2);
        }
    };
    match parta_server::store::migrate::sqlite_to_postgres(&from, &to, s3.as_ref()).await {
        Ok(moved) => {
            for (table, rows, sum) in &moved.tables {
                println!("{table:<22} {rows:>9} rows  sha256 {sum}");
            }
            if let Some(files) = &moved.files {
                println!(
                    "copied {} files and {} uploads still arriving ({} bytes) into the object \
                     store; each file read back and its SHA-256 compared",
                    files.files, files.partial, files.bytes
                );
            }
            println!(
                "copied {} rows in {} tables; counts and checksums agree",
                moved.rows(),
                moved.tables.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parta-server: migrate: {e}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout carries only the one "listening on" line scripts wait for.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let env = |key: &str| std::env::var(key).ok();
    if args.first().map(String::as_str) == Some("max") {
        return max_command(&args[1..], &env).await;
    }
    if args.first().map(String::as_str) == Some("migrate") {
        return migrate_command(&args[1..], &env).await;
    }
    let config = match parse(&args, &env, &|path| std::fs::read_to_string(path)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("parta-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let demo = config.demo;
    let server = match start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("parta-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if demo && let Err(e) = parta_server::demo::ensure_timetable(server.school()).await {
        eprintln!("parta-server: the demo's timetable: {e}");
    }
    println!("parta-server listening on {}", server.url());
    serve_until_stopped(&server).await;
    match server.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parta-server: shutdown: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn no_files(path: &std::path::Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} does not exist", path.display()),
        ))
    }

    fn plain(s: &str) -> Result<ServerConfig, String> {
        parse(&args(s), &no_env, &no_files)
    }

    #[test]
    fn demo_defaults_to_its_own_database_file() {
        let config = plain("--demo").unwrap();
        assert!(config.demo);
        assert_eq!(config.db_path, PathBuf::from("parta-demo.sqlite"));
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(
            plain("--bind nowhere")
                .unwrap_err()
                .contains("not ADDR:PORT")
        );
        assert!(
            plain("--frobnicate")
                .unwrap_err()
                .contains("unknown argument")
        );
        assert!(plain("--db").unwrap_err().contains("needs a file name"));
        assert!(plain("--device-rate 0").unwrap_err().contains(">= 1"));
        assert!(
            plain("--config /nope.toml")
                .unwrap_err()
                .contains("cannot read")
        );
    }

    #[test]
    fn flags_override_the_environment_which_overrides_the_file() {
        let file = "[server]\nbind = \"0.0.0.0:9000\"\ndatabase = \"/srv/file.sqlite\"\n\
                    [limits]\ndevice_per_second = 5\n\
                    [tls]\ncert = \"/etc/parta/server.crt\"\nkey = \"/etc/parta/server.key\"\n";
        let read = |_: &std::path::Path| Ok(file.to_owned());
        let env = |key: &str| (key == "PARTA_DB").then(|| "/srv/env.sqlite".to_owned());
        let from_file_and_env = parse(&args("--config school.toml"), &env, &read).unwrap();
        assert_eq!(from_file_and_env.bind, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(from_file_and_env.db_path, PathBuf::from("/srv/env.sqlite"));
        assert_eq!(from_file_and_env.limits.device_per_second, 5.0);
        let with_flags = parse(
            &args("--config school.toml --db /srv/flag.sqlite --bind 127.0.0.1:1"),
            &env,
            &read,
        )
        .unwrap();
        assert_eq!(with_flags.db_path, PathBuf::from("/srv/flag.sqlite"));
        assert_eq!(with_flags.bind, "127.0.0.1:1".parse().unwrap());
        let tls = with_flags.tls.unwrap();
        assert_eq!(tls.cert, PathBuf::from("/etc/parta/server.crt"));
        let env_tls = |key: &str| (key == "PARTA_TLS_KEY").then(|| "/run/k.pem".to_owned());
        let from_env = parse(&args("--config school.toml"), &env_tls, &read).unwrap();
        assert_eq!(from_env.tls.unwrap().key, PathBuf::from("/run/k.pem"));
    }

    #[test]
    fn plain_http_off_this_computer_and_half_a_tls_pair_are_refused() {
        let err = plain("--bind 0.0.0.0:8080").unwrap_err();
        assert!(err.contains("reverse proxy"), "{err}");
        let err = plain("--demo --bind 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem").unwrap_err();
        assert!(err.contains("127.0.0.1 only"), "{err}");
        let err = plain("--tls-cert c.pem").unwrap_err();
        assert!(err.contains("both"), "{err}");
        let https = plain("--bind 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem").unwrap();
        assert_eq!(https.tls.map(|t| t.key), Some(PathBuf::from("k.pem")));
    }

    #[test]
    fn a_settings_file_with_an_unknown_key_is_refused_by_name() {
        let read = |_: &std::path::Path| Ok("[server]\nbindd = \"x\"\n".to_owned());
        let err = parse(&args("--config s.toml"), &no_env, &read).unwrap_err();
        assert!(err.contains("bindd"), "{err}");
    }

    #[test]
    fn the_school_policy_sets_the_file_rules() {
        let read = |path: &std::path::Path| {
            if path.ends_with("policy.toml") {
                Ok("[files]\nallowed = [\"pdf\"]\n".to_owned())
            } else {
                no_files(path)
            }
        };
        let config = parse(&args("--policy policy.toml"), &no_env, &read).unwrap();
        assert_eq!(
            config.policy.files.allowed,
            vec![parta_policy::files::Format::Pdf]
        );
    }
}
