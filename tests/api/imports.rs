//! Imports of commune lists from real spreadsheet files (written with rust_xlsxwriter, and CSV
//! and UTF-16 text as Excel saves them), through the `ketnoi import` binary and the library.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use ketnoi::accounts::Principal;
use ketnoi::db::schema::{audit_log, household_deprivations, households, workers};
use ketnoi::i18n::Lang;
use ketnoi::import::{self, ImportReport, Kind, Mode, Options};
use rust_xlsxwriter::{Format, Workbook};
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{
    Answer, Link, TestApp, TestDb, TestResult, client, spawn_app, sqlite_db, test_dbs,
};

#[derive(Clone)]
pub(crate) enum X {
    S(String),
    N(f64),
    /// An Excel date: a serial number shown as dd/mm/yyyy.
    D(f64),
    E,
}

pub(crate) fn s(text: &str) -> X {
    X::S(text.to_owned())
}

/// A workbook as communes make them: a merged title, a subtitle, an empty row, then the table.
pub(crate) fn workbook(path: &Path, header: &[&str], rows: &[Vec<X>]) -> TestResult {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.merge_range(
        0,
        0,
        0,
        header.len() as u16 - 1,
        "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025",
        &bold,
    )?;
    sheet.write_string(1, 0, "(Kèm theo Quyết định số 123/QĐ-UBND của UBND xã)")?;
    for (column, name) in header.iter().enumerate() {
        sheet.write_string_with_format(3, column as u16, *name, &bold)?;
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (index, row) in rows.iter().enumerate() {
        let at = 4 + index as u32;
        for (column, cell) in row.iter().enumerate() {
            let column = column as u16;
            match cell {
                X::S(text) => {
                    sheet.write_string(at, column, text)?;
                }
                X::N(number) => {
                    sheet.write_number(at, column, *number)?;
                }
                X::D(serial) => {
                    sheet.write_number_with_format(at, column, *serial, &date)?;
                }
                X::E => {}
            }
        }
    }
    book.save(path)?;
    Ok(())
}

pub(crate) fn options(kind: Kind, mode: Mode) -> Options {
    Options {
        kind,
        mode,
        dry_run: false,
        lang: Lang::Vi,
        review_year: None,
    }
}

pub(crate) fn run(
    db: &TestDb,
    path: &Path,
    options: &Options,
) -> Result<ImportReport, Box<dyn std::error::Error>> {
    let mut connection = db.migrated()?;
    let (report, _) = import::import_file(
        &mut connection,
        &Principal::operator(),
        path,
        options,
        &mut |_, _| {},
    )
    .map_err(|error| error.to_string())?;
    Ok(report)
}

const HOUSEHOLD_HEADER: &[&str] = &[
    "STT",
    "Mã hộ",
    "Họ và tên chủ hộ",
    "Dân tộc",
    "Xã",
    "Số nhân khẩu",
    "Thu nhập bình quân (đồng/người/tháng)",
    "Chỉ số thiếu hụt",
];

fn household_rows() -> Vec<Vec<X>> {
    vec![
        vec![
            X::N(1.0),
            s("SL-001"),
            s("Lò Văn Piếng"),
            s("Thái"),
            s("Phường Tô Hiệu"),
            X::N(5.0),
            s("1.200.000"),
            s("health_insurance, housing_quality, drinking_water"),
        ],
        vec![
            X::N(2.0),
            s("SL-002"),
            s("Giàng A Dế"),
            s("H'Mông"),
            s("Xã Chiềng Ơn"),
            X::N(7.0),
            X::N(900_000.0),
            // Indicators by name, as the review's forms write them, one typed in lower case.
            s(
                "Dinh dưỡng; Nhà tiêu hợp vệ sinh; sử dụng dịch vụ viễn thông; Tình trạng đi học của trẻ em",
            ),
        ],
        vec![
            X::N(3.0),
            s("SL-003"),
            s("Hà Thị Xuân"),
            X::N(3.0),
            X::N(3700.0),
            X::N(4.0),
            X::N(1_400_000.0),
            s("dependants"),
        ],
    ]
}

#[test]
fn a_household_list_with_a_title_block_imports_and_a_second_import_changes_nothing() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("ho-ngheo-2025.xlsx");
        workbook(&path, HOUSEHOLD_HEADER, &household_rows())?;

        let first = run(&db, &path, &options(Kind::Households, Mode::AllOrNothing))?;
        assert_eq!(first.header_row, 4, "{backend}");
        assert_eq!(
            (
                first.created,
                first.updated,
                first.unchanged,
                first.rejected
            ),
            (3, 0, 0, 0),
            "{backend}: {:?}",
            first.errors
        );
        assert!(first.committed);
        let mut connection = db.migrated()?;
        let stored: Vec<(String, String, String, String, i32)> = households::table
            .order(households::code)
            .select((
                households::code,
                households::commune_id,
                households::ethnicity_code,
                households::status,
                households::members,
            ))
            .load(&mut connection)?;
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0].2, "03", "Thái by name");
        assert_eq!(stored[1].2, "08", "H'Mông by its alias");
        assert_eq!(
            stored[1].1, "03703@2025",
            "{backend}: Chiềng Ơn, merged in 2025, is found under Quỳnh Nhai"
        );
        assert_eq!(stored[2].1, "03700@2021", "a code Excel wrote as a number");
        assert_eq!(
            stored[0].1, "03646@2025",
            "{backend}: the ward in force goes by that name"
        );
        assert_eq!(stored[1].3, "poor");
        let mut indicators: Vec<String> = household_deprivations::table
            .inner_join(households::table)
            .filter(households::code.eq("SL-002"))
            .select(household_deprivations::indicator_key)
            .load(&mut connection)?;
        indicators.sort();
        assert_eq!(
            indicators,
            ["child_schooling", "nutrition", "sanitation", "telecom"],
            "{backend}: indicators by name"
        );

        let second = run(&db, &path, &options(Kind::Households, Mode::AllOrNothing))?;
        assert_eq!(
            (
                second.created,
                second.updated,
                second.unchanged,
                second.rejected
            ),
            (0, 0, 3, 0),
            "{backend}: {:?}",
            second.errors
        );

        // One household reviewed again: one update, the rest unchanged.
        let mut rows = household_rows();
        rows[0][5] = X::N(6.0);
        workbook(&path, HOUSEHOLD_HEADER, &rows)?;
        let third = run(&db, &path, &options(Kind::Households, Mode::AllOrNothing))?;
        assert_eq!((third.updated, third.unchanged), (1, 2), "{backend}");
    }
    Ok(())
}

