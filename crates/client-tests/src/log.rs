//! A `tracing` subscriber whose output a test reads back.

use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::format::FmtSpan;

/// What this thread logs while it is alive, as the `fmt` subscriber prints it (no colours, no
/// timestamps).
pub struct CapturedLog {
    bytes: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl CapturedLog {
    /// Captures events at `level` and above, and the span events `spans`, until dropped.
    pub fn start(level: tracing::Level, spans: FmtSpan) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink(Arc::clone(&bytes));
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .with_span_events(spans)
            .with_max_level(level)
            .without_time()
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // A callsite another test's thread was registering while this subscriber was set may
        // have cached "never" (its interest was computed before, and it joined the registry
        // after, the rebuild `set_default` makes): rebuild once more now that it is registered.
        tracing::callsite::rebuild_interest_cache();
        CapturedLog { bytes, _guard: guard }
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.lock().unwrap().clone()).expect("the log is UTF-8")
    }
}

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
