//! `turquoise check --base REF` on throwaway git repositories: a base
//! history committed on `main`, a branch that adds or edits migrations.

use assert_cmd::Command;
use std::path::Path;

/// A git repository in a temporary folder, isolated from the caller's git
/// configuration and from any repository above it.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// `main` with two migrations; the second drops and recreates a table,
    /// so the history itself has findings that `check` must not report.
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.write(
            "migrations/0001_users.sql",
            "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n",
        );
        repo.write(
            "migrations/0002_recreate.sql",
            "DROP TABLE users;\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n",
        );
        repo.write("README.md", "a project\n");
        repo.commit("base history");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) {
        let out = std::process::Command::new("git")
            .current_dir(self.path())
            .args([
                "-c",
                "user.name=turquoise tests",
                "-c",
                "user.email=tests@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn check(&self, extra: &[&str]) -> (i32, String, String) {
        run(self.path(), &[&["check", "--base", "main"], extra].concat())
    }
}

/// Runs turquoise in `cwd`, somewhere inside the temporary folder `root`.
fn run_in(root: &Path, cwd: &Path, args: &[&str]) -> (i32, String, String) {
    // The temporary folder may sit inside a checkout: git must not look
    // above it.
    let ceiling = root.parent().unwrap_or(root);
    let out = Command::cargo_bin("turquoise")
        .unwrap()
        .current_dir(cwd)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    run_in(root, root, args)
}

#[test]
fn a_safe_new_migration_passes_and_old_findings_stay_silent() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    repo.commit("nickname");
    let (code, out, err) = repo.check(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("in 1 migration"), "{out}");
    assert!(
        !out.contains("0002"),
        "old migrations are not reported:\n{out}"
    );
    assert!(!out.contains("dropping-table"), "{out}");
}

#[test]
fn dropping_a_column_of_an_existing_table_fails() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_drop_name.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("drop name");
    let (code, out, err) = repo.check(&[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("0003_drop_name.sql:1:1"), "{out}");
    assert!(out.contains("dropping-column"), "{out}");
    assert!(
        !out.contains("0002"),
        "old migrations are not reported:\n{out}"
    );
    assert!(
        out.contains("1 error, 1 warning, 0 hints in 1 migration"),
        "{out}"
    );
}

#[test]
fn only_the_new_migration_is_in_the_json_report() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_drop_name.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("drop name");
    let (code, out, err) = repo.check(&["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["migration"], "0003", "{out}");
    }
    assert_eq!(v["summary"]["migrations"], 1);
}

#[test]
fn fail_on_never_reports_but_passes() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_drop_name.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("drop name");
    let (code, out, err) = repo.check(&["--fail-on", "never"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dropping-column"), "{out}");
}

#[test]
fn uncommitted_and_untracked_migrations_are_checked() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_drop_name.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    let (code, out, err) = repo.check(&[]);
    assert_eq!(code, 1, "an untracked file counts: {out}{err}");
    assert!(out.contains("0003_drop_name.sql"), "{out}");
}

#[test]
fn an_edited_committed_migration_is_checked_too() {
    let repo = Repo::new();
    repo.write(
        "migrations/0001_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\nALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("edit the first migration");
    let (code, out, err) = repo.check(&[]);
    // Editing deployed history is a conflict of its own; the lint of the
    // edited migration finds nothing (a column the same migration created).
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[edited-history]"), "{out}");
    assert!(!out.contains("dropping-column"), "{out}");
    assert!(out.contains("in 1 migration"), "{out}");
    assert!(!out.contains("0002"), "{out}");
}

#[test]
fn a_branch_without_migration_changes_says_so() {
    let repo = Repo::new();
    repo.write("README.md", "a better project\n");
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit("code only");
    let (code, out, err) = repo.check(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no migration"), "{out}");
    assert!(out.contains("since main"), "{out}");
    let (code, out, err) = repo.check(&["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert!(err.contains("no migration"), "{err}");
}

#[test]
fn the_merge_base_not_the_tip_of_the_base_is_compared() {
    let repo = Repo::new();
    // After main's 0004, so that the merge has no conflict either.
    repo.write(
        "migrations/0005_nickname.sql",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    repo.commit("nickname");
    // main moves on after the branch left it: its new migration is not the
    // branch's change.
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "migrations/0004_drop_email.sql",
        "ALTER TABLE users DROP COLUMN email;\n",
    );
    repo.commit("main drops email");
    repo.git(&["checkout", "-q", "feature"]);
    let (code, out, err) = repo.check(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("in 1 migration"), "{out}");
}

#[test]
fn dir_flag_from_another_folder() {
    let repo = Repo::new();
    repo.write(
        "migrations/0003_drop_name.sql",
        "ALTER TABLE users DROP COLUMN name;\n",
    );
    repo.commit("drop name");
    let sub = repo.path().join("src");
    std::fs::create_dir_all(&sub).unwrap();
    let (code, out, err) = run_in(
        repo.path(),
        &sub,
        &["check", "--base", "main", "--dir", "../migrations"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("0003_drop_name.sql"), "{out}");
    assert!(!out.contains("0002"), "{out}");
}

#[test]
fn an_unknown_ref_is_exit_2() {
    let repo = Repo::new();
    let (code, out, err) = run(repo.path(), &["check", "--base", "no-such-branch"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("unknown git reference `no-such-branch`"),
        "{err}"
    );
}

#[test]
fn a_folder_outside_git_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(
        dir.path().join("migrations/0001_a.sql"),
        "CREATE TABLE a (id int);\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["check", "--base", "main"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("not a git repository"), "{err}");
}

#[test]
fn base_is_required() {
    let repo = Repo::new();
    let (code, _, err) = run(repo.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("--base"), "{err}");
}