pub(crate) const WORKER_HEADER: &[&str] = &[
    "STT",
    "HỌ VÀ TÊN",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD ",
    "Dân tộc",
    "Xã",
    "Số điện thoại",
    "Trình độ học vấn",
];

/// Serial 34801 is 12/04/1995.
pub(crate) fn worker_row(n: u32, name: &str, commune: &str) -> Vec<X> {
    vec![
        X::N(f64::from(n)),
        X::S(name.nfd().collect()),
        X::D(34_801.0),
        s("Nữ"),
        s(&format!("01419500{n:04} ")),
        s("Thái"),
        s(commune),
        X::E,
        s("lower_secondary"),
    ]
}

#[test]
fn a_worker_list_names_every_bad_row_and_all_or_nothing_keeps_none_of_it() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("lao-dong.xlsx");
        let mut rows: Vec<Vec<X>> = (1..=6)
            .map(|n| worker_row(n, "Lò Thị Ỏn", "03649"))
            .collect();
        rows[3] = worker_row(2, "Lò Thị Ỏn", "03649"); // the CCCD of row 6 again
        rows[4] = worker_row(5, "Hà Văn Thắm", "Xã Không Có");
        workbook(&path, WORKER_HEADER, &rows)?;

        let refused = run(&db, &path, &options(Kind::Workers, Mode::AllOrNothing))?;
        assert!(!refused.committed);
        assert_eq!(refused.rejected, 2, "{backend}: {:?}", refused.errors);
        let mut errors: Vec<(usize, String, String, String)> = refused
            .errors
            .iter()
            .map(|error| {
                (
                    error.row,
                    error.column.clone(),
                    error.value.clone(),
                    error.code.clone(),
                )
            })
            .collect();
        errors.sort();
        assert_eq!(
            errors,
            vec![
                (
                    8,
                    "Số CCCD".to_owned(),
                    "014195000002".to_owned(),
                    "duplicate_in_file".to_owned()
                ),
                (
                    9,
                    "Xã".to_owned(),
                    "Xã Không Có".to_owned(),
                    "unknown_commune".to_owned()
                ),
            ],
            "{backend}"
        );
        assert!(
            refused
                .errors
                .iter()
                .any(|error| error.message == "Trùng với dòng 6 của tệp.")
        );
        let mut connection = db.migrated()?;
        let count: i64 = workers::table.count().get_result(&mut connection)?;
        assert_eq!(count, 0, "{backend}: nothing kept");

        let kept = run(&db, &path, &options(Kind::Workers, Mode::ValidRows))?;
        assert!(kept.committed);
        assert_eq!((kept.created, kept.rejected), (4, 2), "{backend}");
        let stored: Vec<(String, String, chrono::NaiveDate, String)> = workers::table
            .order(workers::national_id)
            .select((
                workers::full_name,
                workers::gender,
                workers::birth_date,
                workers::national_id.assume_not_null(),
            ))
            .load(&mut connection)?;
        assert_eq!(stored[0].0, "Lò Thị Ỏn", "stored NFC");
        assert_eq!(stored[0].1, "female");
        assert_eq!(stored[0].2.to_string(), "1995-04-12");
        assert_eq!(stored[0].3, "014195000001", "trailing space gone");

        let again = run(&db, &path, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!(
            (
                again.created,
                again.updated,
                again.unchanged,
                again.rejected
            ),
            (0, 0, 4, 2),
            "{backend}"
        );

        // An update reads the record once: one read and one update in the audit log.
        let first_id: String = workers::table
            .filter(workers::national_id.eq("014195000001"))
            .select(workers::id)
            .first(&mut connection)?;
        let audited = |connection: &mut _, action: &str| -> QueryResult<i64> {
            audit_log::table
                .filter(audit_log::entity.eq("worker"))
                .filter(audit_log::entity_id.eq(&first_id))
                .filter(audit_log::action.eq(action.to_owned()))
                .count()
                .get_result(connection)
        };
        let before = (
            audited(&mut connection, "read")?,
            audited(&mut connection, "update")?,
        );
        let mut changed = worker_row(1, "Lò Thị Ỏn", "03649");
        changed[7] = s("0912 345 678");
        workbook(&path, WORKER_HEADER, &[changed])?;
        let update = run(&db, &path, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!((update.updated, update.rejected), (1, 0), "{backend}");
        let after = (
            audited(&mut connection, "read")?,
            audited(&mut connection, "update")?,
        );
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (1, 1),
            "{backend}: the existing record is read (and audited) once"
        );

        // A CCCD already in the registry under another person is refused, not overwritten.
        workbook(
            &path,
            WORKER_HEADER,
            &[worker_row(1, "Hà Văn Thắm", "03649")],
        )?;
        let conflict = run(&db, &path, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!(conflict.errors[0].code, "national_id_conflict", "{backend}");
        let name: String = workers::table
            .filter(workers::national_id.eq("014195000001"))
            .select(workers::full_name)
            .first(&mut connection)?;
        assert_eq!(name, "Lò Thị Ỏn");
    }
    Ok(())
}

