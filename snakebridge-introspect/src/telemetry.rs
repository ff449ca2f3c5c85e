//! Compile-phase telemetry, named after the seed's event list: the code generator calls these
//! helpers so that `cargo snakebridge` (or any program driving the generator) can observe scan,
//! introspection, generation and lock verification with a `tracing` subscriber.
//!
//! Every event has target [`TARGET`] and the seed's name with dots
//! (`[:snakebridge, :compile, :introspect, :stop]` is `snakebridge.compile.introspect.stop`);
//! durations are `duration_us`, the seed's measurements keep their names. Phase events are
//! DEBUG, the compile summary INFO and a failure ERROR, as the seed's logger handler logs them.
//! Runtime events (`snakebridge.runtime.call.*`, `snakebridge.docs.fetch`,
//! `snakebridge.lock.verify`) live in `snakebridge_runtime::telemetry`.

use std::time::Duration;

/// The `tracing` target of compile events.
pub const TARGET: &str = "snakebridge::compile";
/// `[:snakebridge, :compile, :start]`.
pub const COMPILE_START: &str = "snakebridge.compile.start";
/// `[:snakebridge, :compile, :stop]`.
pub const COMPILE_STOP: &str = "snakebridge.compile.stop";
/// `[:snakebridge, :compile, :exception]`.
pub const COMPILE_EXCEPTION: &str = "snakebridge.compile.exception";
/// `[:snakebridge, :compile, :scan, :stop]`.
pub const SCAN_STOP: &str = "snakebridge.compile.scan.stop";
/// `[:snakebridge, :compile, :introspect, :start]`.
pub const INTROSPECT_START: &str = "snakebridge.compile.introspect.start";
/// `[:snakebridge, :compile, :introspect, :stop]`.
pub const INTROSPECT_STOP: &str = "snakebridge.compile.introspect.stop";
/// `[:snakebridge, :compile, :generate, :stop]`.
pub const GENERATE_STOP: &str = "snakebridge.compile.generate.stop";

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Compilation of `libraries` started; `strict` is the seed's strict mode.
pub fn compile_start(libraries: &[&str], strict: bool) {
    tracing::event!(name: "snakebridge.compile.start", target: "snakebridge::compile", tracing::Level::DEBUG,
        library = "all", phase = "compile", libraries = ?libraries, strict);
}

/// Compilation finished: `mode` is `"normal"` or `"strict"`.
pub fn compile_stop(duration: Duration, symbols_generated: u64, files_written: u64, libraries: &[&str], mode: &str) {
    tracing::event!(name: "snakebridge.compile.stop", target: "snakebridge::compile", tracing::Level::INFO,
        duration_us = us(duration), symbols_generated, files_written, library = "all", phase = "compile", libraries = ?libraries, mode);
}

/// Compilation failed.
pub fn compile_exception(duration: Duration, reason: &dyn std::fmt::Display) {
    tracing::event!(name: "snakebridge.compile.exception", target: "snakebridge::compile", tracing::Level::ERROR,
        duration_us = us(duration), library = "all", phase = "compile", reason = %reason);
}

/// The source scan found `symbols_found` Python symbols used in `files_scanned` files.
pub fn scan_stop(duration: Duration, files_scanned: u64, symbols_found: u64, paths: &[&str]) {
    tracing::event!(name: "snakebridge.compile.scan.stop", target: "snakebridge::compile", tracing::Level::DEBUG,
        duration_us = us(duration), files_scanned, symbols_found, library = "all", phase = "scan", paths = ?paths);
}

/// Introspection of `library` started for `batch_size` symbols.
pub fn introspect_start(library: &str, batch_size: u64) {
    tracing::event!(name: "snakebridge.compile.introspect.start", target: "snakebridge::compile", tracing::Level::DEBUG,
        library, phase = "introspect", batch_size);
}

/// Introspection of `library` finished: `cache_hits` symbols came from the manifest cache;
/// `python_time` is the time spent in the Python subprocess.
pub fn introspect_stop(
    duration: Duration,
    library: &str,
    symbols_introspected: u64,
    cache_hits: u64,
    python_time: Duration,
) {
    tracing::event!(name: "snakebridge.compile.introspect.stop", target: "snakebridge::compile", tracing::Level::DEBUG,
        duration_us = us(duration), symbols_introspected, cache_hits, library, phase = "introspect", python_time_us = us(python_time));
}

