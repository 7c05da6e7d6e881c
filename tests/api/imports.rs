//! Imports of commune lists from real spreadsheet files (written with rust_xlsxwriter, and CSV
//! and UTF-16 text as Excel saves them), through the `ketnoi import` binary and the library.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use ketnoi::accounts::Principal;
use ketnoi::db::schema::{households, workers};
use ketnoi::i18n::Lang;
use ketnoi::import::{self, ImportReport, Kind, Mode, Options};
use rust_xlsxwriter::{Format, Workbook};
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{TestDb, TestResult, sqlite_db, test_dbs};

#[derive(Clone)]
enum X {
    S(String),
    N(f64),
    /// An Excel date: a serial number shown as dd/mm/yyyy.
    D(f64),
    E,
}

fn s(text: &str) -> X {
    X::S(text.to_owned())
}

/// A workbook as communes make them: a merged title, a subtitle, an empty row, then the table.
fn workbook(path: &Path, header: &[&str], rows: &[Vec<X>]) -> TestResult {
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

fn options(kind: Kind, mode: Mode) -> Options {
    Options {
        kind,
        mode,
        dry_run: false,
        lang: Lang::Vi,
    }
}

fn run(
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
            s("nutrition;sanitation;telecom;child_schooling"),
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

const WORKER_HEADER: &[&str] = &[
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
fn worker_row(n: u32, name: &str, commune: &str) -> Vec<X> {
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
    assert!(stdout.contains("Dòng 6, Ngày sinh"), "{stdout}");
    assert!(stdout.contains("nothing kept"), "{stdout}");
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