fn ketnoi(db: &TestDb) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ketnoi"));
    command
        .env("DATABASE_URL", db.raw_url())
        .env("KETNOI_INDEX_DIR", db.index_dir())
        .env("RUST_LOG", "warn");
    command
}

#[test]
fn the_command_writes_the_rejected_rows_with_their_reasons_and_reads_csv_and_unicode_text()
-> TestResult {
    let db = sqlite_db();
    drop(db.migrated()?);
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("lao-dong.xlsx");
    let mut rows: Vec<Vec<X>> = (1..=3)
        .map(|n| worker_row(n, "Lò Thị Ỏn", "03649"))
        .collect();
    rows[1][2] = s("31/02/1995");
    workbook(&path, WORKER_HEADER, &rows)?;
    let errors_out = folder.path().join("loi.xlsx");
    let output = ketnoi(&db)
        .args(["import", "workers"])
        .arg(&path)
        .arg("--errors-out")
        .arg(&errors_out)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(
            "Dòng 6, Ngày sinh: Không đọc được ngày: ghi dạng dd/mm/yyyy hoặc dùng ô kiểu ngày."
        ),
        "{stdout}"
    );
    assert!(stdout.contains("1 bị từ chối; không lưu gì."), "{stdout}");
    let english = ketnoi(&db)
        .args(["import", "workers", "--lang", "en"])
        .arg(&path)
        .output()?;
    let stdout = String::from_utf8_lossy(&english.stdout);
    assert!(
        stdout.contains("Row 6, Ngày sinh: Not a date: write dd/mm/yyyy or use a date cell."),
        "{stdout}"
    );
    assert!(stdout.contains("1 rejected; nothing kept."), "{stdout}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&errors_out)?;
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).ok_or("no sheet")??;
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert_eq!(cells[0][1], "HỌ VÀ TÊN");
    assert_eq!(cells[0].last().map(String::as_str), Some("Lý do"));
    assert_eq!(cells[1][2], "31/02/1995");
    assert!(
        cells[1]
            .last()
            .is_some_and(|reason| reason.contains("Dòng 6, cột Ngày sinh"))
    );

    // The same people as CSV UTF-8 with a BOM, then as Excel's Unicode text: one creates, the
    // other finds them unchanged.
    let csv_path = folder.path().join("lao-dong.csv");
    let mut csv = vec![0xEF, 0xBB, 0xBF];
    csv.extend(
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Dân tộc,Xã\n\
         Lò Thị Ỏn,12/04/1995,Nữ,014195000001,Thái,Phường Tô Hiệu\n\
         Hà Văn Thắm,01/09/1990,Nam,014190000002,Mường,03649\n"
            .as_bytes(),
    );
    std::fs::write(&csv_path, &csv)?;
    let created = ketnoi(&db)
        .args(["import", "workers", "--json"])
        .arg(&csv_path)
        .output()?;
    let report: serde_json::Value = serde_json::from_slice(&created.stdout)?;
    assert_eq!(report["created"], 2, "{report}");
    let text_path: PathBuf = folder.path().join("lao-dong.txt");
    let text = String::from_utf8(csv[3..].to_vec())?.replace(',', "\t");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(&text_path, utf16)?;
    let unchanged = ketnoi(&db)
        .args(["import", "workers", "--json"])
        .arg(&text_path)
        .output()?;
    let report: serde_json::Value = serde_json::from_slice(&unchanged.stdout)?;
    assert_eq!(
        (report["unchanged"].as_u64(), report["created"].as_u64()),
        (Some(2), Some(0)),
        "{report}"
    );

    // Once more as UTF-8 without a BOM, `;`-separated, names decomposed: still the same people.
    let plain_path = folder.path().join("lao-dong-khong-bom.csv");
    let plain: String = String::from_utf8(csv[3..].to_vec())?
        .replace(',', ";")
        .nfd()
        .collect();
    std::fs::write(&plain_path, plain)?;
    let plain = ketnoi(&db)
        .args(["import", "workers", "--json"])
        .arg(&plain_path)
        .output()?;
    let report: serde_json::Value = serde_json::from_slice(&plain.stdout)?;
    assert_eq!(
        (report["unchanged"].as_u64(), report["created"].as_u64()),
        (Some(2), Some(0)),
        "{report}"
    );

    // How each is written to, by its label or a short form: text only, nothing.
    let channel_path = folder.path().join("kenh-nhan-tin.csv");
    std::fs::write(
        &channel_path,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Dân tộc,Xã,Nhận thông báo qua\n\
         Lò Thị Ỏn,12/04/1995,Nữ,014195000001,Thái,Phường Tô Hiệu,Chỉ tin nhắn SMS\n\
         Hà Văn Thắm,01/09/1990,Nam,014190000002,Mường,03649,Không\n",
    )?;
    let changed = ketnoi(&db)
        .args(["import", "workers", "--json"])
        .arg(&channel_path)
        .output()?;
    let report: serde_json::Value = serde_json::from_slice(&changed.stdout)?;
    assert_eq!(report["updated"], 2, "{report}");
    use diesel::prelude::*;
    use ketnoi::db::schema::workers;
    let channels: Vec<(Option<String>, String)> = workers::table
        .order(workers::national_id)
        .select((workers::national_id, workers::message_channel))
        .load(&mut db.migrated()?)?;
    assert_eq!(
        channels,
        [
            (Some("014190000002".to_owned()), "none".to_owned()),
            (Some("014195000001".to_owned()), "sms".to_owned())
        ]
    );
    Ok(())
}

