//! The scale-out recipes in examples/scale-out: their manifests are YAML of the
//! right kinds, and the gdpr-audit command lines they run — every shard as its job
//! runner would start it, then the merge — give the single scan's report.

use crate::common::gdpr_audit;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SHARDS: u64 = 3;
const AS_OF: &str = "2026-11-29";
const KEY: &str = "integration-test-key";

fn recipes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scale-out")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(recipes().join(name)).expect("recipe")
}

fn yaml_docs(name: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(&read(name))
        .unwrap_or_else(|e| panic!("{name} is not YAML: {e}"))
}

#[test]
fn the_kubernetes_manifest_is_an_indexed_job_and_a_merge_job() {
    let docs = yaml_docs("kubernetes.yaml");
    assert_eq!(docs.len(), 2);
    for d in &docs {
        assert_eq!(d["apiVersion"], "batch/v1");
        assert_eq!(d["kind"], "Job");
    }
    let spec = &docs[0]["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert_eq!(spec["completions"], spec["parallelism"]);
    let container = &spec["template"]["spec"]["containers"][0];
    let shards = container["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == "SHARDS")
        .and_then(|e| e["value"].as_str())
        .expect("SHARDS");
    assert_eq!(
        Some(shards.parse::<u64>().expect("a number")),
        spec["completions"].as_u64()
    );
    assert!(
        container["args"][0]
            .as_str()
            .is_some_and(|a| a.contains("JOB_COMPLETION_INDEX"))
    );
    let merge = &docs[1]["spec"]["template"]["spec"]["containers"][0];
    assert!(
        merge["args"][0]
            .as_str()
            .is_some_and(|a| a.contains("gdpr-audit merge"))
    );
}

#[test]
fn the_github_workflow_is_a_matrix_and_a_merge() {
    let docs = yaml_docs("github-actions.yml");
    assert_eq!(docs.len(), 1);
    let w = &docs[0];
    assert!(w["on"].is_object(), "a workflow has triggers");
    let matrix = w["jobs"]["shard"]["strategy"]["matrix"]["shard"]
        .as_array()
        .expect("a matrix of shards");
    assert_eq!(Some(matrix.len() as u64), w["env"]["SHARDS"].as_u64());
    assert_eq!(w["jobs"]["merge"]["needs"], "shard");
    assert!(
        w["jobs"]["shard"]["steps"]
            .as_array()
            .is_some_and(|s| s.iter().all(|s| s.is_object()))
    );
}

#[test]
fn the_dockerfile_builds_a_static_binary_image() {
    let d = read("Dockerfile");
    assert!(d.contains("-alpine AS build"), "built against musl");
    assert!(d.contains("COPY --from=build"));
    assert!(d.contains("USER 65532"));
}

/// The gdpr-audit command lines of a recipe, in order, with the job runner's
/// own placeholders made shell variables.
fn command_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
                .replace("${{ matrix.shard }}", "$MATRIX_SHARD")
        })
        .filter(|l| l.starts_with("gdpr-audit "))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// Run one command line as the job runner would (a shell, the recipe's variables).
fn run(line: &str, cwd: &Path, env: &[(&str, String)]) {
    let bin = assert_cmd::cargo::cargo_bin("gdpr-audit");
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(cwd)
        .env("PATH", path)
        .env("GDPR_AUDIT_KEY", KEY)
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "`{line}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_recipes_shard_commands_merge_into_the_single_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let inputs = dir.path().join("inputs");
    copy_dir(&examples.join("crm"), &inputs.join("crm"));
    copy_dir(&examples.join("mail"), &inputs.join("mail"));
    let config = dir.path().join("gdpr-audit.yaml");
    std::fs::copy(examples.join("gdpr-audit.yaml"), &config).expect("policy");
    let single = dir.path().join("single.json");
    gdpr_audit()
        .arg("scan")
        .arg(&inputs)
        .arg("--config")
        .arg(&config)
        .args(["--as-of", AS_OF, "--quiet", "-f", "json", "-o"])
        .arg(&single)
        .assert()
        .code(1);
    let expected = std::fs::read(&single).expect("single");
    // (recipe files, where its merge writes the JSON report, below the run's directory)
    let cases: [(&[&str], &str); 3] = [
        (&["kubernetes.yaml"], "parts/report.json"),
        (&["github-actions.yml"], "gdpr-audit.json"),
        (&["slurm.sh", "slurm-merge.sh"], "parts/report.json"),
    ];
    for (files, report) in cases {
        let run_dir = dir.path().join(files[0]);
        let parts = run_dir.join("parts");
        std::fs::create_dir_all(&parts).expect("mkdir");
        let lines: Vec<String> = files.iter().flat_map(|f| command_lines(&read(f))).collect();
        let (scans, rest): (Vec<&String>, Vec<&String>) =
            lines.iter().partition(|l| l.starts_with("gdpr-audit scan"));
        assert_eq!(scans.len(), 1, "{files:?}: one shard command");
        assert!(
            rest.iter().any(|l| l.starts_with("gdpr-audit merge")),
            "{files:?}"
        );
        let env = |k: u64| {
            vec![
                ("INPUTS", inputs.display().to_string()),
                ("CONFIG", config.display().to_string()),
                ("PARTS", parts.display().to_string()),
                ("AS_OF", AS_OF.to_string()),
                ("SHARDS", SHARDS.to_string()),
                ("JOB_COMPLETION_INDEX", (k - 1).to_string()),
                ("MATRIX_SHARD", k.to_string()),
                ("SLURM_ARRAY_TASK_ID", k.to_string()),
            ]
        };
        for k in 1..=SHARDS {
            run(scans[0], &run_dir, &env(k));
        }
        for line in rest {
            run(line, &run_dir, &env(1));
        }
        let got = std::fs::read(run_dir.join(report)).expect("merged report");
        assert!(
            got == expected,
            "{files:?}: the merged report differs from the single scan"
        );
    }
}
