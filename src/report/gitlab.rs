//! `--format gitlab`: a GitLab Code Quality report, the JSON array GitLab
//! reads from a `codequality` artifact and shows on the merge request.
//!
//! Severities: error is `critical` (the change breaks a running deploy or
//! blocks the table), warning is `minor`, hint is `info`. The fingerprint
//! identifies a finding across runs, so GitLab can tell new findings from
//! old ones: an FNV-1a 64-bit hash of the rule, the file and the
//! statement's text (the message when the finding has no statement), so it
//! survives lines moving around the statement. Repeats of the same key in
//! one report get a counter mixed in, which keeps fingerprints unique.

use super::Row;
use crate::diagnostic::Severity;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub fn render(rows: &[Row]) -> String {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let issues: Vec<Issue> = rows
        .iter()
        .map(|row| {
            let f = row.finding;
            let key = fnv1a(&[
                f.code.as_bytes(),
                row.file.as_bytes(),
                subject(row).as_bytes(),
            ]);
            let n = seen.entry(key).or_insert(0);
            let hash = if *n == 0 {
                key
            } else {
                fnv1a(&[&key.to_be_bytes(), &n.to_be_bytes()])
            };
            *n += 1;
            let description = match &f.help {
                Some(help) => format!("{} (help: {help})", f.message),
                None => f.message.clone(),
            };
            // GitLab needs a line; a finding about a whole file points at
            // its first.
            let begin = f.location.line.max(1);
            Issue {
                description,
                check_name: f.code,
                fingerprint: format!("{hash:016x}"),
                severity: severity(f.severity),
                location: Location {
                    path: &row.file,
                    lines: Lines {
                        begin,
                        end: row.end_line.max(begin),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Hint => "info",
    }
}

/// What the finding is about: the statement's text, else the message.
fn subject<'a>(row: &Row<'a>) -> &'a str {
    let loc = &row.finding.location;
    row.source
        .filter(|_| loc.line != 0)
        .and_then(|text| text.get(loc.start..loc.end))
        .unwrap_or(&row.finding.message)
}

/// FNV-1a, 64 bits, over the parts with a zero byte between them. Chosen
/// because it is fixed by its definition: Rust's own hasher is seeded per
/// process and would give a new fingerprint every run.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for (i, part) in parts.iter().enumerate() {
        let sep: &[u8] = if i == 0 { &[] } else { &[0] };
        for &b in sep.iter().chain(part.iter()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(super::fnv1a(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a(&[b"foobar"]), 0x8594_4171_f739_67e8);
    }
}