#[test]
fn an_import_killed_midway_leaves_no_rows() -> TestResult {
    use std::io::{BufRead, BufReader};
    let db = sqlite_db();
    drop(db.migrated()?);
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("ho-ngheo.xlsx");
    let rows: Vec<Vec<X>> = (0..2500)
        .map(|n| {
            vec![
                X::N(f64::from(n + 1)),
                s(&format!("KILL-{n:05}")),
                s("Lò Văn Piếng"),
                s("03"),
                s("03649"),
                X::N(4.0),
                X::N(900_000.0),
                s("nutrition, sanitation, telecom"),
            ]
        })
        .collect();
    workbook(&path, HOUSEHOLD_HEADER, &rows)?;
    let mut child = ketnoi(&db)
        .args(["import", "households"])
        .arg(&path)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("stderr")?;
    // Killed once it says it is 1,000 rows in: the rows so far are written, not committed.
    let mut progressed = false;
    for line in BufReader::new(stderr).lines() {
        if line?.contains("rows imported") {
            progressed = true;
            break;
        }
    }
    child.kill()?; // SIGKILL
    child.wait()?;
    assert!(progressed, "the import never reported progress");
    let mut connection = db.migrated()?;
    let count: i64 = households::table.count().get_result(&mut connection)?;
    assert_eq!(count, 0, "no partial rows");
    // The database is whole and takes the next import.
    let small = folder.path().join("nho.xlsx");
    workbook(&small, HOUSEHOLD_HEADER, &rows[..3])?;
    let report = run(&db, &small, &options(Kind::Households, Mode::AllOrNothing))?;
    assert_eq!(report.created, 3);
    Ok(())
}

