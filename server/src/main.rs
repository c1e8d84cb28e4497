//! `paycore-server`: parses the configuration and calls [`paycore_server::run`].

use clap::Parser;
use paycore_server::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => paycore_server::run_command(cli.serve, command).await,
        None => match tokio::net::TcpListener::bind(cli.serve.listen).await {
            Ok(listener) => paycore_server::run(cli.serve, listener).await,
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "paycore-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
