//! The merge on every real configuration in ../shared/corpus/real, every Authelia fixture and
//! the stock template: it either holds the invariant (only lines inserted, the documented
//! exceptions aside) and reads back as the old document plus the client, or it refuses with one
//! clear line naming the file. The outcome of each file is printed and checked.

use crate::support;

use oidc_wizard::Error;
use oidc_wizard::config::{Document, OnDuplicate};
use std::path::{Path, PathBuf};
use support::*;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
        }
    }
}

fn corpus(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    yaml_files(&shared.join("corpus/real"), &mut files);
    yaml_files(&shared.join("reference/authelia/fixtures"), &mut files);
    files.push(shared.join("reference/authelia/config.template.yml"));
    files
}

/// Files the merge must refuse, with a word the reason must contain.
const REFUSED: &[(&str, &str)] = &[
    // SOPS-encrypted: any edit breaks the file's MAC (issue 9).
    (
        "005-KuiprLab-he-srv-centauri_nix-sops-encrypted.yml",
        "SOPS",
    ),
    ("029-EsOsO-Omakase-clients-filecontent.yml", "template"),
    ("032-jbabin49-Homelab-noidp-bom-asterisks.yml", "quoted"),
    ("038-adrienkohlbecker-homelab-jinja-loop.yml", "Jinja"),
    ("039-alexmoras-infra-jinja-old.yml", "Jinja"),
    ("040-stevewm-homelab-helmrelease-anchors.yml", "Kubernetes"),
];

