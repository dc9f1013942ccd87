//! A `tracing` subscriber whose output a test reads back.
//!
//! Each capture is a subscriber set for its thread. Beside them, the test binary's global
//! subscriber (`AskEveryTime`) enables nothing but answers "ask me each time" for every
//! callsite, so that no callsite is ever cached as disabled: without it, a callsite first reached
//! by another test's thread while no capture was registered would stay disabled for every later
//! capture, and its events would be lost.

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
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            let _ = tracing::subscriber::set_global_default(AskEveryTime);
        });
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

/// The global subscriber of the test binary: records nothing, and keeps every callsite's interest
/// at "sometimes", so each thread's own subscriber is asked about every event.
struct AskEveryTime;

impl tracing::Subscriber for AskEveryTime {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
