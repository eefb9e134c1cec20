//! `skillmatch trust pull` against a local HTTP server on 127.0.0.1 (std `TcpListener` in a
//! thread) serving an OB 2.0 issuer (profile, P-256 key, BadgeClass, revocation list, hosted
//! assertions), a status list secured as a VC-JWT, and failing URLs: slow, huge, redirecting to
//! another host, 404 and 410. Then the verifier runs offline against the snapshot.
#![allow(clippy::unwrap_used)] // fixture builders outside #[test] functions unwrap known-good inputs

mod trust_common;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use skillmatch::verify::{Status, TrustStore};
use trust_common::*;

/// What the server answers for a path.
#[derive(Clone)]
enum Reply {
    Ok(String),
    Status(u16),
    Redirect(String),
    /// Waits this long before answering.
    Slow(Duration, String),
    /// A body of this many bytes without Content-Length (the end is the connection closing).
    Endless(usize),
}

struct Server {
    base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let shared = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = shared.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                            break;
                        }
                    }
                    let reply = routes.lock().unwrap().get(&path).cloned().unwrap_or(Reply::Status(404));
                    let mut s = stream;
                    let _ = match reply {
                        Reply::Ok(body) => write!(
                            s,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        ),
                        Reply::Slow(wait, body) => {
                            std::thread::sleep(wait);
                            write!(
                                s,
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            )
                        }
                        Reply::Status(code) => {
                            write!(s, "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        }
                        Reply::Redirect(to) => write!(
                            s,
                            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        ),
                        Reply::Endless(n) => {
                            let _ = write!(s, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                            let chunk = vec![b' '; 8192];
                            let mut sent = 0;
                            while sent < n && s.write_all(&chunk).is_ok() {
                                sent += chunk.len();
                            }
                            Ok(())
                        }
                    };
                });
            }
        });
        Server { base, routes }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn serve(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skillmatch"))
}

/// The fixture issuer set: OB 2.0 issuer with a P-256 key, BadgeClass, revocation list and
/// hosted assertions; an OB 3.0 issuer profile with an Ed25519 key and a VC-JWT status list.
struct Fixture {
    server: Server,
    issuer: String,
    issuer3: String,
}

fn p256_pem() -> String {
    use p256::pkcs8::EncodePublicKey as _;
    p256_key().verifying_key().to_public_key_pem(Default::default()).unwrap()
}

fn assertion(f: &Fixture, path: &str, issued: &str) -> Value {
    json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": f.server.url(path),
        "recipient": {"type": "email", "hashed": true, "salt": SALT, "identity": identity(ALICE)},
        "issuedOn": issued, "verification": {"type": "hosted"},
        "badge": badge_class(f)
    })
}

fn badge_class(f: &Fixture) -> Value {
    json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": f.server.url("/badges/rust"),
           "name": "Rust Basics", "issuer": f.issuer, "description": "d", "criteria": {"narrative": "n"},
           "tags": ["systems programming"]})
}

