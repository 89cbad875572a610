//! The `parta-server` command.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use parta_server::{ServerConfig, start};

const USAGE: &str = "\
Usage: parta-server [--demo] [--db FILE] [--bind ADDR] [--device-rate N]

  --demo        create the demo school in the database (once) and serve it
  --db FILE     SQLite database (default: parta-server.sqlite, or parta-demo.sqlite with --demo)
  --bind ADDR   address to listen on (default: 127.0.0.1:8080)
  --device-rate N  requests per second one device may make (default: 30, as MAX)
";

fn parse(args: &[String]) -> Result<ServerConfig, String> {
    let mut demo = false;
    let mut db = None;
    let mut bind: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut limits = parta_server::ratelimit::RateLimits::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--db" => db = Some(PathBuf::from(it.next().ok_or("--db needs a file name")?)),
            "--bind" => {
                let value = it.next().ok_or("--bind needs an address")?;
                bind = value
                    .parse()
                    .map_err(|_| format!("--bind: '{value}' is not ADDR:PORT"))?;
            }
            "--device-rate" => {
                let value = it.next().ok_or("--device-rate needs a number")?;
                let rate: f64 = value
                    .parse()
                    .ok()
                    .filter(|r: &f64| r.is_finite() && *r >= 1.0)
                    .ok_or_else(|| format!("--device-rate: '{value}' is not a number >= 1"))?;
                limits.device_per_second = rate;
                limits.device_burst = limits.device_burst.max(rate * 2.0);
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    let db_path = db.unwrap_or_else(|| {
        PathBuf::from(if demo {
            "parta-demo.sqlite"
        } else {
            "parta-server.sqlite"
        })
    });
    Ok(ServerConfig {
        db_path,
        bind,
        demo,
        limits,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("parta-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("parta-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("parta-server listening on {}", server.url());
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("parta-server: cannot wait for Ctrl+C: {e}");
    }
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

    #[test]
    fn demo_defaults_to_its_own_database_file() {
        let config = parse(&args("--demo")).unwrap();
        assert!(config.demo);
        assert_eq!(config.db_path, PathBuf::from("parta-demo.sqlite"));
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(
            parse(&args("--bind nowhere"))
                .unwrap_err()
                .contains("not ADDR:PORT")
        );
        assert!(
            parse(&args("--frobnicate"))
                .unwrap_err()
                .contains("unknown argument")
        );
        assert!(
            parse(&args("--db"))
                .unwrap_err()
                .contains("needs a file name")
        );
    }
}