/// Employers, a vacancy and a course, as a job centre's lists give them.
fn catalogue_files(folder: &Path) -> Result<[PathBuf; 3], Box<dyn std::error::Error>> {
    let employers = folder.join("don-vi.xlsx");
    workbook(
        &employers,
        &[
            "Mã số thuế",
            "Tên đơn vị",
            "Loại hình",
            "Mã xã",
            "Người liên hệ",
            "Điện thoại liên hệ",
        ],
        &[
            vec![
                // Excel took the tax code for a number and dropped its leading zero.
                X::N(100_234_567.0),
                s("Công ty May Sơn La"),
                s("company"),
                s("03646"),
                s("Lò Thị Ỏn"),
                s("0912345678"),
            ],
            vec![
                s("5500123456"),
                s("Hợp tác xã chè Tà Xùa"),
                s("cooperative"),
                s("Xã Chiềng Ơn"),
                s("Hà Văn Thắm"),
                X::E,
            ],
        ],
    )?;
    let vacancies = folder.join("vi-tri.xlsx");
    workbook(
        &vacancies,
        &[
            "Mã số thuế",
            "Vị trí tuyển dụng",
            "Mã nghề",
            "Số lượng",
            "Mã xã",
            "Lương từ",
            "Hạn nộp hồ sơ",
        ],
        &[vec![
            s("0100234567"),
            s("Công nhân may công nghiệp"),
            s("8153"),
            X::N(20.0),
            s("03646"),
            s("5.500.000"),
            X::D(46_387.0),
        ]],
    )?;
    let courses = folder.join("khoa-hoc.xlsx");
    workbook(
        &courses,
        &[
            "Cơ sở đào tạo",
            "Tên khóa học",
            "Mã nghề đào tạo",
            "Trình độ đào tạo",
            "Mã xã",
            "Ngày khai giảng",
            "Ngày kết thúc",
            "Số chỗ",
            "Học phí",
            "Hỗ trợ",
        ],
        &[vec![
            s("Trung tâm Dịch vụ việc làm"),
            s("May công nghiệp"),
            s("8153, 7533"),
            s("under_3_months"),
            s("03646"),
            s("07/12/2026"),
            s("28/02/2027"),
            X::N(30.0),
            X::N(2_000_000.0),
            X::N(2_000_000.0),
        ]],
    )?;
    Ok([employers, vacancies, courses])
}