fn fixture() -> Fixture {
    let server = Server::start();
    let issuer = server.url("/issuer");
    let issuer3 = server.url("/issuer3");
    let f = Fixture { issuer: issuer.clone(), issuer3: issuer3.clone(), server };
    let s = &f.server;
    s.serve(
        "/issuer",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": issuer, "name": "Local Academy",
                   "url": s.url("/"), "publicKey": s.url("/keys/p256"), "revocationList": s.url("/revocations")})
            .to_string(),
        ),
    );
    s.serve(
        "/keys/p256",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": s.url("/keys/p256"),
                   "owner": issuer, "publicKeyPem": p256_pem()})
            .to_string(),
        ),
    );
    s.serve("/badges/rust", Reply::Ok(badge_class(&f).to_string()));
    s.serve(
        "/revocations",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList", "id": s.url("/revocations"),
                   "issuer": issuer, "revokedAssertions": [{"id": s.url("/assertions/listed"), "revocationReason": "cheated"}]})
            .to_string(),
        ),
    );
    for (path, issued) in [("/assertions/1", "2025-01-01T00:00:00Z"), ("/assertions/listed", "2025-01-01T00:00:00Z")] {
        s.serve(path, Reply::Ok(assertion(&f, path, issued).to_string()));
    }
    // The hosted copy says another date than the export (the export was edited).
    s.serve("/assertions/edited", Reply::Ok(assertion(&f, "/assertions/edited", "2025-03-01T00:00:00Z").to_string()));
    s.serve(
        "/assertions/withdrawn",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "id": s.url("/assertions/withdrawn"), "revoked": true,
                   "revocationReason": "issued in error"})
            .to_string(),
        ),
    );
    s.serve("/assertions/gone", Reply::Status(410));
    s.serve(
        "/assertions/slow",
        Reply::Slow(Duration::from_secs(4), assertion(&f, "/assertions/slow", "2025-01-01T00:00:00Z").to_string()),
    );
    s.serve("/assertions/huge", Reply::Endless(400_000));
    s.serve("/assertions/moved", Reply::Redirect("/real/moved".into()));
    s.serve("/real/moved", Reply::Ok(assertion(&f, "/assertions/moved", "2025-01-01T00:00:00Z").to_string()));
    let other_host = s.url("/assertions/1").replace("127.0.0.1", "localhost");
    s.serve("/assertions/elsewhere", Reply::Redirect(other_host));
    // /assertions/missing is not served: 404.

    // OB 3.0: a profile listing an Ed25519 key, and its revocation list as a VC-JWT.
    let key_id = format!("{issuer3}#key-1");
    s.serve(
        "/issuer3",
        Reply::Ok(
            json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                   "id": issuer3, "type": ["Profile"], "name": "Local Institute",
                   "assertionMethod": [{"id": key_id, "type": "Multikey", "controller": issuer3,
                                        "publicKeyMultibase": multikey(&ed_key())}]})
            .to_string(),
        ),
    );
    let mut list = status_list_payload(&s.url("/status/rev"), "revocation", &[3], None);
    list["issuer"] = json!(issuer3);
    list["iss"] = json!(issuer3);
    s.serve(
        "/status/rev",
        Reply::Ok(sign_jws(&json!({"alg": "EdDSA", "kid": key_id, "typ": "vc+jwt"}), &list, Jose::Ed(&ed_key()))),
    );
    f
}

/// An OB 3.0 VC-JWT by the local OB 3.0 issuer with a revocation entry at `index`.
fn ob3_local(f: &Fixture, index: u64) -> String {
    let mut p =
        ob3(&f.issuer3, Some(ALICE), "2025-01-01T00:00:00Z", &[("revocation", &f.server.url("/status/rev"), index)]);
    p["iss"] = json!(f.issuer3);
    sign_jws(&json!({"alg": "EdDSA", "kid": format!("{}#key-1", f.issuer3), "typ": "vc+jwt"}), &p, Jose::Ed(&ed_key()))
}

/// The export: one file per case, under `badges/c1/`.
fn export(f: &Fixture, dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let hosted = |path: &str| assertion(f, path, "2025-01-01T00:00:00Z").to_string().into_bytes();
    let files: Vec<(&'static str, Vec<u8>)> = vec![
        ("hosted-ok.json", hosted("/assertions/1")),
        ("hosted-listed.json", hosted("/assertions/listed")),
        ("hosted-edited.json", hosted("/assertions/edited")),
        ("hosted-withdrawn.json", hosted("/assertions/withdrawn")),
        ("hosted-gone.json", hosted("/assertions/gone")),
        ("hosted-missing.json", hosted("/assertions/missing")),
        ("hosted-slow.json", hosted("/assertions/slow")),
        ("hosted-huge.json", hosted("/assertions/huge")),
        ("hosted-moved.json", hosted("/assertions/moved")),
        ("hosted-elsewhere.json", hosted("/assertions/elsewhere")),
        ("ob3-clear.jwt", ob3_local(f, 4).into_bytes()),
        ("ob3-revoked.jwt", ob3_local(f, 3).into_bytes()),
    ];
    std::fs::create_dir_all(dir.join("c1")).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join("c1").join(name), bytes).unwrap();
    }
    files
}

