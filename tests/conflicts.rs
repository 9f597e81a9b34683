//! `turquoise conflicts` on throwaway git repositories: a shared history on
//! `main`, a branch `feature` that left it, and commits on both after that.
//! Every finding, in the diesel, golang-migrate and goose layouts; branches
//! that commute; `--fix`; `turquoise sum` and `check`.

mod gitrepo;

use gitrepo::Repo;

/// The layouts the scenarios are written in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layout {
    /// Folders named by a dashed timestamp.
    Diesel,
    /// Up and down files named by a timestamp.
    GolangMigrate,
    /// One file with markers, named by a zero-padded sequence.
    Goose,
}

const LAYOUTS: [Layout; 3] = [Layout::Diesel, Layout::GolangMigrate, Layout::Goose];

impl Layout {
    /// The `n`th version in the layout's style.
    fn version(self, n: u32) -> String {
        match self {
            Layout::Diesel => format!("2024-01-{n:02}-000000"),
            Layout::GolangMigrate => format!("202401{n:02}000000"),
            Layout::Goose => format!("{n:05}"),
        }
    }

    /// The next free version after the `n`th, as `--fix` writes it.
    fn after(self, n: u32) -> String {
        match self {
            Layout::Diesel => format!("2024-01-{n:02}-000001"),
            Layout::GolangMigrate => format!("202401{n:02}000001"),
            Layout::Goose => format!("{:05}", n + 1),
        }
    }

    /// The file or folder that carries version `v` of migration `name`.
    fn carrier(self, v: &str, name: &str) -> String {
        match self {
            Layout::Diesel => format!("migrations/{v}_{name}"),
            Layout::GolangMigrate => format!("migrations/{v}_{name}.up.sql"),
            Layout::Goose => format!("migrations/{v}_{name}.sql"),
        }
    }

    /// The file that holds the up script.
    fn up_file(self, v: &str, name: &str) -> String {
        match self {
            Layout::Diesel => format!("migrations/{v}_{name}/up.sql"),
            _ => self.carrier(v, name),
        }
    }

    /// Writes migration number `n`.
    fn add(self, repo: &Repo, n: u32, name: &str, up: &str) {
        self.add_version(repo, &self.version(n), name, up);
    }

    fn add_version(self, repo: &Repo, v: &str, name: &str, up: &str) {
        let down = "-- not reversible\n";
        match self {
            Layout::Diesel => {
                repo.write(&format!("migrations/{v}_{name}/up.sql"), up);
                repo.write(&format!("migrations/{v}_{name}/down.sql"), down);
            }
            Layout::GolangMigrate => {
                repo.write(&format!("migrations/{v}_{name}.up.sql"), up);
                repo.write(&format!("migrations/{v}_{name}.down.sql"), down);
            }
            Layout::Goose => repo.write(
                &format!("migrations/{v}_{name}.sql"),
                &format!("-- +goose Up\n{up}-- +goose Down\n{down}"),
            ),
        }
    }
}

const USERS: &str = "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n";

type Step<'a> = (u32, &'a str, &'a str);

/// `main` with `users` as migration 1 (and `shared`), then `feature` adds
/// `head`, and `main` adds `base` after the branch left it. Checked out on
/// `feature`.
fn branches(layout: Layout, shared: &[Step], base: &[Step], head: &[Step]) -> Repo {
    let repo = Repo::init();
    layout.add(&repo, 1, "users", USERS);
    for &(n, name, up) in shared {
        layout.add(&repo, n, name, up);
    }
    repo.write("README.md", "a project\n");
    repo.commit("shared history");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    for &(n, name, up) in head {
        layout.add(&repo, n, name, up);
    }
    repo.commit("the branch");
    repo.checkout("main");
    for &(n, name, up) in base {
        layout.add(&repo, n, name, up);
    }
    repo.commit("main moves on");
    repo.checkout("feature");
    repo
}

/// `main` adds `nickname` as migration `base`; the branch, `avatar` as
/// `head`.
fn nickname_and_avatar(layout: Layout, base: u32, head: u32) -> Repo {
    branches(
        layout,
        &[],
        &[(
            base,
            "nickname",
            "ALTER TABLE users ADD COLUMN nickname text;\n",
        )],
        &[(
            head,
            "avatar",
            "ALTER TABLE users ADD COLUMN avatar text;\n",
        )],
    )
}

