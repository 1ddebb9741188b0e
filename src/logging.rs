//! Logs: one event per line on stderr, filtered like `RUST_LOG` (default `info`), without
//! colours or timestamps when journald collects them (it adds its own).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let under_journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(!under_journald && std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = if under_journald {
        builder.without_time().try_init()
    } else {
        builder.try_init()
    };
}
