//! Hostile spreadsheets: cells far apart, packed bombs; and import jobs every server answers for.

use crate::helpers::{Answer, Link, TestApp, TestResult, client, spawn_app, test_dbs};

/// Posts a file to `/api/v1/imports`; the answer as read.
fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let form = reqwest::blocking::multipart::Form::new()
        .text("kind", "workers")
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    Answer::from(
        client()
            .post(app.url("/api/v1/imports"))
            .bearer_auth(token)
            .header("accept-language", "vi")
            .multipart(form)
            .send()?,
    )
}

/// Polls a job until it ends.
fn ended(
    app: &TestApp,
    token: &str,
    location: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    for _ in 0..600 {
        let job = app.get(location, Some(token))?;
        if job.body["status"] != "running" {
            return Ok(job.body);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("the job did not end in a minute".into())
}

/// A workbook of two cells, A1 and XFD1048576: 1.8 KB that a reader spreading cells over their
/// grid would need hundreds of GiB for.
fn far_apart_cells() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên")?;
    sheet.write_string(1_048_575, 16_383, "Lò Thị Ỏn")?;
    Ok(workbook.save_to_buffer()?)
}

/// A minimal .xlsx whose one sheet is `sheet_bytes` of XML made of `filler`, deflated.
fn packed_sheet(filler: u8, sheet_bytes: usize) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(sheet_bytes > u32::MAX as usize);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, content) in parts {
        zip.start_file(name, deflated)?;
        zip.write_all(content.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", deflated)?;
    let head = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    let tail = "</sheetData></worksheet>";
    zip.write_all(head.as_bytes())?;
    let chunk = vec![filler; 1 << 20];
    let mut left = sheet_bytes.saturating_sub(head.len() + tail.len());
    while left > 0 {
        let take = left.min(chunk.len());
        zip.write_all(&chunk[..take])?;
        left -= take;
    }
    zip.write_all(tail.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

/// The limit a refused upload names: its field error code and the `max` in its message.
fn refused_for(answer: &Answer) -> Vec<(String, String)> {
    answer.field_errors()
}

#[test]
fn a_sheet_whose_cells_lie_far_apart_is_refused_by_its_columns_and_the_server_lives_on()
-> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let bytes = far_apart_cells()?;
        assert!(bytes.len() < 10_000, "{} bytes", bytes.len());
        let started = upload(&app, &token, "lao-dong.xlsx", bytes.clone())?;
        assert_eq!(started.status, 202, "{:?}", started.body);
        let location = started
            .headers
            .get("location")
            .ok_or("no Location")?
            .to_str()?
            .to_owned();
        let job = ended(&app, &token, &location)?;
        assert_eq!(job["status"], "failed", "{backend}: {job}");
        let error = job["error"].as_str().unwrap_or_default();
        assert!(error.contains("tối đa 256 cột"), "{error}");
        assert!(
            !error.contains("/tmp") && !error.contains("ketnoi-import"),
            "{error}"
        );
        assert_eq!(
            app.get("/healthz", None)?.status,
            200,
            "the server is alive"
        );

        // The command line refuses it too, with one line and exit code 1, not an abort.
        let file = app.db.folder.path().join("xa-nhau.xlsx");
        std::fs::write(&file, bytes)?;
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .env("DATABASE_URL", app.db.raw_url())
            .env("KETNOI_INDEX_DIR", app.db.folder.path().join("cli_index"))
            .env("RUST_LOG", "warn")
            .args(["import", "workers"])
            .arg(&file)
            .output()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{backend}: {stderr}");
        assert!(stderr.contains("256 columns"), "{stderr}");
    }
    Ok(())
}

#[test]
fn packed_sheets_that_unpack_past_the_limits_are_refused_at_upload() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        // 300 MB of spaces pack into a few hundred KB: over the unpacked size.
        let bomb = packed_sheet(b' ', 300 << 20)?;
        assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
        let refused = upload(&app, &token, "bom.xlsx", bomb.clone())?;
        assert_eq!(refused.status, 422, "{backend}: {:?}", refused.body);
        assert_eq!(
            refused_for(&refused),
            [("file".to_owned(), "sheet_unpacked_bytes".to_owned())]
        );
        assert!(
            refused.body.to_string().contains("268435456"),
            "the message names the limit: {:?}",
            refused.body
        );
        // 20 MB of spaces is under the size, but no sheet of data packs a thousand times smaller.
        let dense = packed_sheet(b' ', 20 << 20)?;
        let refused = upload(&app, &token, "nen.xlsx", dense)?;
        assert_eq!(refused.status, 422, "{backend}: {:?}", refused.body);
        assert_eq!(
            refused_for(&refused),
            [("file".to_owned(), "sheet_ratio".to_owned())]
        );
        assert_eq!(app.get("/healthz", None)?.status, 200);

        // The memory it takes, read off the command line's process while it runs: the report
        // shows it; the bound is far above it and far below what unpacking would take.
        let file = app.db.folder.path().join("bom.xlsx");
        std::fs::write(&file, bomb)?;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .env("DATABASE_URL", app.db.raw_url())
            .env("KETNOI_INDEX_DIR", app.db.folder.path().join("cli_index"))
            .env("RUST_LOG", "warn")
            .args(["import", "workers"])
            .arg(&file)
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        let status_file = format!("/proc/{}/status", child.id());
        let mut peak_kib = 0_u64;
        let status = loop {
            if let Ok(status) = std::fs::read_to_string(&status_file)
                && let Some(line) = status.lines().find(|line| line.starts_with("VmHWM:"))
            {
                peak_kib = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|kib| kib.parse().ok())
                    .unwrap_or(peak_kib)
                    .max(peak_kib);
            }
            if let Some(status) = child.try_wait()? {
                break status;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            use std::io::Read;
            pipe.read_to_string(&mut stderr)?;
        }
        eprintln!(
            "import of a 300 MB sheet packed into {} KB: refused, peak RSS seen {} MiB",
            std::fs::metadata(&file)?.len() / 1024,
            peak_kib / 1024
        );
        assert_eq!(status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("unpacked_bytes"), "{stderr}");
        assert!(peak_kib < 512 * 1024, "peak RSS {peak_kib} KiB");
    }
    Ok(())
}

