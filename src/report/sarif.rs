//! `--format sarif`: SARIF 2.1.0, the static-analysis exchange format that
//! GitHub code scanning reads. One run; the driver lists the catalog rules
//! that have results, with their summary and documentation link. Columns
//! count characters (`columnKind: unicodeCodePoints`), end columns point
//! just past the statement, as SARIF wants.

use super::Row;
use crate::diagnostic::Severity;
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

pub fn render(rows: &[Row]) -> String {
    let mut codes: Vec<&str> = rows.iter().map(|r| r.finding.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules = codes
        .iter()
        .filter_map(|c| crate::rules::find(c))
        .map(|rule| Descriptor {
            id: rule.name,
            short_description: Text {
                text: rule.summary(),
            },
            // SARIF wants an absolute URI here.
            help_uri: (!super::REPOSITORY.is_empty()).then(|| super::rule_url(rule.name)),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "turquoise",
                    information_uri: (!super::REPOSITORY.is_empty()).then_some(super::REPOSITORY),
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: rows.iter().map(result).collect(),
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

fn result<'a>(row: &Row<'a>) -> SarifResult<'a> {
    let f = row.finding;
    let text = super::full_message(f);
    let region = (f.location.line != 0).then_some(Region {
        start_line: f.location.line,
        start_column: f.location.column,
        end_line: row.end_line,
        end_column: row.end_column,
    });
    SarifResult {
        rule_id: f.code,
        level: level(f.severity),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&row.file),
                },
                region,
            },
        }],
    }
}

/// A relative path as a URI reference: forward slashes, and bytes outside
/// the characters a URI path may hold percent-encoded.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_use_forward_slashes_and_escape_the_rest() {
        assert_eq!(
            super::uri(r"db\migrations\1 init%.sql"),
            "db/migrations/1%20init%25.sql"
        );
        assert_eq!(super::uri("ü.sql"), "%C3%BC.sql");
    }
}
