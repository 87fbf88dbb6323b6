use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    gdpr_audit_panic_hook();
    gdpr_audit::interrupt::install();
    let cli = gdpr_audit::cli::Cli::parse();
    match gdpr_audit::commands::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(_) if gdpr_audit::interrupt::is_interrupted() => {
            eprintln!("interrupted: nothing was written");
            ExitCode::from(gdpr_audit::interrupt::EXIT_INTERRUPTED)
        }
        Err(err) => {
            // A closed pipe (`| head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Errors quote file names, rule ids and column names: input text.
            let message = format!("{err:#}");
            eprintln!("error: {}", gdpr_audit::terminal_text::safe(&message));
            ExitCode::from(gdpr_audit::ExitStatus::Error as u8)
        }
    }
}

/// A panic message could quote input; print where it happened, never its payload.
fn gdpr_audit_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "internal error at {at} (message withheld: it could contain scanned data); please report it"
        );
    }));
}
