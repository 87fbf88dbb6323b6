//! The CI recipes in examples/ci and .pre-commit-hooks.yaml: every gdpr-audit command
//! line they contain runs against a copy of examples/ and ends as a CI job expects.

use crate::common::gdpr_audit;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "ci") {
                continue;
            }
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The `gdpr-audit …` command lines of a recipe (after `run:` or `- `, or `entry:`).
fn command_lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
                .trim_start_matches("entry: ");
            l.starts_with("gdpr-audit ")
                .then(|| l.split_whitespace().skip(1).map(str::to_string).collect())
        })
        .collect()
}

/// A working directory like a CI checkout: exports/ holds the example data and a
/// baseline made from it exists.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("examples"), &dir.path().join("exports"));
    gdpr_audit()
        .current_dir(dir.path())
        .args([
            "baseline",
            "exports/",
            "--output",
            ".gdpr-audit-baseline.json",
        ])
        .assert()
        .success();
    dir
}

fn run_recipe(file: &str) -> usize {
    let text = std::fs::read_to_string(repo().join(file)).expect("recipe");
    let lines = command_lines(&text);
    assert!(!lines.is_empty(), "{file} has no gdpr-audit command line");
    let dir = checkout();
    for args in &lines {
        let out = gdpr_audit()
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("runs");
        // With the baseline made from the same data nothing is new: every step passes.
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: `gdpr-audit {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    lines.len()
}

#[test]
fn github_actions_recipe_runs() {
    assert_eq!(run_recipe("examples/ci/github-actions.yml"), 2);
}

#[test]
fn gitlab_recipe_runs() {
    assert_eq!(run_recipe("examples/ci/gitlab-ci.yml"), 3);
}

#[test]
fn pre_commit_hook_fails_on_a_staged_export_with_personal_data() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hook");
    let lines = command_lines(&text);
    assert_eq!(lines.len(), 1);
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("examples"), dir.path());
    // pre-commit appends the staged file names.
    let out = gdpr_audit()
        .current_dir(dir.path())
        .args(&lines[0])
        .arg("crm/kontakter.csv")
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the example export holds findings at or above high"
    );
    let clean = dir.path().join("clean.csv");
    std::fs::write(&clean, "id;amount\n1;100\n2;200\n").expect("write");
    gdpr_audit()
        .current_dir(dir.path())
        .args(&lines[0])
        .arg("clean.csv")
        .assert()
        .code(0);
}