/// Uploads a file to `POST /api/v1/imports` and polls its job until it ends.
fn upload(
    app: &TestApp,
    token: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let form = reqwest::blocking::multipart::Form::new()
        .text("kind", kind.to_owned())
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let response = client()
        .post(app.url("/api/v1/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()?;
    let answer = Answer::from(response)?;
    assert_eq!(answer.status, 202, "{kind} {name}: {:?}", answer.body);
    let location = answer
        .headers
        .get("location")
        .ok_or("no Location")?
        .to_str()?
        .to_owned();
    for _ in 0..600 {
        let job = app.get(&location, Some(token))?;
        assert_eq!(job.status, 200, "{:?}", job.body);
        if job.body["status"] != "running" {
            return Ok(job.body);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(format!("{kind} {name}: the job did not end in a minute").into())
}

fn counts(job: &serde_json::Value) -> [u64; 4] {
    ["created", "updated", "unchanged", "rejected"]
        .map(|field| job["report"][field].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn every_registry_exported_as_xlsx_and_csv_imports_back_unchanged_through_the_api() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let [employers, vacancies, courses] = catalogue_files(folder.path())?;
        let households_file = folder.path().join("ho.xlsx");
        workbook(&households_file, HOUSEHOLD_HEADER, &household_rows())?;
        let workers_file = folder.path().join("nguoi.xlsx");
        workbook(
            &workers_file,
            WORKER_HEADER,
            &[
                worker_row(1, "Lò Thị Ỏn", "Phường Tô Hiệu"),
                worker_row(2, "Hà Văn Thắm", "Xã Chiềng Ơn"),
            ],
        )?;
        let app = spawn_app(db)?;
        let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
        for (kind, file, created) in [
            ("households", &households_file, 3),
            ("workers", &workers_file, 2),
            ("employers", &employers, 2),
            ("vacancies", &vacancies, 1),
            ("courses", &courses, 1),
        ] {
            let job = upload(&app, &staff, kind, "danh-sach.xlsx", std::fs::read(file)?)?;
            assert_eq!(job["status"], "done", "{backend} {kind}: {job}");
            assert_eq!(counts(&job), [created, 0, 0, 0], "{backend} {kind}: {job}");
            assert_eq!(job["done"], created, "{backend} {kind}");
        }
        // The tax code came back with its leading zero, and the vacancy found its employer.
        let found = app.get("/api/v1/employers", Some(&staff))?;
        assert!(
            found.body.to_string().contains("0100234567"),
            "{backend}: {}",
            found.body
        );
        // A workers' export carries what was imported, under the same headers.
        let export = client()
            .get(app.url("/api/v1/exports/workers?format=csv"))
            .bearer_auth(&staff)
            .send()?;
        assert_eq!(export.status(), 200, "{backend}");
        let text = String::from_utf8(export.bytes()?.to_vec())?;
        assert!(
            text.starts_with("\u{feff}Mã hệ thống,Họ và tên,Số CCCD,Ngày sinh"),
            "{text}"
        );
        assert!(
            text.contains("Lò Thị Ỏn,014195000001,12/04/1995,Nữ"),
            "{text}"
        );
        for kind in ["households", "workers", "employers", "vacancies", "courses"] {
            for format in ["xlsx", "csv"] {
                let export = client()
                    .get(app.url(&format!("/api/v1/exports/{kind}?format={format}")))
                    .bearer_auth(&staff)
                    .send()?;
                assert_eq!(export.status(), 200, "{backend} {kind} {format}");
                let bytes = export.bytes()?.to_vec();
                let job = upload(&app, &staff, kind, &format!("{kind}.{format}"), bytes)?;
                let rows = job["report"]["rows"].as_u64().unwrap_or(0);
                assert!(rows > 0, "{backend} {kind} {format}: {job}");
                assert_eq!(
                    counts(&job),
                    [0, 0, rows, 0],
                    "{backend} {kind} {format}: the round trip changed something: {job}"
                );
            }
        }
        // Bad requests are named; other roles are refused; a job is its owner's.
        let trainee = app.sign_in_as("hocvien@example.vn", "trainee", Link::None)?;
        let refused = client()
            .post(app.url("/api/v1/imports"))
            .bearer_auth(&trainee)
            .multipart(reqwest::blocking::multipart::Form::new().text("kind", "households"))
            .send()?;
        assert_eq!(refused.status(), 403, "{backend}");
        let missing = Answer::from(
            client()
                .post(app.url("/api/v1/imports"))
                .bearer_auth(&staff)
                .multipart(reqwest::blocking::multipart::Form::new().text("kind", "cows"))
                .send()?,
        )?;
        assert_eq!(missing.status, 422, "{backend}: {:?}", missing.body);
        let mut named = missing.field_errors();
        named.sort();
        assert_eq!(
            named,
            [
                ("file".to_owned(), "required".to_owned()),
                ("kind".to_owned(), "invalid_choice".to_owned())
            ],
            "{backend}"
        );
        let bad_format = app.get("/api/v1/exports/workers?format=pdf", Some(&staff))?;
        assert_eq!(bad_format.status, 422, "{backend}");
        let other = app.sign_in_as("canbo2@example.vn", "staff", Link::None)?;
        let job = upload(
            &app,
            &staff,
            "employers",
            "e.xlsx",
            std::fs::read(&employers)?,
        )?;
        let id = job["id"].as_str().ok_or("id")?;
        assert_eq!(
            app.get(&format!("/api/v1/imports/{id}"), Some(&other))?
                .status,
            404
        );
    }
    Ok(())
}

#[test]
fn an_import_with_the_rejected_rows_workbook_over_the_api() -> TestResult {
    let db = sqlite_db();
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("nguoi.xlsx");
    let mut rows = vec![
        worker_row(1, "Lò Thị Ỏn", "Phường Tô Hiệu"),
        worker_row(2, "Hà Văn Thắm", "Xã Không Có"),
    ];
    rows[0][4] = s("12345");
    workbook(&file, WORKER_HEADER, &rows)?;
    let app = spawn_app(db)?;
    let staff = app.sign_in_as("canbo@example.vn", "staff", Link::None)?;
    let job = upload(&app, &staff, "workers", "nguoi.xlsx", std::fs::read(&file)?)?;
    assert_eq!(counts(&job), [0, 0, 0, 2], "{job}");
    assert_eq!(job["report"]["committed"], false);
    let errors = client()
        .get(app.url(&format!(
            "/api/v1/imports/{}/errors.xlsx",
            job["id"].as_str().ok_or("id")?
        )))
        .bearer_auth(&staff)
        .send()?;
    assert_eq!(errors.status(), 200);
    let saved = folder.path().join("loi.xlsx");
    std::fs::write(&saved, errors.bytes()?)?;
    let back = ketnoi::import::sheet::read(&saved)?;
    let text: Vec<String> = back
        .iter()
        .map(|row| {
            row.cells
                .iter()
                .map(|cell| cell.display())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(text[0].ends_with("Lý do"), "{text:?}");
    assert!(
        text[1].contains("Số CCCD phải gồm đúng 12 chữ số."),
        "{text:?}"
    );
    Ok(())
}

/// A district's list of 9,000 households whose last row names a commune that does not exist.
fn district_list(path: &Path, rows: usize) -> TestResult {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    for (column, name) in HOUSEHOLD_HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *name)?;
    }
    for index in 0..rows {
        let at = 1 + index as u32;
        sheet.write_number(at, 0, (index + 1) as f64)?;
        sheet.write_string(at, 1, format!("MS-{index:05}"))?;
        sheet.write_string(at, 2, "Quàng Văn Ún")?;
        sheet.write_string(at, 3, "Thái")?;
        let commune = if index + 1 == rows {
            "Xã Không Có"
        } else {
            "03646"
        };
        sheet.write_string(at, 4, commune)?;
        sheet.write_number(at, 5, 4.0)?;
        sheet.write_number(at, 6, 1_100_000.0)?;
        sheet.write_string(at, 7, "health_insurance")?;
    }
    book.save(path)?;
    Ok(())
}

#[test]
fn an_all_or_nothing_import_failing_on_row_9000_keeps_nothing_and_valid_rows_keeps_the_rest()
-> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("huyen.xlsx");
        district_list(&path, 9_000)?;
        let report = run(&db, &path, &options(Kind::Households, Mode::AllOrNothing))?;
        assert_eq!((report.rows, report.rejected), (9_000, 1), "{backend}");
        assert_eq!(
            report.errors[0].row, 9_001,
            "{backend}: the header is row 1"
        );
        assert_eq!(report.errors[0].column, "Xã", "{backend}");
        assert!(!report.committed, "{backend}");
        let mut connection = db.migrated()?;
        let kept: i64 = households::table.count().get_result(&mut connection)?;
        assert_eq!(kept, 0, "{backend}: all-or-nothing kept rows");
        let facts: i64 = ketnoi::db::schema::progress_facts::table
            .count()
            .get_result(&mut connection)?;
        assert_eq!(facts, 0, "{backend}: all-or-nothing kept progress facts");
        let report = run(&db, &path, &options(Kind::Households, Mode::ValidRows))?;
        assert_eq!((report.created, report.rejected), (8_999, 1), "{backend}");
        let kept: i64 = households::table.count().get_result(&mut connection)?;
        assert_eq!(kept, 8_999, "{backend}");
        // The counts the import kept are those a rebuild derives from the records.
        let before = progress_counts(&mut connection)?;
        assert!(!before.is_empty(), "{backend}");
        ketnoi::progress::facts::rebuild(&mut connection, &mut |_| {})?;
        assert_eq!(progress_counts(&mut connection)?, before, "{backend}");
    }
    Ok(())
}

/// Period, key, household status and count of each bucket that holds something.
type Counts = Vec<(String, String, String, i64)>;

fn progress_counts(
    connection: &mut ketnoi::db::DbConn,
) -> Result<Counts, Box<dyn std::error::Error>> {
    use ketnoi::db::schema::progress_counts as c;
    let mut rows: Counts = c::table
        .filter(c::n.ne(0))
        .select((c::period_code, c::key, c::household_status, c::n))
        .load(connection)?;
    rows.sort();
    Ok(rows)
}

#[test]
fn a_list_saved_by_libreoffice_as_ods_imports() -> TestResult {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ho-ngheo-libreoffice.ods");
    for db in test_dbs() {
        let backend = db.backend_name();
        let report = run(
            &db,
            &fixture,
            &options(Kind::Households, Mode::AllOrNothing),
        )?;
        assert_eq!(
            (report.created, report.rejected),
            (3, 0),
            "{backend}: {:?}",
            report.errors
        );
        let mut connection = db.migrated()?;
        let names: Vec<String> = households::table
            .order(households::code)
            .select(households::head_name)
            .load(&mut connection)?;
        assert_eq!(
            names,
            ["Lò Văn Piếng", "Giàng A Dế", "Hà Thị Xuân"],
            "{backend}"
        );
        let again = run(
            &db,
            &fixture,
            &options(Kind::Households, Mode::AllOrNothing),
        )?;
        assert_eq!(again.unchanged, 3, "{backend}");
    }
    Ok(())
}

/// A worker list as a commune sends it, saved by LibreOffice Calc as .xlsx from
/// `tests/fixtures/lao-dong-libreoffice.fods`: a merged two-row title, headers in capitals and
/// with commas, a name in decomposed Unicode, date cells beside a typed date, a CCCD that lost
/// its leading zero as a number, a name with trailing spaces, an ethnic group without accents, a
/// commune by its pre-2025 name, schooling written `9/12`, `THCS`, `Tiểu học`; row 8 repeats the
/// CCCD of row 5 and row 9 names a commune that does not exist.
#[test]
fn a_worker_list_saved_by_libreoffice_as_xlsx_imports() -> TestResult {
    use ketnoi::db::schema::admin_units;
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lao-dong-libreoffice.xlsx");
    for db in test_dbs() {
        let backend = db.backend_name();
        let refused = run(&db, &fixture, &options(Kind::Workers, Mode::AllOrNothing))?;
        let mut errors: Vec<(usize, &str, &str, &str)> = refused
            .errors
            .iter()
            .map(|error| {
                (
                    error.row,
                    error.column.as_str(),
                    error.value.as_str(),
                    error.code.as_str(),
                )
            })
            .collect();
        errors.sort();
        assert_eq!(
            errors,
            [
                (8, "Số CCCD", "014195000101", "duplicate_in_file"),
                (9, "Xã, phường", "Xã Mường Không Có", "unknown_commune"),
            ],
            "{backend}"
        );
        assert!(
            refused.errors.iter().any(|error| error.message
                == "Không có xã, phường, thị trấn nào mang mã hoặc tên này \
                    (kể cả tên trước khi sắp xếp năm 2025)."),
            "{backend}: {:?}",
            refused.errors
        );
        let mut connection = db.migrated()?;
        let count: i64 = workers::table.count().get_result(&mut connection)?;
        assert_eq!(count, 0, "{backend}: all or nothing");

        let kept = run(&db, &fixture, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!((kept.created, kept.rejected), (3, 2), "{backend}");
        let stored: Vec<(String, String, chrono::NaiveDate, String, String, String)> =
            workers::table
                .inner_join(admin_units::table.on(admin_units::id.eq(workers::commune_id)))
                .order(workers::national_id)
                .select((
                    workers::national_id.assume_not_null(),
                    workers::full_name,
                    workers::birth_date,
                    workers::ethnicity_code,
                    admin_units::code,
                    workers::education_level,
                ))
                .load(&mut connection)?;
        let expected = [
            (
                "014188000102",
                "Hà Văn Thắm",
                "1988-07-03".to_owned(),
                "03",
                "03703",
                "lower_secondary",
            ),
            (
                "014195000101",
                "Lò Thị Ỏn",
                "1995-04-12".to_owned(),
                "03",
                "03703",
                "lower_secondary",
            ),
            (
                "014201000103",
                "Giàng A Dế",
                "2001-01-20".to_owned(),
                "08",
                "03703",
                "primary",
            ),
        ];
        let stored: Vec<(&str, &str, String, &str, &str, &str)> = stored
            .iter()
            .map(|(id, name, born, ethnicity, commune, schooling)| {
                (
                    id.as_str(),
                    name.as_str(),
                    born.to_string(),
                    ethnicity.as_str(),
                    commune.as_str(),
                    schooling.as_str(),
                )
            })
            .collect();
        assert_eq!(stored, expected, "{backend}");

        let again = run(&db, &fixture, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!(
            (
                again.created,
                again.updated,
                again.unchanged,
                again.rejected
            ),
            (0, 0, 3, 2),
            "{backend}"
        );
    }
    Ok(())
}

/// A commune's review list of 2025, then of 2026 with higher incomes: each row is that year's
/// review, the households above the line are newly escaped in 2026, importing the 2026 list
/// again changes nothing, a household missing from it keeps its reviews, and a row naming
/// another year is refused.
#[test]
fn a_years_review_list_records_that_years_reviews() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let rows = household_rows();
        let first = folder.path().join("ra-soat-2025.xlsx");
        workbook(&first, HOUSEHOLD_HEADER, &rows)?;
        let review = |year| Options {
            review_year: Some(year),
            ..options(Kind::Households, Mode::AllOrNothing)
        };
        let report = run(&db, &first, &review(2025))?;
        assert_eq!(
            (report.created, report.rejected),
            (3, 0),
            "{backend}: {report:?}"
        );
        // 2026: the first two households earn 2.5 M a person; the third is not on the list.
        let mut later: Vec<Vec<X>> = rows[..2].to_vec();
        for row in &mut later {
            row[6] = X::N(2_500_000.0);
        }
        let second = folder.path().join("ra-soat-2026.xlsx");
        workbook(&second, HOUSEHOLD_HEADER, &later)?;
        let report = run(&db, &second, &review(2026))?;
        assert_eq!(
            (report.updated, report.rejected),
            (2, 0),
            "{backend}: {report:?}"
        );
        let again = run(&db, &second, &review(2026))?;
        assert_eq!(
            (again.unchanged, again.updated),
            (2, 0),
            "{backend}: {again:?}"
        );
        let mut connection = db.migrated()?;
        let status = |connection: &mut ketnoi::db::DbConn, code: &str, year| {
            let id = ketnoi::models::households::live_id_by_code(connection, code)
                .ok()
                .flatten()
                .unwrap_or_default();
            ketnoi::models::household_reviews::status_in(connection, &id, year)
                .ok()
                .flatten()
                .map(|status| status.as_str().to_owned())
        };
        assert_eq!(
            status(&mut connection, "SL-001", 2026).as_deref(),
            Some("newly_escaped")
        );
        assert_eq!(
            status(&mut connection, "SL-002", 2026).as_deref(),
            Some("newly_escaped")
        );
        assert_eq!(
            status(&mut connection, "SL-001", 2025).as_deref(),
            Some("poor")
        );
        let kept = ketnoi::models::households::live_id_by_code(&mut connection, "SL-003")?
            .ok_or("SL-003")?;
        let reviews = ketnoi::models::household_reviews::of_household(&mut connection, &kept)?;
        assert_eq!(
            reviews.iter().map(|review| review.year).collect::<Vec<_>>(),
            [2025]
        );
        // A row of the 2026 list that names 2024 is refused, naming the year.
        let mut header = HOUSEHOLD_HEADER.to_vec();
        header.push("Năm rà soát");
        let mut wrong = later[..1].to_vec();
        wrong[0].push(X::N(2024.0));
        let third = folder.path().join("ra-soat-sai-nam.xlsx");
        workbook(&third, &header, &wrong)?;
        let refused = run(&db, &third, &review(2026))?;
        assert_eq!(refused.rejected, 1, "{backend}: {refused:?}");
        assert_eq!(refused.errors[0].field, "review_year");
    }
    Ok(())
}
