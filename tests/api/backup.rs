//! `ketnoi backup` of a database being written, and `ketnoi restore` of it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;

use crate::helpers::{Link, TestResult, spawn_app, sqlite_db, worker_body};

fn ketnoi(database_url: &str, index_dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"));
    command
        .env("DATABASE_URL", database_url)
        .env("KETNOI_INDEX_DIR", index_dir)
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn a_backup_taken_during_writes_restores_every_write_acknowledged_before_it() -> TestResult {
    let app = Arc::new(spawn_app(sqlite_db())?);
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (app, staff) = (app.clone(), staff.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut index = 0;
                while !stop.load(Ordering::Relaxed) && index < 400 {
                    let national_id = format!("0141950{writer:02}{index:03}");
                    if let Ok(created) = app.post(
                        "/api/v1/workers",
                        Some(&staff),
                        &worker_body(&national_id, "03646"),
                    ) && created.status == 201
                    {
                        acknowledged
                            .lock()
                            .map(|mut ids| ids.push(national_id))
                            .ok();
                    }
                    index += 1;
                }
            })
        })
        .collect();
    // Let some writes land, then back up while they go on.
    while acknowledged.lock().map(|ids| ids.len()).unwrap_or(0) < 40 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before: Vec<String> = acknowledged
        .lock()
        .map(|ids| ids.clone())
        .unwrap_or_default();
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("ketnoi-backup.sqlite3");
    let output = ketnoi(&app.db.raw_url(), &app.db.index_dir())
        .arg("backup")
        .arg(&file)
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let during = acknowledged.lock().map(|ids| ids.len()).unwrap_or(0);
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().map_err(|_| "writer panicked")?;
    }
    assert!(during > before.len(), "writes went on during the backup");

    // A second backup onto the same name is refused: a backup never overwrites.
    let again = ketnoi(&app.db.raw_url(), &app.db.index_dir())
        .arg("backup")
        .arg(&file)
        .output()?;
    assert_eq!(again.status.code(), Some(1));

    // Restored as a new province server's database: every write acknowledged before the backup
    // began is there, and the search index finds them.
    let restored = folder.path().join("restored.sqlite3");
    let restored_url = format!("sqlite://{}", restored.display());
    let index_dir = folder.path().join("restored_index");
    let output = ketnoi(&restored_url, &index_dir)
        .arg("restore")
        .arg(&file)
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("search index rebuilt"), "{stdout}");
    let mut connection = ketnoi::db::establish(&ketnoi::db::DatabaseUrl::parse(&restored_url)?)?;
    use ketnoi::db::schema::workers;
    let stored: Vec<Option<String>> = workers::table
        .select(workers::national_id)
        .load(&mut connection)?;
    for national_id in &before {
        assert!(
            stored.contains(&Some(national_id.clone())),
            "{national_id} was acknowledged before the backup and is missing"
        );
    }
    eprintln!(
        "backup during writes: {} acknowledged before it, {} in the copy, {} by its end",
        before.len(),
        stored.len(),
        during
    );

    // The running server's database is not replaced under it.
    let refused = ketnoi(&app.db.raw_url(), &app.db.index_dir())
        .arg("restore")
        .arg(&file)
        .output()?;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
    Ok(())
}

#[test]
fn a_postgres_database_is_pointed_to_pg_dump_and_a_stranger_file_is_refused() -> TestResult {
    let folder = tempfile::tempdir()?;
    let output = ketnoi("postgres://ketnoi@127.0.0.1:1/ketnoi", folder.path())
        .arg("backup")
        .arg(folder.path().join("x.sqlite3"))
        .output()?;
    assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
    let stranger = folder.path().join("stranger.sqlite3");
    std::fs::write(&stranger, b"not a database at all")?;
    let output = ketnoi(
        &format!("sqlite://{}", folder.path().join("k.sqlite3").display()),
        folder.path(),
    )
    .arg("restore")
    .arg(&stranger)
    .output()?;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a Ketnoi SQLite database"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
