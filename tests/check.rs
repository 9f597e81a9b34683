//! `turquoise check --base REF` on throwaway git repositories: a base
//! history committed on `main`, a branch that adds or edits migrations.

mod gitrepo;

use gitrepo::{run, run_in};

/// `main` with two migrations; the second drops and recreates a table, so
/// the history itself has findings that `check` must not report. Checked
/// out on `feature`.
struct Repo(gitrepo::Repo);

impl std::ops::Deref for Repo {
    type Target = gitrepo::Repo;
    fn deref(&self) -> &gitrepo::Repo {
        &self.0
    }
}

impl Repo {
    fn new() -> Repo {
        let repo = gitrepo::Repo::init();
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
        Repo(repo)
    }

    fn check(&self, extra: &[&str]) -> (i32, String, String) {
        self.run(&[&["check", "--base", "main"], extra].concat())
    }
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
