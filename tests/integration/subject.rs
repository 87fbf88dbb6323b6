//! `subject find`, `export` and `erase` on the shared corpus (skipped without
//! `../shared`) and on small hand-made inputs. The expected hits are computed here,
//! with this file's own parsing and normalisation, from the corpus files and
//! `labels.jsonl`.

use crate::common::{corpus, gdpr_audit};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// One contact of `crm/contacts.csv`.
#[derive(Debug, Clone)]
struct Contact {
    row: u64,
    id: String,
    email: String,
    phone: String,
    pnr: String,
}

fn contacts(path: &Path, delimiter: u8) -> Vec<Contact> {
    let text = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&text)
        .trim_start_matches('\u{feff}')
        .to_string();
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, email, phone, pnr) = (col("id"), col("email"), col("phone"), col("personnummer"));
    r.records()
        .enumerate()
        .map(|(i, rec)| {
            let rec = rec.unwrap();
            Contact {
                row: i as u64 + 1,
                id: rec[id].to_string(),
                email: rec[email].to_string(),
                phone: rec[phone].to_string(),
                pnr: rec[pnr].to_string(),
            }
        })
        .collect()
}

/// This test's own normalisation: e-mail lower-case; phone as digits with the
/// Swedish trunk 0 turned into 46; personnummer as its last ten digits.
fn norm(category: &str, v: &str) -> String {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    match category {
        "email" => v.trim().to_lowercase(),
        "phone" if v.trim().starts_with('+') => digits,
        "phone" if digits.starts_with("00") => digits[2..].to_string(),
        "phone" if digits.starts_with('0') => format!("46{}", &digits[1..]),
        "phone" => digits,
        "national_id" if digits.len() == 12 => digits[2..].to_string(),
        _ => digits,
    }
}

fn is_email_shaped(s: &str) -> bool {
    s.contains('@') && !s.contains(char::is_whitespace)
}