#[test]
fn an_import_started_on_one_server_is_polled_on_another() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let app = spawn_app(db)?;
        let token = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        let second = app.sibling()?;
        let csv = "Họ và tên,Số CCCD,Ngày sinh,Giới tính,Dân tộc,Xã\n\
                   Lò Thị Ỏn,014195000071,12/04/1995,Nữ,Thái,03646\n\
                   Hà Văn Thắm,014195000072,01/02/1990,Nam,Thái,Xã Không Có\n";
        let started = upload(&app, &token, "lao-dong.csv", csv.as_bytes().to_vec())?;
        assert_eq!(started.status, 202, "{backend}: {:?}", started.body);
        let location = started
            .headers
            .get("location")
            .ok_or("no Location")?
            .to_str()?
            .to_owned();
        let elsewhere = crate::helpers::TestApp::url_on(&second, &location);
        let mut job = serde_json::Value::Null;
        for _ in 0..600 {
            job = Answer::from(client().get(&elsewhere).bearer_auth(&token).send()?)?.body;
            if job["status"] != "running" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(job["status"], "done", "{backend}: {job}");
        assert_eq!(job["report"]["rejected"], 1, "{backend}: {job}");
        let workbook = client()
            .get(format!("{elsewhere}/errors.xlsx"))
            .bearer_auth(&token)
            .send()?;
        assert_eq!(workbook.status(), 200, "{backend}");
        assert!(workbook.bytes()?.starts_with(b"PK"));
        // Another officer does not see it, on either server.
        let other = app.sign_in_as("hoa@example.vn", "staff", Link::None)?;
        let hidden = client().get(&elsewhere).bearer_auth(&other).send()?;
        assert_eq!(hidden.status(), 404, "{backend}");
    }
    Ok(())
}