#[test]
fn every_corpus_file_merges_cleanly_or_refuses_clearly() {
    let Some(shared) = shared("every_corpus_file_merges_cleanly_or_refuses_clearly") else {
        return;
    };
    let files = corpus(&shared);
    assert!(
        files.len() >= 50,
        "expected the whole corpus, found {}",
        files.len()
    );
    let (mut merged, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        let old = String::from_utf8(bytes.clone()).unwrap();
        let doc = Document::from_bytes(path, bytes);
        let expect_refusal = REFUSED.iter().find(|(n, _)| *n == name);
        let plans = [
            memos(),
            romm(),
            plan_with("mattermost", "mattermost", DIGEST),
            plan_with("sambee", "sambee", DIGEST),
        ];
        for plan in plans {
            match (
                support::merge(&doc, &plan, OnDuplicate::Refuse),
                expect_refusal,
            ) {
                (Ok(out), None) => {
                    if let Err(e) = check_added(&old, &out, &plan) {
                        failures.push(format!("{name} ({}): merged but {e}", plan.app));
                        continue;
                    }
                    let new = String::from_utf8(out.bytes.clone()).unwrap();
                    match additions_present(&old, &new, &plan) {
                        Err(e) => failures.push(format!("{name} ({}): merged but {e}", plan.app)),
                        Ok(existed) => {
                            if out.additions_added.len() + existed != plan.additions.len() {
                                failures.push(format!(
                                    "{name} ({}): added {:?} of {} additions ({existed} there already)",
                                    plan.app,
                                    out.additions_added,
                                    plan.additions.len()
                                ));
                            }
                        }
                    }
                    let full = oidc_wizard::config::unified_diff(&old, &new, path);
                    if out.diff != full {
                        failures.push(format!("{name}: the diff around the edits differs from the full diff:\n{}\n---- full:\n{full}", out.diff));
                    }
                    if plan.app == "memos" {
                        merged += 1;
                        println!(
                            "MERGED   {name}{}",
                            if out.first_time_setup {
                                " (first-time setup)"
                            } else {
                                ""
                            }
                        );
                        again(&name, &doc, &out.bytes, &mut failures);
                    }
                }
                (Ok(_), Some((_, why))) => {
                    failures.push(format!("{name}: merged, but should be refused ({why})"));
                }
                (Err(e), expected) => {
                    let msg = e.to_string();
                    let clean = matches!(e, Error::File { .. })
                        && msg.starts_with(&path.display().to_string())
                        && !msg.contains('\n');
                    if !clean {
                        failures.push(format!("{name}: not a clean refusal: {msg}"));
                    } else if let Some((_, why)) = expected {
                        if !msg.contains(why) {
                            failures.push(format!(
                                "{name}: refused, but the reason lacks '{why}': {msg}"
                            ));
                        }
                    } else {
                        failures.push(format!("{name}: refused unexpectedly: {msg}"));
                    }
                    if plan.app == "memos" {
                        refused += 1;
                        println!("REFUSED  {name}: {msg}");
                    }
                }
            }
        }
    }
    println!("{merged} merged, {refused} refused, {} files", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(refused, REFUSED.len());
}

/// Every addition of `plan` is in `new` under `identity_providers.oidc` with the plan's value
/// (or was in `old` already, left as it was); returns how many were there already.
fn additions_present(
    old: &str,
    new: &str,
    plan: &oidc_wizard::plan::Plan,
) -> Result<usize, String> {
    let read = |text: &str| {
        let t = oidc_wizard::config::scan::Text::new(text);
        oidc_wizard::config::gate::parse_first(&t.masked).map_err(|e| e.to_string())
    };
    let (o, n) = (read(old)?, read(new)?);
    let at = |v: &serde_yaml::Value, a: &oidc_wizard::plan::Addition| {
        let mut v = v.get("identity_providers")?.get("oidc")?;
        for k in &a.section {
            v = v.get(k.as_str())?;
        }
        v.get(a.name.as_str()).cloned()
    };
    let mut existed = 0;
    for a in &plan.additions {
        let got =
            at(&n, a).ok_or_else(|| format!("{}.{} is missing", a.section.join("."), a.name))?;
        if let Some(before) = at(&o, a) {
            if got != before {
                return Err(format!("{}.{} changed", a.section.join("."), a.name));
            }
            existed += 1;
        } else {
            let want = serde_yaml::to_value(&a.value).map_err(|e| e.to_string())?;
            if got != want {
                return Err(format!(
                    "{}.{} is {got:?}, not {want:?}",
                    a.section.join("."),
                    a.name
                ));
            }
        }
    }
    Ok(existed)
}

/// On the merged text: the same id again is refused; rotate changes one line; replace works.
fn again(name: &str, orig: &Document, merged: &[u8], failures: &mut Vec<String>) {
    let doc = Document::from_bytes(&orig.path, merged.to_vec());
    let text = String::from_utf8(merged.to_vec()).unwrap();
    match support::merge(&doc, &memos(), OnDuplicate::Refuse) {
        Err(Error::DuplicateClient { client_id, .. }) if client_id == "memos" => {}
        other => failures.push(format!(
            "{name}: a second merge was not refused as a duplicate: {other:?}"
        )),
    }
    let rotated = plan_with("memos", "memos", DIGEST2);
    match support::merge(&doc, &rotated, OnDuplicate::Rotate) {
        Ok(out) => {
            let new = String::from_utf8(out.bytes).unwrap();
            let changed: Vec<_> = text
                .lines()
                .zip(new.lines())
                .filter(|(a, b)| a != b)
                .collect();
            if text.lines().count() != new.lines().count()
                || changed.len() != 1
                || !changed[0].1.contains(DIGEST2)
            {
                failures.push(format!(
                    "{name}: rotate changed more than the secret line: {changed:?}"
                ));
            }
        }
        Err(e) => failures.push(format!("{name}: rotate failed: {e}")),
    }
    let replaced = plan_with("romm", "memos", DIGEST2);
    match support::merge(&doc, &replaced, OnDuplicate::Replace) {
        Ok(out) => {
            let new = String::from_utf8(out.bytes).unwrap();
            let after = clients_of(&new);
            let before = clients_of(&text);
            if after.len() != before.len() {
                failures.push(format!("{name}: replace changed the number of clients"));
            }
        }
        Err(e) => failures.push(format!("{name}: replace failed: {e}")),
    }
}