/// Every message of `mail/` as (path, message number, From/To/Cc addresses).
fn messages(root: &Path) -> Vec<(String, u64, Vec<String>)> {
    let mut out = Vec::new();
    let parse = |bytes: &[u8]| -> Vec<String> {
        let m = mail_parser::MessageParser::default().parse(bytes).unwrap();
        let mut a = Vec::new();
        for list in [m.from(), m.to(), m.cc()].into_iter().flatten() {
            for addr in list.iter() {
                if let Some(x) = &addr.address {
                    a.push(x.to_lowercase());
                }
            }
        }
        a
    };
    let mbox = std::fs::read(root.join("mail/inbox.mbox")).unwrap();
    let text = String::from_utf8_lossy(&mbox).to_string();
    for (i, chunk) in text.split("\nFrom ").enumerate() {
        let body = chunk.split_once('\n').map_or("", |x| x.1);
        out.push((
            "mail/inbox.mbox".to_string(),
            i as u64 + 1,
            parse(body.as_bytes()),
        ));
    }
    for dir in ["mail/maildir/cur", "mail/maildir/new", "mail/eml"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let p = format!("{dir}/{}", e.file_name().to_string_lossy());
            out.push((p, 1, parse(&std::fs::read(e.path()).unwrap())));
        }
    }
    out
}

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = gdpr_audit().current_dir(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (path, record number, field) of each hit of a request.
fn hit_places(req: &Value) -> BTreeSet<(String, u64, String)> {
    let mut s = BTreeSet::new();
    for rec in req["records"].as_array().unwrap() {
        for h in rec["hits"].as_array().unwrap() {
            let loc = &h["location"];
            let n = loc["row"]
                .as_u64()
                .or(loc["message"].as_u64())
                .or(loc["record"].as_u64())
                .unwrap();
            let field = loc["column"]
                .as_str()
                .or(loc["part"].as_str())
                .or(loc["path"].as_str())
                .unwrap();
            s.insert((
                rec["path"].as_str().unwrap().to_string(),
                n,
                field.to_string(),
            ));
        }
    }
    s
}

#[test]
fn find_returns_every_own_record_linked_row_message_and_label() {
    let Some((_tmp, root)) = corpus(1) else {
        return;
    };
    let all = contacts(&root.join("crm/contacts.csv"), b';');
    let picked: Vec<&Contact> = all
        .iter()
        .filter(|c| is_email_shaped(&c.email) && !c.phone.is_empty() && !c.pnr.is_empty())
        .step_by(60)
        .take(20)
        .collect();
    assert_eq!(picked.len(), 20);
    let mut req = String::from("request_id,received,type,email\n");
    for c in &picked {
        req.push_str(&format!("R{},2026-01-31,access,{}\n", c.row, c.email));
    }
    let rq = root.join("../requests.csv");
    std::fs::write(&rq, req).unwrap();
    let report = run_json(
        &root,
        &[
            "subject",
            "find",
            "crm",
            "mail",
            "--requests",
            rq.to_str().unwrap(),
            "--show-values",
            "--no-config",
            "--format",
            "json",
        ],
    );
    assert_eq!(report["schema_version"], "1.0");
    let acts = std::fs::read_to_string(root.join("crm/activities.csv")).unwrap();
    let mut ar = csv::Reader::from_reader(acts.as_bytes());
    let activity_rows: Vec<(u64, String)> = ar
        .records()
        .enumerate()
        .map(|(i, r)| (i as u64 + 1, r.unwrap()[1].to_string()))
        .collect();
    let msgs = messages(&root);
    let labels: Vec<Value> = std::fs::read_to_string(root.join("labels.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut checked = (0, 0, 0, 0);
    for (c, r) in picked.iter().zip(report["requests"].as_array().unwrap()) {
        assert_eq!(r["request_id"], format!("R{}", c.row));
        let places = hit_places(r);
        let own: HashSet<(String, u64)> = r["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["role"] == "own")
            .map(|x| {
                let n = x["record"]["row"]
                    .as_u64()
                    .or(x["record"]["message"].as_u64())
                    .unwrap();
                (x["path"].as_str().unwrap().to_string(), n)
            })
            .collect();
        assert!(
            own.contains(&("crm/contacts.csv".into(), c.row)),
            "{}: contact row",
            c.row
        );
        for (row, contact) in &activity_rows {
            if *contact == c.id {
                assert!(
                    own.contains(&("crm/activities.csv".into(), *row)),
                    "activity row {row}"
                );
                checked.0 += 1;
            }
        }
        let email = c.email.to_lowercase();
        for (path, n, addrs) in &msgs {
            if addrs.contains(&email) {
                assert!(own.contains(&(path.clone(), *n)), "{path} message {n}");
                checked.1 += 1;
            }
        }
        let mine: HashSet<String> = [
            ("email", &c.email),
            ("phone", &c.phone),
            ("national_id", &c.pnr),
        ]
        .iter()
        .map(|(k, v)| format!("{k}:{}", norm(k, v)))
        .collect();
        for l in &labels {
            let cat = l["category"].as_str().unwrap();
            if !mine.contains(&format!(
                "{cat}:{}",
                norm(cat, l["value"].as_str().unwrap())
            )) {
                continue;
            }
            let loc = &l["location"];
            let n = loc["row"].as_u64().or(loc["message"].as_u64()).unwrap();
            let field = loc["column"]
                .as_str()
                .or(loc["part"].as_str())
                .unwrap()
                .to_string();
            let place = (l["path"].as_str().unwrap().to_string(), n, field);
            assert!(places.contains(&place), "label {l} not found");
            checked.2 += 1;
        }
        // No hit for anyone else: every strong hit's value is this person's.
        for rec in r["records"].as_array().unwrap() {
            for h in rec["hits"].as_array().unwrap() {
                let v = h["value"].as_str().unwrap();
                match h["identifier"].as_str().unwrap() {
                    "name" => assert_eq!(h["strength"], "weak"),
                    "customer_id" => assert_eq!(v, c.id),
                    k => assert!(
                        mine.contains(&format!("{k}:{}", norm(k, v))),
                        "{k} hit {v} is not R{}'s",
                        c.row
                    ),
                }
                checked.3 += 1;
            }
        }
    }
    assert!(
        checked.0 > 0 && checked.1 > 0 && checked.2 > 0,
        "{checked:?}"
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn spelling_variants_match_and_a_first_name_alone_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    std::fs::create_dir(&d).unwrap();
    write(
        &d,
        "notes.csv",
        "id,description\n\
         1,Ring 070-123 45 67\n2,ring 0701234567\n3,tel +46 70 123 45 67\n4,tel 0046701234567\n\
         5,pnr 19121212-1212\n6,pnr 191212121212\n7,pnr 121212+1212\n\
         8,Möte med Åsa Öberg\n9,möte med asa oberg\n10,\"Öberg, Åsa ringde\"\n11,Åsa ringde\n",
    );
    let r = run_json(
        tmp.path(),
        &[
            "subject",
            "find",
            "data",
            "--phone",
            "+46701234567",
            "--national-id",
            "191212121212",
            "--name",
            "Åsa Öberg",
            "--no-config",
            "-f",
            "json",
        ],
    );
    let rows: Vec<u64> = r["requests"][0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["record"]["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, (1..=10).collect::<Vec<_>>());
    let name_hit = &r["requests"][0]["records"][7]["hits"][0];
    assert_eq!(
        (name_hit["how"].as_str(), name_hit["strength"].as_str()),
        (Some("name"), Some("weak"))
    );
    // Masked by default.
    assert!(!serde_json::to_string(&r).unwrap().contains("0701234567"));
    gdpr_audit()
        .current_dir(tmp.path())
        .args(["subject", "find", "data", "--name", "Åsa", "--no-config"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("surname"));
}

/// Hardening (issue 13, hole 4) in the subject commands: a Message-ID that holds
/// an identifier is shown masked in find and erase reports and their action
/// lists, and in clear only with `--show-values`.
#[test]
fn subject_reports_mask_message_ids_that_hold_identifiers() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mail");
    std::fs::create_dir(&d).unwrap();
    write(
        &d,
        "one.eml",
        "From: Anna Svensson <anna@example.se>\r\nTo: support@example.com\r\n\
         Message-ID: <19121212-1212.anna@example.se>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\
         Subject: Fråga\r\n\r\nHej, ring mig.\r\n",
    );
    let find = |extra: &[&str]| {
        let mut args = vec![
            "subject",
            "find",
            "mail",
            "--email",
            "anna@example.se",
            "--no-config",
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        run_json(tmp.path(), &args)
    };
    let masked = find(&[]);
    let record = &masked["requests"][0]["records"][0]["record"];
    assert_eq!(record["message"], 1, "{masked}");
    let id = record["message_id"].as_str().unwrap();
    assert!(
        id.starts_with("<########-####.") && id.ends_with('>'),
        "{id}"
    );
    assert!(!serde_json::to_string(&masked).unwrap().contains("1212"));
    let shown = find(&["--show-values"]);
    assert_eq!(
        shown["requests"][0]["records"][0]["record"]["message_id"],
        "<19121212-1212.anna@example.se>"
    );
    let out = gdpr_audit()
        .current_dir(tmp.path())
        .args([
            "subject",
            "erase",
            "mail",
            "--email",
            "anna@example.se",
            "--no-config",
            "-f",
            "json",
            "--export-actions",
            "actions",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("19121212"));
    for f in std::fs::read_dir(tmp.path().join("actions")).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains("19121212"), "{text}");
    }
}

#[test]
fn help_warns_about_shell_history() {
    gdpr_audit()
        .args(["subject", "find", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("shell history"));
}

#[test]
fn export_holds_the_persons_records_in_clear_and_nobody_elses() {
    let Some((_tmp, root)) = corpus(1) else {
        return;
    };
    let all = contacts(&root.join("crm/contacts.csv"), b';');
    let msgs = messages(&root);
    // A contact who is party to at least one message and has activities.
    let c = all
        .iter()
        .filter(|c| is_email_shaped(&c.email) && !c.pnr.is_empty())
        .find(|c| {
            msgs.iter()
                .any(|(_, _, a)| a.contains(&c.email.to_lowercase()))
        })
        .expect("a contact with mail");
    let pkg = root.join("../package");
    let out = gdpr_audit()
        .current_dir(&root)
        .args([
            "subject",
            "export",
            "crm",
            "mail",
            "--email",
            &c.email,
            "--no-config",
            "--lang",
            "sv",
            "-o",
        ])
        .arg(&pkg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = Vec::new();
    let mut stack = vec![pkg.clone()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&pkg).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for f in &files {
            assert_eq!(
                std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
                0o600,
                "{f:?}"
            );
        }
    }
    let text: String = files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let data = std::fs::read_to_string(pkg.join("data.json")).unwrap();
    for v in [&c.email, &c.phone, &c.pnr] {
        assert!(data.contains(v.as_str()), "own value missing in clear");
    }
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "eml"))
    );
    let index = std::fs::read_to_string(pkg.join("index.md")).unwrap();
    assert!(index.contains("art. 15.4"), "the summary names Art. 15(4)");
    // Every other identifier of the corpus: contacts and labels.
    let mine: HashSet<String> = [
        ("email", &c.email),
        ("phone", &c.phone),
        ("national_id", &c.pnr),
    ]
    .iter()
    .map(|(k, v)| format!("{k}:{}", norm(k, v)))
    .collect();
    let mut others: BTreeMap<String, &str> = BTreeMap::new();
    let latin = contacts(&root.join("crm/contacts_latin1.csv"), b',');
    for o in all.iter().chain(&latin) {
        for (k, v) in [
            ("email", &o.email),
            ("phone", &o.phone),
            ("national_id", &o.pnr),
        ] {
            others.insert(v.clone(), k);
        }
    }
    for l in std::fs::read_to_string(root.join("labels.jsonl"))
        .unwrap()
        .lines()
    {
        let l: Value = serde_json::from_str(l).unwrap();
        let cat = l["category"].as_str().unwrap();
        if ["email", "phone", "national_id"].contains(&cat) {
            others.insert(
                l["value"].as_str().unwrap().to_string(),
                if cat == "email" {
                    "email"
                } else if cat == "phone" {
                    "phone"
                } else {
                    "national_id"
                },
            );
        }
    }
    let mut leaked = Vec::new();
    for (v, k) in &others {
        if v.len() < 6 || mine.contains(&format!("{k}:{}", norm(k, v))) {
            continue;
        }
        if text.contains(v.as_str()) {
            leaked.push(format!("{k} {}", v.len()));
        }
    }
    assert!(
        leaked.is_empty(),
        "other people's identifiers in the package: {leaked:?}"
    );
    // A second export into the same directory is refused.
    gdpr_audit()
        .current_dir(&root)
        .args([
            "subject",
            "export",
            "crm",
            "--email",
            &c.email,
            "--no-config",
            "-o",
        ])
        .arg(&pkg)
        .assert()
        .code(2);
    gdpr_audit()
        .current_dir(&root)
        .args([
            "subject",
            "export",
            "crm",
            "--email",
            &c.email,
            "--no-config",
            "-o",
            "crm/pkg",
        ])
        .assert()
        .code(2);
}

#[test]
fn erase_keeps_legal_obligation_records_restricted_until_the_hold_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    std::fs::create_dir(&d).unwrap();
    write(
        &d,
        "contacts.csv",
        "id,first_name,last_name,email,phone,notes\n\
         7,Åsa,Öberg,asa@example.se,070-123 45 67,\n\
         8,Bo,Ek,bo@example.se,,Ring Åsa på 0701234567\n",
    );
    write(
        &d,
        "invoices.csv",
        "invoice,contact_id,date,amount\n5001,7,2024-03-15,100\n5002,8,2024-04-01,50\n",
    );
    write(
        tmp.path(),
        "policy.yaml",
        r#"sources:
  - path: "data/contacts.csv"
    purpose: Customers
    lawful_basis: contract
    id_field: id
  - path: "data/invoices.csv"
    purpose: Bookkeeping
    lawful_basis: legal_obligation
    retention: {date_field: date, keep_for: 7 years, legal_hold: "Bokföringslagen 7 kap. 2 §"}
"#,
    );
    let actions_dir = tmp.path().join("actions");
    let r = run_json(
        tmp.path(),
        &[
            "subject",
            "erase",
            "data",
            "--email",
            "ASA@example.se",
            "--received",
            "2026-01-31",
            "--config",
            "policy.yaml",
            "--as-of",
            "2026-02-02",
            "-f",
            "json",
            "--export-actions",
            actions_dir.to_str().unwrap(),
        ],
    );
    let q = &r["requests"][0];
    assert_eq!(q["deadline"]["due"], "2026-02-28");
    assert_eq!(q["status"], "planned");
    let acts = q["actions"].as_array().unwrap();
    let find = |k: &str| acts.iter().filter(|a| a["action"] == k).collect::<Vec<_>>();
    let kept = find("keep_restricted");
    assert_eq!(kept.len(), 1, "{acts:?}");
    assert_eq!(kept[0]["hold_until"], "2031-03-15");
    assert!(
        kept[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Bokföringslagen")
    );
    assert_eq!(find("delete_record").len(), 1);
    let redact = find("redact_mention");
    assert_eq!(redact.len(), 1);
    assert_eq!(redact[0]["location"]["row"], 2);
    assert_eq!(redact[0]["location"]["column"], "notes");
    assert_eq!(
        (
            redact[0]["location"]["start"].as_u64(),
            redact[0]["location"]["end"].as_u64()
        ),
        (Some(12), Some(22))
    );
    let lists: Vec<String> = std::fs::read_dir(&actions_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(lists.len(), 3, "{lists:?}");
    // Extended: three months, with the reason recorded.
    let r = run_json(
        tmp.path(),
        &[
            "subject",
            "erase",
            "data",
            "--email",
            "asa@example.se",
            "--received",
            "2026-01-31",
            "--extended",
            "many requests",
            "--config",
            "policy.yaml",
            "-f",
            "json",
        ],
    );
    assert_eq!(r["requests"][0]["deadline"]["due"], "2026-04-30");
    assert_eq!(r["requests"][0]["deadline"]["extended"], "many requests");
}

#[test]
fn find_and_erase_reports_validate_against_the_published_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    std::fs::create_dir(&d).unwrap();
    write(
        &d,
        "c.csv",
        "id,name,email,notes\n1,Åsa Öberg,asa@example.se,\n2,Bo Ek,bo@example.se,ring asa@example.se\n",
    );
    write(
        &d,
        "m.eml",
        "From: Åsa <asa@example.se>\nTo: bo@example.se\nSubject: hej\nDate: Mon, 2 Feb 2026 10:00:00 +0000\n\nHej Bo\n",
    );
    let out = gdpr_audit().args(["schema", "--subject"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for cmd in ["find", "erase"] {
        let r = run_json(
            tmp.path(),
            &[
                "subject",
                cmd,
                "data",
                "--email",
                "asa@example.se",
                "--received",
                "2026-02-01",
                "--no-config",
                "-f",
                "json",
            ],
        );
        let errors: Vec<String> = validator
            .iter_errors(&r)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{cmd}: {}", errors.join("\n"));
        let q = &r["requests"][0];
        assert_eq!(
            q["summary"]["own_records"], 2,
            "{cmd}: the row and the message"
        );
        assert_eq!(q["summary"]["mentions"], 1);
    }
    // Every format renders; a batch gives one summary row per request.
    write(
        tmp.path(),
        "req.csv",
        "request_id,email\nR1,asa@example.se\nR2,bo@example.se\nR3,nobody@example.se\n",
    );
    for f in ["table", "markdown", "html", "csv"] {
        let out = gdpr_audit()
            .current_dir(tmp.path())
            .args([
                "subject",
                "find",
                "data",
                "--requests",
                "req.csv",
                "--no-config",
                "-f",
                f,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("R1") && text.contains("R2"), "{f}: {text}");
        assert!(!text.contains("asa@example.se"), "{f}: values are masked");
    }
}

#[test]
fn outlook_messages_are_searched_too() {
    let Some(shared) = crate::common::shared_dir() else {
        eprintln!("skipped: ../shared is not present (it is in CI)");
        return;
    };
    let dir = shared.join("fixtures/outlook");
    // An address the fixtures hold, found by the scanner itself.
    let out = gdpr_audit()
        .args([
            "scan",
            "--no-config",
            "--show-values",
            "-f",
            "json",
            "-q",
            "--fail-on",
            "none",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let Some(email) = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["category"] == "email" && f["path"].as_str().is_some_and(|p| p.ends_with(".msg"))
        })
        .and_then(|f| f["value"].as_str().map(str::to_string))
    else {
        panic!("the fixtures hold an e-mail address in a .msg");
    };
    let r = run_json(
        &dir,
        &[
            "subject",
            "find",
            ".",
            "--email",
            &email,
            "--no-config",
            "-f",
            "json",
        ],
    );
    let records = r["requests"][0]["records"].as_array().unwrap();
    assert!(
        records
            .iter()
            .any(|x| x["path"].as_str().is_some_and(|p| p.ends_with(".msg"))),
        "{records:?}"
    );
}

#[test]
fn json_exports_and_archive_members_are_searched_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "crm.json",
        r#"[{"id":"1","email":"asa.oberg@example.se"},{"id":"2","email":"bo@example.se"}]"#,
    );
    let file = std::fs::File::create(dir.join("export.zip")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("Contact.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"id,email\n7,ASA.OBERG@example.se\n8,x@y.se\n").unwrap();
    zip.finish().unwrap();
    let r = run_json(
        dir,
        &[
            "subject",
            "find",
            "--email",
            "asa.oberg@example.se",
            "-f",
            "json",
            ".",
        ],
    );
    let req = &r["requests"][0];
    let places = hit_places(req);
    assert!(
        places.iter().any(|(p, n, _)| p == "crm.json" && *n == 1),
        "{places:?}"
    );
    assert!(
        places
            .iter()
            .any(|(p, n, _)| p == "export.zip!/Contact.csv" && *n == 1),
        "{places:?}"
    );
    // Nobody else's record is the person's.
    assert_eq!(req["summary"]["own_records"], 2, "{req}");
}
