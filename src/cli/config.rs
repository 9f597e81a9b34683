//! `turquoise.toml`: found in the current folder or a parent, validated in
//! full before any work starts. Flags override the file.

use crate::source::Layout;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The name of the configuration file.
pub const FILE_NAME: &str = "turquoise.toml";

pub use crate::classify::DEFAULT_PG_VERSION;

/// The majors turquoise knows the behaviour of.
pub const PG_VERSIONS: std::ops::RangeInclusive<u32> = 12..=18;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    migrations: Option<PathBuf>,
    layout: Option<String>,
    pg_version: Option<u32>,
    search_path: Option<SearchPath>,
    verify: Option<RawVerify>,
    rules: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerify {
    database_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SearchPath {
    One(String),
    Many(Vec<String>),
}

/// The validated contents of a `turquoise.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    /// The file it was read from.
    pub path: PathBuf,
    /// The migrations directory, resolved against the file's folder.
    pub migrations: Option<PathBuf>,
    pub layout: Option<Layout>,
    pub pg_version: Option<u32>,
    pub search_path: Option<Vec<String>>,
    /// `[verify] database_url`: the server `verify` uses.
    pub database_url: Option<String>,
    /// `[rules]`: a severity (`error`, `warning`, `hint`) or `off` per rule.
    pub rules: std::collections::BTreeMap<String, crate::lint::Level>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: key `{key}`: {message}")]
    Value {
        path: PathBuf,
        key: &'static str,
        message: String,
    },
}

/// Looks for `turquoise.toml` in `start` and its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and validates a configuration file.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Validates the text of a configuration file read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        // serde names the Rust type of an untagged enum; say what is wanted.
        message: e
            .to_string()
            .replace(
                "data did not match any variant of untagged enum SearchPath",
                "expected a string such as \"app, public\" or an array of schema names",
            )
            .trim_end()
            .to_owned(),
    })?;
    let value_error = |key, message: String| ConfigError::Value {
        path: path.to_path_buf(),
        key,
        message,
    };
    let layout = match raw.layout {
        None => None,
        Some(name) => Some(Layout::from_name(&name).ok_or_else(|| {
            value_error(
                "layout",
                format!(
                    "unknown layout `{name}`; expected one of: {}",
                    layout_names()
                ),
            )
        })?),
    };
    if let Some(v) = raw.pg_version {
        check_pg_version(v).map_err(|m| value_error("pg_version", m))?;
    }
    let search_path = match raw.search_path {
        None => None,
        Some(SearchPath::One(s)) => Some(split_search_path(&s)),
        Some(SearchPath::Many(v)) => Some(v),
    };
    if let Some(sp) = &search_path
        && (sp.is_empty() || sp.iter().any(|s| s.trim().is_empty()))
    {
        return Err(value_error(
            "search_path",
            "schema names must not be empty".to_owned(),
        ));
    }
    let mut rules = std::collections::BTreeMap::new();
    for (name, level) in raw.rules.unwrap_or_default() {
        if crate::rules::find(&name).is_none() {
            return Err(value_error(
                "rules",
                format!("no rule is called `{name}`; `turquoise rules` lists them"),
            ));
        }
        let Some(level) = crate::lint::Level::parse(&level) else {
            return Err(value_error(
                "rules",
                format!(
                    "`{name} = \"{level}\"`: expected \"error\", \"warning\", \"hint\" or \"off\""
                ),
            ));
        };
        rules.insert(name, level);
    }
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(FileConfig {
        rules,
        path: path.to_path_buf(),
        migrations: raw.migrations.map(|m| base.join(m)),
        layout,
        pg_version: raw.pg_version,
        search_path,
        database_url: raw.verify.and_then(|v| v.database_url),
    })
}

/// Checks a PostgreSQL major version.
pub fn check_pg_version(v: u32) -> Result<u32, String> {
    if PG_VERSIONS.contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "PostgreSQL {v} is not supported; expected a major version from {} to {}",
            PG_VERSIONS.start(),
            PG_VERSIONS.end()
        ))
    }
}

pub fn layout_names() -> String {
    Layout::ALL
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `"a, b"` as a search path; identifiers fold like SQL's.
pub fn split_search_path(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(q) => q.to_owned(),
                None => s.to_lowercase(),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<FileConfig, ConfigError> {
        parse(Path::new("/p/turquoise.toml"), text)
    }

    #[test]
    fn reads_every_key() {
        let c = parse_str(
            "migrations = \"db/migrations\"\nlayout = \"diesel\"\npg_version = 16\nsearch_path = \"app, public\"\n[verify]\ndatabase_url = \"postgresql://localhost/x\"\n",
        )
        .unwrap();
        assert_eq!(c.database_url.as_deref(), Some("postgresql://localhost/x"));
        let r = parse_str("[rules]\ndropping-column = \"warning\"\ndropping-table = \"off\"\n")
            .unwrap();
        assert_eq!(
            r.rules.get("dropping-column"),
            Some(&crate::lint::Level::On(
                crate::diagnostic::Severity::Warning
            ))
        );
        assert_eq!(
            r.rules.get("dropping-table"),
            Some(&crate::lint::Level::Off)
        );
        assert_eq!(c.migrations, Some(PathBuf::from("/p/db/migrations")));
        assert_eq!(c.layout, Some(Layout::Diesel));
        assert_eq!(c.pg_version, Some(16));
        assert_eq!(
            c.search_path,
            Some(vec!["app".to_owned(), "public".to_owned()])
        );
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let e = parse_str("migratons = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("/p/turquoise.toml"), "{e}");
        assert!(e.contains("migratons"), "{e}");
    }

    #[test]
    fn bad_values_name_key_and_file() {
        let e = parse_str("layout = \"rails\"\n").unwrap_err().to_string();
        assert!(
            e.contains("/p/turquoise.toml") && e.contains("`layout`"),
            "{e}"
        );
        let e = parse_str("pg_version = 9\n").unwrap_err().to_string();
        assert!(
            e.contains("`pg_version`") && e.contains("not supported"),
            "{e}"
        );
        let e = parse_str("pg_version = \"16\"\n").unwrap_err().to_string();
        assert!(e.contains("pg_version"), "{e}");
        let e = parse_str("[rules]\nno-such-rule = \"off\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`rules`") && e.contains("no-such-rule"), "{e}");
        let e = parse_str("[rules]\ndropping-column = \"loud\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("loud"), "{e}");
    }
}