fn pull(badges: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args(["trust", "pull", "--badges"])
        .arg(badges)
        .arg("--out")
        .arg(out)
        .args(["--timeout", "1", "--max-bytes", "100000"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn pull_then_verify_offline_gives_the_expected_statuses() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    let files = export(&f, &badges);
    let trust = tmp.path().join("trust");
    std::fs::create_dir_all(&trust).unwrap();
    // The HR team's decision: these two issuers are trusted.
    write(&trust, "policy.toml", &format!("[[issuer]]\nid = \"{}\"\n\n[[issuer]]\nid = \"{}\"\n", f.issuer, f.issuer3));

    let out = pull(&badges, &trust, &["--allow-insecure-loopback"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));

    // The per-URL error list.
    let snapshot: Value = serde_json::from_slice(&std::fs::read(trust.join("SNAPSHOT.json")).unwrap()).unwrap();
    let entries = snapshot["entries"].as_array().unwrap();
    let entry = |path: &str| {
        let url = f.server.url(path);
        entries.iter().find(|e| e["url"] == url.as_str()).unwrap_or_else(|| panic!("no entry for {url}: {snapshot:#}"))
    };
    let error = |path: &str| entry(path)["error"].as_str().unwrap_or_default().to_string();
    assert!(error("/assertions/slow").contains("timed out"), "{}", error("/assertions/slow"));
    assert!(error("/assertions/huge").contains("100000-byte limit"), "{}", error("/assertions/huge"));
    assert!(error("/assertions/elsewhere").contains("another host"), "{}", error("/assertions/elsewhere"));
    assert!(error("/assertions/missing").contains("404"), "{}", error("/assertions/missing"));
    assert_eq!(entry("/assertions/missing")["status"], 404);
    assert_eq!(entry("/assertions/gone")["status"], 410);
    for ok in [
        "/issuer",
        "/keys/p256",
        "/badges/rust",
        "/revocations",
        "/assertions/1",
        "/assertions/moved",
        "/issuer3",
        "/status/rev",
    ] {
        let e = entry(ok);
        assert!(e["error"].is_null(), "{ok}: {e}");
        let file = e["file"].as_str().unwrap();
        assert!(file.starts_with("pulled/") && !file.contains("assertions") && !file.contains("127.0.0.1"), "{file}");
        let bytes = std::fs::read(trust.join(file)).unwrap();
        assert_eq!(e["sha256"].as_str().unwrap(), skillmatch::util::sha256_hex(&bytes));
        assert_eq!(e["size"].as_u64().unwrap(), bytes.len() as u64);
        assert!(e["fetched_at"].as_str().unwrap().ends_with('Z'));
    }
    assert!(stdout.contains("error\thosted_assertion"), "{stdout}");

    // Offline: the server is not consulted again (every document comes from the folder).
    let store = TrustStore::load(&trust).unwrap();
    assert!(store.skipped().is_empty(), "{:?}", store.skipped());
    let (_, got) = verify_files(&files, &store);
    assert_statuses(
        &got,
        &[
            ("hosted-ok.json", Status::Verified),
            ("hosted-moved.json", Status::Verified),
            ("hosted-listed.json", Status::Revoked),
            ("hosted-edited.json", Status::InvalidSignature),
            ("hosted-withdrawn.json", Status::Revoked),
            ("hosted-gone.json", Status::Revoked),
            ("hosted-missing.json", Status::Unverifiable),
            ("hosted-slow.json", Status::Unverifiable),
            ("hosted-huge.json", Status::Unverifiable),
            ("hosted-elsewhere.json", Status::Unverifiable),
            ("ob3-clear.jwt", Status::Verified),
            ("ob3-revoked.jwt", Status::Revoked),
        ],
    );
    assert!(detail(result(&got, "hosted-gone.json"), "revocation").contains("410 Gone"));
    assert!(detail(result(&got, "hosted-edited.json"), "authenticity").contains("issuedOn"));

    // The same through the command line, offline.
    let verify = bin()
        .arg("verify")
        .arg(badges.join("c1/hosted-ok.json"))
        .arg("--trust")
        .arg(&trust)
        .args(["--as-of", "2026-06-01"])
        .output()
        .unwrap();
    let line: Value = serde_json::from_slice(&verify.stdout).unwrap();
    let auth = line["checks"].as_array().unwrap().iter().find(|c| c["check"] == "authenticity").unwrap().clone();
    assert_eq!(auth["outcome"], "pass", "{line:#}");

    // A second pull without --refresh refuses to overwrite the snapshot (usage error).
    let again = pull(&badges, &trust, &["--allow-insecure-loopback"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--refresh"));
}

#[test]
fn pulled_documents_never_make_an_issuer_trusted() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    let files = export(&f, &badges);
    let trust = tmp.path().join("trust");
    // No policy.toml: nobody is trusted, however many documents were pulled.
    assert_eq!(pull(&badges, &trust, &["--allow-insecure-loopback"]).status.code(), Some(0));
    let store = TrustStore::load(&trust).unwrap();
    let (_, got) = verify_files(&files, &store);
    for name in ["hosted-ok.json", "ob3-clear.jwt"] {
        assert_eq!(result(&got, name).status, Status::UnknownIssuer, "{name}");
    }
}

#[test]
fn without_the_test_flag_plain_http_and_loopback_are_refused() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    export(&f, &badges);
    let trust = tmp.path().join("trust");
    let out = pull(&badges, &trust, &[]);
    assert_eq!(out.status.code(), Some(0));
    let snapshot: Value = serde_json::from_slice(&std::fs::read(trust.join("SNAPSHOT.json")).unwrap()).unwrap();
    let entries = snapshot["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        assert!(e["file"].is_null(), "{e}");
        assert!(e["error"].as_str().unwrap().contains("plain http is refused"), "{e}");
    }
    assert_eq!(std::fs::read_dir(trust.join("pulled")).unwrap().count(), 0);
}

#[test]
fn refresh_reports_rotated_keys_grown_lists_and_withdrawn_assertions() {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    let files = export(&f, &badges);
    let trust = tmp.path().join("trust");
    write(&trust, "policy.toml", &format!("[[issuer]]\nid = \"{}\"\n", f.issuer));
    assert_eq!(pull(&badges, &trust, &["--allow-insecure-loopback"]).status.code(), Some(0));

    let s = &f.server;
    // The issuer rotates its key, revokes assertion 1 in its list, and withdraws it (410).
    s.serve(
        "/issuer",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": f.issuer, "name": "Local Academy",
                   "url": s.url("/"), "publicKey": s.url("/keys/p256-2"), "revocationList": s.url("/revocations")})
            .to_string(),
        ),
    );
    s.serve(
        "/keys/p256-2",
        Reply::Ok(
            json!({"type": "CryptographicKey", "id": s.url("/keys/p256-2"), "owner": f.issuer, "publicKeyPem": p256_pem()})
                .to_string(),
        ),
    );
    s.serve(
        "/revocations",
        Reply::Ok(
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "RevocationList", "id": s.url("/revocations"),
                   "issuer": f.issuer, "revokedAssertions": [s.url("/assertions/listed"), s.url("/assertions/1")]})
            .to_string(),
        ),
    );
    s.serve("/assertions/1", Reply::Status(410));
    // The BadgeClass URL fails this time: the previous copy is kept.
    s.serve("/badges/rust", Reply::Status(503));

    let out = pull(&badges, &trust, &["--allow-insecure-loopback", "--refresh"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let changed = |url: &str, what: &str| {
        assert!(
            stdout.lines().any(|l| l.starts_with("changed\t") && l.contains(&format!("{url}: ")) && l.contains(what)),
            "{url} {what}: {stdout}"
        );
    };
    changed(&s.url("/issuer"), "keys now: ");
    changed(&s.url("/issuer"), "/keys/p256-2");
    changed(&s.url("/revocations"), "2 revoked assertion(s)");
    changed(&s.url("/assertions/1"), "410 Gone");
    changed(&s.url("/keys/p256-2"), "new");
    assert!(stdout.contains("keeping the copy fetched"), "{stdout}");

    let store = TrustStore::load(&trust).unwrap();
    assert!(store.badge_class(&s.url("/badges/rust")).is_some(), "the previous BadgeClass copy is kept");
    let (_, got) = verify_files(&files, &store);
    assert_statuses(&got, &[("hosted-ok.json", Status::Revoked)]);
}

#[test]
fn a_snapshot_naming_files_outside_pulled_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let badges = tmp.path().join("badges");
    std::fs::create_dir_all(&badges).unwrap();
    let trust = tmp.path().join("trust");
    write(
        &trust,
        "SNAPSHOT.json",
        &json!({"created_by": "someone", "entries": [{"url": "https://a.example/i", "kind": "issuer",
            "fetched_at": "2026-01-01T00:00:00Z", "status": 200, "sha256": null, "size": null,
            "file": "../../etc/passwd", "id": "https://a.example/i", "error": null}]})
        .to_string(),
    );
    let out = pull(&badges, &trust, &["--refresh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a pulled/<hash>"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