/// Code for `library` was generated into `file` (or an expansion, for a proc macro).
pub fn generate_stop(
    duration: Duration,
    library: &str,
    file: &str,
    bytes_written: u64,
    functions_generated: u64,
    classes_generated: u64,
) {
    tracing::event!(name: "snakebridge.compile.generate.stop", target: "snakebridge::compile", tracing::Level::DEBUG,
        duration_us = us(duration), bytes_written, functions_generated, classes_generated, library, phase = "generate", file);
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};

    use super::*;

    /// Event names with their field names, in emission order.
    type Seen = Arc<Mutex<Vec<(String, Vec<String>)>>>;

    #[derive(Clone, Default)]
    struct Names(Seen);

    struct FieldNames(Vec<String>);
    impl Visit for FieldNames {
        fn record_debug(&mut self, field: &Field, _: &dyn std::fmt::Debug) {
            self.0.push(field.name().to_owned());
        }
    }

    impl tracing::Subscriber for Names {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut f = FieldNames(Vec::new());
            event.record(&mut f);
            assert_eq!(event.metadata().target(), TARGET);
            self.0.lock().unwrap().push((event.metadata().name().to_owned(), f.0));
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn an_expansion_reports_its_compile_phases() {
        let facade = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../snakebridge");
        let offline = |name: &str| (name == "SNAKEBRIDGE_OFFLINE").then(|| "1".to_owned());
        let names = Names::default();
        tracing::subscriber::with_default(names.clone(), || {
            let tokens = crate::expand::expand_in(
                &facade,
                quote::quote!("math"),
                quote::quote!(
                    mod m {}
                ),
                &offline,
            );
            assert!(!tokens.to_string().contains("compile_error"), "{tokens}");
            crate::expand::expand_in(
                &facade,
                quote::quote!("no_such_module_xyz"),
                quote::quote!(
                    mod m {}
                ),
                &offline,
            );
        });
        let got = names.0.lock().unwrap().clone();
        let order: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            order,
            [
                COMPILE_START,
                INTROSPECT_START,
                INTROSPECT_STOP,
                GENERATE_STOP,
                COMPILE_STOP,
                COMPILE_START,
                INTROSPECT_START,
                COMPILE_EXCEPTION
            ]
        );
        let generate = &got.iter().find(|(n, _)| n == GENERATE_STOP).unwrap().1;
        for f in ["bytes_written", "functions_generated", "classes_generated"] {
            assert!(generate.contains(&f.to_owned()), "{f}");
        }
    }

    #[test]
    fn every_helper_emits_its_seed_event_with_the_seed_measurements() {
        let names = Names::default();
        tracing::subscriber::with_default(names.clone(), || {
            let d = Duration::from_millis(2);
            compile_start(&["numpy"], false);
            scan_stop(d, 3, 10, &["src"]);
            introspect_start("numpy", 10);
            introspect_stop(d, "numpy", 10, 4, d);
            generate_stop(d, "numpy", "<expansion>", 2048, 8, 2);
            compile_stop(d, 10, 1, &["numpy"], "normal");
            compile_exception(d, &"boom");
        });
        let got = names.0.lock().unwrap().clone();
        let order: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            order,
            [
                COMPILE_START,
                SCAN_STOP,
                INTROSPECT_START,
                INTROSPECT_STOP,
                GENERATE_STOP,
                COMPILE_STOP,
                COMPILE_EXCEPTION
            ]
        );
        let fields = |name: &str| got.iter().find(|(n, _)| n == name).unwrap().1.clone();
        for f in ["duration_us", "symbols_introspected", "cache_hits", "library"] {
            assert!(fields(INTROSPECT_STOP).contains(&f.to_owned()), "{f}");
        }
        for f in ["bytes_written", "functions_generated", "classes_generated", "file"] {
            assert!(fields(GENERATE_STOP).contains(&f.to_owned()), "{f}");
        }
    }
}
