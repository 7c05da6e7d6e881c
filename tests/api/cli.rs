//! The `ketnoi` binary as an operator runs it: configuration mistakes end in one clear line
//! and a non-zero exit, and a demo database serves `/healthz`.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};

use crate::helpers::{TestDb, TestResult, sqlite_db, test_dbs};

pub(crate) fn ketnoi(db: &TestDb) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketnoi"));
    command
        .env("DATABASE_URL", db.raw_url())
        .env("KETNOI_INDEX_DIR", db.index_dir())
        .env("KETNOI_MAIL_DIR", db.index_dir().with_extension("outbox"))
        .env_remove("KETNOI_SMTP_URL")
        .env("RUST_LOG", "warn")
        .env_remove("KETNOI_BIND");
    command
}

/// The run failed with exit code 1 and said why on one line, without a panic.
fn assert_one_clear_line(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("ketnoi:"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains(expected),
        "expected `{expected}` in: {}",
        lines[0]
    );
}

#[test]
fn an_unknown_database_scheme_is_one_clear_line() -> TestResult {
    let db = sqlite_db();
    let output = ketnoi(&db)
        .env("DATABASE_URL", "mysql://localhost/ketnoi")
        .arg("migrate")
        .output()?;
    assert_one_clear_line(&output, "scheme `mysql` is not supported");
    let output = ketnoi(&db)
        .env("DATABASE_URL", "data/ketnoi.sqlite3")
        .arg("migrate")
        .output()?;
    assert_one_clear_line(&output, "has no scheme");
    Ok(())
}

#[test]
fn an_unreachable_database_is_one_clear_line() -> TestResult {
    let db = sqlite_db();
    // Nothing listens on port 1 of loopback.
    let output = ketnoi(&db)
        .env(
            "DATABASE_URL",
            "postgres://ketnoi:secret@127.0.0.1:1/ketnoi",
        )
        .arg("migrate")
        .output()?;
    let expected = if cfg!(feature = "postgres") {
        "cannot open the database"
    } else {
        "no PostgreSQL support"
    };
    assert_one_clear_line(&output, expected);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("secret"),
        "the password was printed"
    );

    let output = ketnoi(&db)
        .env("DATABASE_URL", "sqlite:///proc/ketnoi/ketnoi.sqlite3")
        .arg("migrate")
        .output()?;
    assert_one_clear_line(&output, "cannot create the folder /proc/ketnoi");
    Ok(())
}

