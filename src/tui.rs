//! Terminal setup and teardown, and the event loop.

use std::path::Path;

/// Runs the interactive interface on `file`. Returns a message for stderr on failure.
pub fn run(_file: &Path, _today: chrono::NaiveDate) -> Result<(), String> {
    Err("the terminal interface is not built yet; use `shibei-tracker list`".into())
}
