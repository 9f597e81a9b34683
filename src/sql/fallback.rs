//! Recognising statements sqlparser rejects, on sqlparser's tokenizer.

use super::ir::Stmt;

/// Recognises `source` (one statement without its `;`), or `None`.
pub fn parse(source: &str) -> Option<Stmt> {
    let _ = source;
    None
}