/// Migration 2, `nickname`, in the shared history; nothing new on either
/// branch.
fn shared_nickname(layout: Layout) -> Repo {
    let nickname = (
        2,
        "nickname",
        "ALTER TABLE users ADD COLUMN nickname text;\n",
    );
    branches(layout, &[nickname], &[], &[])
}

/// `main` adds `orders` as migration 5; the branch, `avatar` as 2: out of
/// order.
fn late_avatar(layout: Layout) -> Repo {
    branches(
        layout,
        &[],
        &[(
            5,
            "orders",
            "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
        )],
        &[(2, "avatar", "ALTER TABLE users ADD COLUMN avatar text;\n")],
    )
}

fn conflicts(repo: &Repo, extra: &[&str]) -> (i32, String, String) {
    repo.run(&[&["conflicts", "--base", "main"], extra].concat())
}

/// The findings of a JSON report: (rule, file, line, message, help).
fn findings(out: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["findings"].as_array().unwrap().clone()
}

/// A head file as text and JSON reports show it: inside the migrations
/// folder. (Files of base and the merge base are shown as git names them,
/// `main:migrations/...`.)
fn shown(path: &str) -> &str {
    path.strip_prefix("migrations/").unwrap_or(path)
}

fn rules(out: &str) -> Vec<String> {
    findings(out)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn both_branches_adding_one_version_is_a_duplicate() {
    for layout in LAYOUTS {
        let repo = nickname_and_avatar(layout, 3, 3);
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        let found = findings(&out);
        assert_eq!(rules(&out), ["duplicate-version"], "{layout:?}: {out}");
        let f = &found[0];
        let v = layout.version(3);
        assert_eq!(
            f["file"],
            shown(&layout.up_file(&v, "avatar")),
            "{layout:?}: {out}"
        );
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("also added by `main`"),
            "{layout:?}: {out}"
        );
        let target = layout.carrier(&layout.after(3), "avatar");
        assert!(
            f["help"].as_str().unwrap().contains(&target),
            "{layout:?}: the help names {target}: {out}"
        );
    }
}

#[test]
fn one_branch_adding_a_version_twice_is_a_duplicate() {
    for layout in LAYOUTS {
        let repo = branches(
            layout,
            &[],
            &[],
            &[
                (3, "avatar", "ALTER TABLE users ADD COLUMN avatar text;\n"),
                (3, "bio", "ALTER TABLE users ADD COLUMN bio text;\n"),
            ],
        );
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert_eq!(rules(&out), ["duplicate-version"], "{layout:?}: {out}");
        let f = &findings(&out)[0];
        assert_eq!(
            f["file"],
            shown(&layout.up_file(&layout.version(3), "bio")),
            "{out}"
        );
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("the branch adds two migrations"),
            "{out}"
        );
    }
}

#[test]
fn a_new_migration_before_the_newest_on_base_is_out_of_order() {
    let said = [
        (Layout::Diesel, "diesel runs every pending migration"),
        (
            Layout::GolangMigrate,
            "golang-migrate keeps only the newest version it ran",
        ),
        (Layout::Goose, "goose refuses to migrate"),
    ];
    for (layout, behaviour) in said {
        let repo = nickname_and_avatar(layout, 5, 3);
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert_eq!(rules(&out), ["out-of-order"], "{layout:?}: {out}");
        let f = &findings(&out)[0];
        let message = f["message"].as_str().unwrap();
        assert!(message.contains(behaviour), "{layout:?}: {message}");
        assert!(
            message.contains(&format!(
                "sorts before {}, the newest migration on `main`",
                layout.version(5)
            )),
            "{message}"
        );
        assert!(
            f["help"]
                .as_str()
                .unwrap()
                .contains(&layout.carrier(&layout.after(5), "avatar")),
            "{out}"
        );
    }
}

#[test]
fn editing_shared_history_is_reported_at_the_changed_line() {
    for layout in LAYOUTS {
        let repo = shared_nickname(layout);
        let nickname = layout.up_file(&layout.version(2), "nickname");
        let text = repo.read(&nickname);
        repo.write(
            &nickname,
            &text.replace("nickname text", "nickname varchar(40)"),
        );
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert_eq!(rules(&out), ["edited-history"], "{layout:?}: {out}");
        let f = &findings(&out)[0];
        assert_eq!(f["file"], shown(&nickname), "{out}");
        let line = if layout == Layout::Goose { 2 } else { 1 };
        assert_eq!(f["line"], line, "{layout:?}: {out}");
        assert_eq!(f["severity"], "error", "{out}");
        let help = f["help"].as_str().unwrap();
        assert!(help.contains("git checkout"), "{help}");
        assert!(help.contains(&layout.after(2)), "a new migration: {help}");
    }
}

