//! Throwaway git repositories for CLI tests, and running turquoise in them.
//!
//! Include with `mod gitrepo;`. Git runs isolated from the caller's
//! configuration and from any repository above the temporary folder.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// A git repository in a temporary folder, on branch `main`, empty.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub fn init() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) {
        self.git_out(args);
    }

    /// Runs git and returns its standard output.
    pub fn git_out(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs git; whether it succeeded.
    pub fn try_git(&self, args: &[&str]) -> bool {
        self.git_output(args).status.success()
    }

    fn git_output(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("git")
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
            .unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    pub fn remove(&self, rel: &str) {
        let p = self.path().join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }

    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    pub fn checkout(&self, branch: &str) {
        self.git(&["checkout", "-q", branch]);
    }

    /// Runs turquoise at the top of the repository.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run(self.path(), args)
    }
}

/// Runs turquoise in `cwd`, somewhere inside the temporary folder `root`.
pub fn run_in(root: &Path, cwd: &Path, args: &[&str]) -> (i32, String, String) {
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

pub fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    run_in(root, root, args)
}