#[test]
fn an_unwritable_index_folder_is_one_clear_line() -> TestResult {
    let db = sqlite_db();
    let file = db.folder.path().join("not-a-folder");
    std::fs::write(&file, "x")?;
    let output = ketnoi(&db)
        .env("KETNOI_INDEX_DIR", file.join("index"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()?;
    assert_one_clear_line(&output, "search index folder");
    Ok(())
}

#[test]
fn a_port_in_use_is_one_clear_line() -> TestResult {
    let db = sqlite_db();
    let taken = TcpListener::bind("127.0.0.1:0")?;
    let address = taken.local_addr()?.to_string();
    let output = ketnoi(&db).args(["serve", "--bind", &address]).output()?;
    assert_one_clear_line(&output, &format!("cannot listen on {address}"));
    Ok(())
}

/// Starts `ketnoi serve` on a free port and returns it with the address it printed.
fn serve(db: &TestDb, extra: &[&str]) -> Result<(Child, String), Box<dyn std::error::Error>> {
    let (child, address, _) = serve_with_output(db, extra)?;
    Ok((child, address))
}

type Served = (Child, String, Vec<String>);

/// Starts `ketnoi serve` and reads what it prints before serving: the address line and, with
/// `--demo`, the demo lines that follow it.
fn serve_with_output(db: &TestDb, extra: &[&str]) -> Result<Served, Box<dyn std::error::Error>> {
    serve_from(ketnoi(db), extra)
}

/// Starts `command` as `ketnoi serve` with `extra` arguments; see [`serve_with_output`].
pub(crate) fn serve_from(
    mut command: Command,
    extra: &[&str],
) -> Result<Served, Box<dyn std::error::Error>> {
    let mut child = command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().ok_or("serve printed nothing")??;
    let address = first
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .ok_or_else(|| format!("no address in `{first}`"))?
        .to_owned();
    let mut printed = vec![first];
    if extra.contains(&"--demo") {
        // The login line is the last thing printed before serving.
        for line in lines.by_ref() {
            let line = line?;
            let done = line.starts_with("Demo login:");
            printed.push(line);
            if done {
                break;
            }
        }
    }
    // Keep reading in the background so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok((child, address, printed))
}

/// The registry's row counts, read by the demo's admin.
fn demo_counts(address: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let client = reqwest::blocking::Client::new();
    let login: serde_json::Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@ketnoi.demo", "password": "ketnoi-demo"}))
        .send()?
        .error_for_status()?
        .json()?;
    let token = login["token"].as_str().ok_or("no token")?;
    Ok(client
        .get(format!("{address}/api/v1/stats"))
        .bearer_auth(token)
        .send()?
        .error_for_status()?
        .json()?)
}

#[test]
fn demo_then_serve_answers_healthz() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let output = ketnoi(&db)
            .args(["demo", "--workers", "20000", "--seed", "7", "--json"])
            .output()?;
        assert!(
            output.status.success(),
            "{backend}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        assert_eq!(summary["workers"], 20_000, "{backend}");

        let (mut child, address) = serve(&db, &[])?;
        let health: Result<serde_json::Value, _> =
            reqwest::blocking::get(format!("{address}/healthz"))
                .and_then(|response| response.error_for_status()?.json());
        let counts = demo_counts(&address);
        child.kill()?;
        child.wait()?;
        let health = health?;
        assert_eq!(health["backend"], backend);
        let counts = counts?;
        assert_eq!(counts["workers"], 20_000);
        assert_eq!(counts["placements"], summary["placements"]);
    }
    Ok(())
}

#[test]
fn area_set_poor_flags_units_and_rejects_unknown_codes() -> TestResult {
    let db = sqlite_db();
    let output = ketnoi(&db).args(["area", "set-poor", "127"]).output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Huyện Sốp Cộp"));

    let output = ketnoi(&db)
        .args(["area", "set-poor", "126", "99999"])
        .output()?;
    assert_one_clear_line(&output, "no administrative unit has the code `99999`");

    let output = ketnoi(&db).args(["area", "list", "--poor"]).output()?;
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(listed.contains("127\tHuyện Sốp Cộp"), "{listed}");
    assert!(
        !listed.contains("Sông Mã"),
        "a failed command flagged 126: {listed}"
    );

    let output = ketnoi(&db)
        .args(["area", "set-poor", "--clear", "127"])
        .output()?;
    assert!(output.status.success());
    let output = ketnoi(&db).args(["area", "list", "--poor"]).output()?;
    assert!(String::from_utf8_lossy(&output.stdout).trim().is_empty());
    Ok(())
}

#[test]
fn serve_demo_fills_an_empty_database_and_prints_a_login() -> TestResult {
    let db = sqlite_db();
    let (mut child, address, printed) =
        serve_with_output(&db, &["--demo", "--demo-workers", "300"])?;
    let counts = demo_counts(&address);
    child.kill()?;
    child.wait()?;
    assert_eq!(counts?["workers"], 300);
    assert!(
        printed
            .iter()
            .any(|line| line.contains("Demo login: admin@ketnoi.demo / ketnoi-demo")),
        "{printed:?}"
    );

    // A second start keeps the data and still tells the login.
    let (mut child, _, printed) = serve_with_output(&db, &["--demo", "--demo-workers", "300"])?;
    child.kill()?;
    child.wait()?;
    assert!(
        printed
            .iter()
            .all(|line| !line.starts_with("Demo province loaded")),
        "{printed:?}"
    );
    assert!(
        printed.iter().any(|line| line.starts_with("Demo login:")),
        "{printed:?}"
    );
    Ok(())
}

#[test]
fn a_bad_mail_setting_stops_serve_with_one_clear_line() -> TestResult {
    let db = sqlite_db();
    let output = ketnoi(&db)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("KETNOI_SMTP_URL", "http://mail.example.vn")
        .output()?;
    assert_one_clear_line(&output, "KETNOI_SMTP_URL");
    let output = ketnoi(&db)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("KETNOI_MAIL_FROM", "không phải địa chỉ")
        .output()?;
    assert_one_clear_line(&output, "KETNOI_MAIL_FROM");
    Ok(())
}

#[test]
fn mail_deliver_writes_the_due_messages_as_eml_files() -> TestResult {
    use ketnoi::mail::messages::{Message, ReferralNew};
    let db = sqlite_db();
    let mut connection = db.migrated()?;
    let id = ketnoi::mail::outbox::enqueue(
        &mut connection,
        &Message::ReferralNew(ReferralNew {
            employer_name: "Hợp tác xã Chè Tà Xùa".into(),
            vacancy_title: "Công nhân chế biến chè".into(),
            worker_name: "Lò Thị Ỏn".into(),
            commune: "Xã Tà Xùa".into(),
            match_explanation: String::new(),
            note: String::new(),
            referral_id: "r1".into(),
        }),
        "htx@chetaxua.vn",
        ketnoi::i18n::Lang::Vi,
        Default::default(),
        ketnoi::accounts::now(),
    )?
    .ok_or("not queued")?;
    let output = ketnoi(&db).args(["mail", "deliver"]).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("1 sent, 0 to retry, 0 failed"), "{stdout}");
    let file = db
        .index_dir()
        .with_extension("outbox")
        .join(format!("{id}.eml"));
    let bytes = std::fs::read(file)?;
    let message = mail_parser::MessageParser::default()
        .parse(&bytes)
        .ok_or("eml")?;
    assert_eq!(
        message.subject(),
        Some("Giới thiệu ứng viên: Lò Thị Ỏn cho vị trí Công nhân chế biến chè")
    );
    let again = ketnoi(&db).args(["mail", "deliver"]).output()?;
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 sent"));
    Ok(())
}