#[test]
fn editing_shared_history_on_base_is_a_warning() {
    let layout = Layout::GolangMigrate;
    let repo = branches(layout, &[], &[], &[]);
    repo.checkout("main");
    let users = layout.up_file(&layout.version(1), "users");
    repo.write(&users, &USERS.replace("name text", "full_name text"));
    repo.commit("main edits history");
    repo.checkout("feature");
    let (code, out, err) = conflicts(&repo, &["--format", "json"]);
    assert_eq!(code, 0, "a warning does not fail: {out}{err}");
    let f = &findings(&out)[0];
    assert_eq!(f["rule"], "edited-history", "{out}");
    assert_eq!(f["severity"], "warning", "{out}");
    assert_eq!(f["file"], format!("main:{users}"), "{out}");
}

#[test]
fn deleting_shared_history_is_reported() {
    for layout in LAYOUTS {
        let repo = shared_nickname(layout);
        let v = layout.version(2);
        match layout {
            Layout::GolangMigrate => {
                repo.remove(&format!("migrations/{v}_nickname.up.sql"));
                repo.remove(&format!("migrations/{v}_nickname.down.sql"));
            }
            _ => repo.remove(&layout.carrier(&v, "nickname")),
        }
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert_eq!(rules(&out), ["deleted-history"], "{layout:?}: {out}");
        let f = &findings(&out)[0];
        let file = f["file"].as_str().unwrap();
        assert!(
            file.ends_with(&layout.up_file(&v, "nickname")),
            "named as the merge base has it: {file}"
        );
    }
}

#[test]
fn a_dropped_column_that_the_new_view_reads_is_a_semantic_conflict() {
    for layout in LAYOUTS {
        let repo = branches(
            layout,
            &[],
            &[(3, "drop_email", "ALTER TABLE users DROP COLUMN email;\n")],
            &[(
                4,
                "contacts",
                "CREATE VIEW contacts AS SELECT id, email FROM users;\n",
            )],
        );
        let (code, out, err) = conflicts(&repo, &["--format", "json"]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert_eq!(rules(&out), ["semantic-conflict"], "{layout:?}: {out}");
        let f = &findings(&out)[0];
        // The statement that fails: base's DROP COLUMN, once the branch's
        // view reads the column.
        let drop = layout.up_file(&layout.version(3), "drop_email");
        assert_eq!(f["file"], format!("main:{drop}"), "{out}");
        let line = if layout == Layout::Goose { 2 } else { 1 };
        assert_eq!(f["line"], line, "{out}");
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("view public.contacts"), "{message}");
        assert!(message.contains("contacts"), "{message}");
        let note = f["note"].as_str().unwrap();
        assert!(note.contains("--- base, then head"), "{note}");
        assert!(note.contains("+++ head, then base"), "{note}");
        assert!(note.contains("+    email text"), "{note}");
        assert!(
            f["help"]
                .as_str()
                .unwrap()
                .starts_with("no renumbering helps"),
            "{out}"
        );
    }
}

