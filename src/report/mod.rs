//! Presenting findings: text for people, JSON for machines. Nothing here
//! decides anything; it only formats what it is given.

use crate::diagnostic::Finding;
use std::path::Path;

/// Findings as text, one per line, paths shown relative to `base` when
/// they are inside it.
pub fn text(findings: &[Finding], base: &Path) -> String {
    let mut out = String::new();
    for f in findings {
        // Relative to the migrations folder, but never empty: a finding
        // about the folder itself names the folder.
        let path = f
            .location
            .path
            .strip_prefix(base)
            .ok()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(&f.location.path);
        if f.location.line == 0 {
            out.push_str(&format!("{}", path.display()));
        } else {
            out.push_str(&format!(
                "{}:{}:{}",
                path.display(),
                f.location.line,
                f.location.column
            ));
        }
        out.push_str(&format!(": {}[{}]: {}\n", f.severity, f.code, f.message));
        if let Some(h) = &f.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}
