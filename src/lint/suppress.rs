//! Ignore comments: `-- turquoise-ignore: rule-a, rule-b` silences those
//! rules on the statement the comment sits in or before;
//! `-- turquoise-ignore-file: rule` silences them in the whole file. With no
//! list, every rule is silenced. An ignore that silences nothing is itself
//! reported, so stale ones do not pile up.

use crate::diagnostic::{Finding, LineIndex, Location, Severity};
use std::path::Path;

const MARK: &str = "turquoise-ignore";

/// One ignore comment.
#[derive(Debug)]
pub(super) struct Ignore {
    location: Location,
    /// Rule names; empty silences every rule.
    rules: Vec<String>,
    /// The byte range of the statement it applies to; `None` for the file.
    target: Option<(usize, usize)>,
    used: bool,
}

/// Finds the ignore comments of one file. `statements` are the byte ranges
/// of its statements, in order.
pub(super) fn parse(path: &Path, text: &str, statements: &[(usize, usize)]) -> Vec<Ignore> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some(dash) = line.find("--") else {
            continue;
        };
        let comment = line[dash + 2..].trim_start();
        let Some(rest) = comment.strip_prefix(MARK) else {
            continue;
        };
        let (file_wide, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let rest = rest.trim();
        let list = match rest.strip_prefix(':') {
            Some(l) => l,
            None if rest.is_empty() => "",
            None => continue,
        };
        let rules: Vec<String> = list
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        let at = line_start + dash;
        let (l, c) = index.line_col(text, at);
        let target = if file_wide {
            None
        } else {
            match statements.iter().find(|(_, end)| *end > at) {
                Some(&r) => Some(r),
                // Nothing follows: an ignore with nothing to silence.
                None => Some((usize::MAX, usize::MAX)),
            }
        };
        out.push(Ignore {
            location: Location {
                path: path.to_path_buf(),
                line: l,
                column: c,
                start: at,
                end: line_start + line.trim_end().len(),
            },
            rules,
            target,
            used: false,
        });
    }
    out
}

impl Ignore {
    fn silences(&self, f: &Finding) -> bool {
        if f.code == "unused-ignore" {
            return false;
        }
        let rule_matches = self.rules.is_empty() || self.rules.iter().any(|r| r == f.code);
        let place_matches = match self.target {
            None => true,
            Some((start, end)) => {
                f.location.line != 0 && f.location.start >= start && f.location.start <= end
            }
        };
        rule_matches && place_matches
    }
}

/// Drops the findings the ignores silence and adds one finding per ignore
/// (or per name in it) that silenced nothing.
pub(super) fn apply(findings: &mut Vec<Finding>, ignores: &mut [Ignore]) {
    findings.retain(|f| {
        let mut keep = true;
        for i in ignores.iter_mut() {
            if i.location.path == f.location.path && i.silences(f) {
                i.used = true;
                keep = false;
            }
        }
        keep
    });
    for i in ignores.iter() {
        if i.used {
            continue;
        }
        let what = if i.rules.is_empty() {
            "this ignore comment".to_owned()
        } else {
            format!("`{}`", i.rules.join(", "))
        };
        let unknown: Vec<&str> = i
            .rules
            .iter()
            .filter(|r| crate::rules::find(r).is_none())
            .map(String::as_str)
            .collect();
        let message = if unknown.is_empty() {
            format!("{what} silences nothing here")
        } else {
            format!(
                "{what} silences nothing: no rule is called {}",
                unknown.join(", ")
            )
        };
        findings.push(
            Finding::new("unused-ignore", Severity::Warning, i.location.clone(), message)
                .with_help("remove the comment, or name the rule that fires on this statement (`turquoise rules` lists them)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_and_file_ignores() {
        let text = "-- turquoise-ignore-file: a\nSELECT 1;\n-- turquoise-ignore: b, c\nSELECT 2;\n";
        let ignores = parse(Path::new("x.sql"), text, &[(28, 37), (64, 73)]);
        assert_eq!(ignores.len(), 2);
        assert_eq!(ignores[0].target, None);
        assert_eq!(ignores[0].rules, ["a"]);
        assert_eq!(ignores[1].target, Some((64, 73)));
        assert_eq!(ignores[1].rules, ["b", "c"]);
        assert_eq!(ignores[1].location.line, 3);
    }
}