#[test]
fn both_branches_adding_one_column_or_renaming_one_table_conflict() {
    let layout = Layout::GolangMigrate;
    let repo = branches(
        layout,
        &[],
        &[(
            3,
            "nickname",
            "ALTER TABLE users ADD COLUMN nickname text;\n",
        )],
        &[(
            4,
            "nickname_too",
            "ALTER TABLE users ADD COLUMN nickname text;\n",
        )],
    );
    let (code, out, err) = conflicts(&repo, &["--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let head_file = layout.up_file(&layout.version(4), "nickname_too");
    let mine = findings(&out)
        .into_iter()
        .find(|f| f["file"] == shown(&head_file))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(mine["rule"], "semantic-conflict");
    let message = mine["message"].as_str().unwrap();
    assert!(message.contains("already exists"), "{message}");
    assert!(
        message.contains(&format!("after `main`'s migration {}", layout.version(3))),
        "names the migration it conflicts with: {message}"
    );

    let repo = branches(
        layout,
        &[],
        &[(3, "people", "ALTER TABLE users RENAME TO people;\n")],
        &[(4, "persons", "ALTER TABLE users RENAME TO persons;\n")],
    );
    let (code, out, err) = conflicts(&repo, &["--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        rules(&out).iter().all(|r| r == "semantic-conflict"),
        "{out}"
    );
    assert!(out.contains("table users does not exist"), "{out}");
}

#[test]
fn branches_whose_changes_commute_have_no_finding() {
    for layout in LAYOUTS {
        let repo = branches(
            layout,
            &[],
            &[(
                3,
                "orders",
                "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n",
            )],
            &[(
                4,
                "nickname",
                "ALTER TABLE users ADD COLUMN nickname text;\n",
            )],
        );
        let (code, out, err) = conflicts(&repo, &[]);
        assert_eq!(code, 0, "{layout:?}: {out}{err}");
        assert!(
            out.contains("0 errors, 0 warnings, 0 hints in 1 migration"),
            "{layout:?}: {out}"
        );
    }
}

#[test]
fn fix_renames_the_branch_migrations_and_nothing_else() {
    for layout in LAYOUTS {
        let repo = branches(
            layout,
            &[],
            &[
                (
                    3,
                    "nickname",
                    "ALTER TABLE users ADD COLUMN nickname text;\n",
                ),
                (
                    5,
                    "orders",
                    "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
                ),
            ],
            &[
                (2, "avatar", "ALTER TABLE users ADD COLUMN avatar text;\n"),
                (5, "bio", "ALTER TABLE users ADD COLUMN bio text;\n"),
            ],
        );
        let before = |v: u32, name: &str| repo.read(&layout.up_file(&layout.version(v), name));
        let avatar = before(2, "avatar");
        let bio = before(5, "bio");
        let (code, out, err) = conflicts(&repo, &[]);
        assert_eq!(code, 1, "{layout:?}: {out}{err}");
        assert!(out.contains("error[out-of-order]"), "{out}");
        assert!(out.contains("error[duplicate-version]"), "{out}");

        let main_before = repo.git_out(&["rev-parse", "main"]);
        let (code, out, err) = conflicts(&repo, &["--fix"]);
        assert_eq!(code, 0, "{layout:?}: fixed, clean: {out}{err}");
        for (old, new, name) in [(2, 1, "avatar"), (5, 2, "bio")] {
            let from = layout.carrier(&layout.version(old), name);
            let to = match (layout, new) {
                (Layout::Goose, n) => layout.carrier(&format!("{:05}", 5 + n), name),
                (_, 1) => layout.carrier(&layout.after(5), name),
                _ => layout.carrier(&layout.after(5).replace("000001", "000002"), name),
            };
            assert!(
                out.contains(&format!("renamed {from} -> {to}")),
                "{layout:?}: {out}"
            );
            assert!(!repo.path().join(&from).exists(), "{from}");
        }
        // Contents unchanged, under the new names.
        let (a, b) = match layout {
            Layout::Goose => (
                layout.up_file("00006", "avatar"),
                layout.up_file("00007", "bio"),
            ),
            _ => (
                layout.up_file(&layout.after(5), "avatar"),
                layout.up_file(&layout.after(5).replace("000001", "000002"), "bio"),
            ),
        };
        assert_eq!(repo.read(&a), avatar, "{layout:?}");
        assert_eq!(repo.read(&b), bio, "{layout:?}");
        if layout == Layout::GolangMigrate {
            assert!(repo.path().join(a.replace(".up.", ".down.")).is_file());
        }
        // Base untouched: main is where it was, and the only changes in
        // the working tree are the branch's two migrations, moved.
        assert_eq!(repo.git_out(&["rev-parse", "main"]), main_before);
        let status = repo.git_out(&["status", "--porcelain", "--untracked-files=all"]);
        assert!(
            status
                .lines()
                .all(|l| l.contains("avatar") || l.contains("bio")),
            "{layout:?}: {status}"
        );
        let (code, out, err) = conflicts(&repo, &[]);
        assert_eq!(code, 0, "{layout:?}: a second run is clean: {out}{err}");
        assert!(out.contains("0 errors, 0 warnings"), "{out}");
    }
}

#[test]
fn fix_never_overwrites() {
    let layout = Layout::Diesel;
    let repo = late_avatar(layout);
    // Something already stands where the migration would go.
    let target = layout.carrier(&layout.after(5), "avatar");
    repo.write(&format!("{target}/notes.txt"), "mine\n");
    let (code, out, err) = conflicts(&repo, &["--fix"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("already exists (nothing was renamed)"),
        "{err}"
    );
    assert!(
        repo.path()
            .join(layout.carrier(&layout.version(2), "avatar"))
            .is_dir()
    );
    assert_eq!(repo.read(&format!("{target}/notes.txt")), "mine\n");
}

#[test]
fn fix_needs_the_working_tree() {
    let repo = branches(Layout::Goose, &[], &[], &[]);
    let (code, _, err) = conflicts(&repo, &["--head", "feature", "--fix"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--fix"), "{err}");
}

#[test]
fn head_can_be_a_commit_and_base_a_folder() {
    let layout = Layout::Goose;
    let repo = late_avatar(layout);
    repo.checkout("main");
    // Head read from its commit: the working tree is main's now.
    let (code, out, err) = conflicts(&repo, &["--head", "feature", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(rules(&out), ["out-of-order"], "{out}");
    assert_eq!(
        findings(&out)[0]["file"],
        format!("feature:{}", layout.up_file("00002", "avatar"))
    );

    // Two folders: what both hold is shared.
    let base_dir = repo.path().join("base");
    std::fs::create_dir(&base_dir).unwrap();
    for entry in std::fs::read_dir(repo.path().join("migrations")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), base_dir.join(entry.file_name())).unwrap();
    }
    repo.checkout("feature");
    let (code, out, err) = repo.run(&[
        "conflicts",
        "--base-dir",
        "base",
        "--head-dir",
        "migrations",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(rules(&out), ["out-of-order"], "{out}");
}

#[test]
fn every_format_of_lint_is_there() {
    let repo = nickname_and_avatar(Layout::Diesel, 3, 3);
    for (format, marker) in [
        ("text", "error[duplicate-version]"),
        ("sarif", "\"ruleId\": \"duplicate-version\""),
        (
            "github",
            "::error file=migrations/2024-01-03-000000_avatar/up.sql",
        ),
        ("gitlab", "\"check_name\": \"duplicate-version\""),
        (
            "markdown",
            "[duplicate-version](docs/rules/duplicate-version.md)",
        ),
    ] {
        let (code, out, err) = conflicts(&repo, &["--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains(marker), "{format}: {out}");
    }
    let (code, out, _) = repo.run(&["explain", "semantic-conflict"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# semantic-conflict\n"), "{out}");
}

#[test]
fn rules_levels_apply() {
    let repo = late_avatar(Layout::Goose);
    repo.write("turquoise.toml", "[rules]\nout-of-order = \"warning\"\n");
    let (code, out, err) = conflicts(&repo, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("warning[out-of-order]"), "{out}");
}

#[test]
fn sum_makes_a_stale_file_fail_check() {
    let layout = Layout::GolangMigrate;
    let repo = branches(layout, &[], &[], &[]);
    let (code, out, err) = repo.run(&["sum"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("wrote migrations/turquoise.sum (1 migration)"),
        "{out}"
    );
    let text = repo.read("migrations/turquoise.sum");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("sha256:"), "{text}");
    repo.commit("sum");
    let (code, out, err) = repo.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");

    layout.add(
        &repo,
        2,
        "avatar",
        "ALTER TABLE users ADD COLUMN avatar text;\n",
    );
    let (code, out, err) = repo.run(&["check", "--base", "main"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[stale-sum]"), "{out}");
    assert!(
        out.contains(&format!(
            "migration {}_avatar.up.sql is not in it",
            layout.version(2)
        )),
        "{out}"
    );
    let (code, _, _) = repo.run(&["sum", "--check"]);
    assert_eq!(code, 1);
    repo.run(&["sum"]);
    let (code, out, err) = repo.run(&["check", "--base", "main"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn two_branches_adding_migrations_clash_in_turquoise_sum() {
    let layout = Layout::Goose;
    let repo = branches(layout, &[], &[], &[]);
    repo.checkout("main");
    repo.run(&["sum"]);
    repo.commit("sum");
    repo.git(&["checkout", "-q", "-b", "other"]);
    layout.add(
        &repo,
        2,
        "avatar",
        "ALTER TABLE users ADD COLUMN avatar text;\n",
    );
    repo.run(&["sum"]);
    repo.commit("avatar");
    repo.checkout("main");
    layout.add(&repo, 3, "bio", "ALTER TABLE users ADD COLUMN bio text;\n");
    repo.run(&["sum"]);
    repo.commit("bio");
    let merged = repo.try_git(&["merge", "-q", "other"]);
    assert!(!merged, "git must stop the merge");
    let text = repo.read("migrations/turquoise.sum");
    assert!(text.contains("<<<<<<<"), "{text}");
    let (code, out, err) = repo.run(&["sum", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("holds a merge conflict"), "{err}");
}
