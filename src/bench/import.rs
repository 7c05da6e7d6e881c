//! `ketnoi bench import --rows N`: a generated household list as a commune would send it,
//! imported, then imported again.

use std::time::Instant;

use diesel::prelude::*;
use rust_xlsxwriter::Workbook;

use crate::accounts::Principal;
use crate::config::Settings;
use crate::db::schema::admin_units;
use crate::i18n::Lang;
use crate::import::{Kind, Mode, Options};
use crate::startup;

const DEPRIVATIONS: &[&str] = &[
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "housing_area",
    "drinking_water",
    "sanitation",
    "telecom",
    "information_access",
];

pub fn run(settings: &Settings, rows: usize) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let communes: Vec<String> = admin_units::table
        .filter(admin_units::kind.eq_any(["commune", "ward"]))
        .filter(admin_units::valid_to.is_null())
        .select(admin_units::code)
        .order(admin_units::code)
        .load(&mut connection)?;
    anyhow::ensure!(!communes.is_empty(), "no communes in the reference data");
    let folder = tempfile_folder()?;
    let path = folder.join(format!("ho-ngheo-{rows}.xlsx"));
    let started = Instant::now();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.write_string(0, 0, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO")?;
    let header = [
        "STT",
        "Mã hộ",
        "Họ và tên chủ hộ",
        "Dân tộc",
        "Mã xã",
        "Số nhân khẩu",
        "Thu nhập bình quân",
        "Chỉ số thiếu hụt",
    ];
    for (column, name) in header.iter().enumerate() {
        sheet.write_string(2, column as u16, *name)?;
    }
    for index in 0..rows {
        let at = 3 + index as u32;
        let deprived: Vec<&str> = (0..(index % 6))
            .map(|step| DEPRIVATIONS[(index + step * 5) % DEPRIVATIONS.len()])
            .collect();
        sheet.write_number(at, 0, (index + 1) as f64)?;
        sheet.write_string(at, 1, format!("BENCH-{index:07}"))?;
        sheet.write_string(at, 2, "Lò Văn Piếng")?;
        sheet.write_string(at, 3, ["03", "08", "01", "06"][index % 4])?;
        sheet.write_string(at, 4, &communes[index % communes.len()])?;
        sheet.write_number(at, 5, (2 + index % 6) as f64)?;
        sheet.write_number(at, 6, (600_000 + (index % 20) * 100_000) as f64)?;
        sheet.write_string(at, 7, deprived.join(", "))?;
    }
    book.save(&path)?;
    let written = started.elapsed().as_secs_f64();
    let options = Options {
        kind: Kind::Households,
        mode: Mode::AllOrNothing,
        dry_run: false,
        lang: Lang::Vi,
        review_year: None,
    };
    for pass in ["first", "again"] {
        let started = Instant::now();
        let (report, _) = crate::import::import_file(
            &mut connection,
            &Principal::operator(),
            &path,
            &options,
            &mut |_, _| {},
        )
        .map_err(|error| anyhow::anyhow!("{error}"))?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({
                "bench": "import",
                "pass": pass,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.rejected,
                "seconds": seconds,
                "rows_per_second": report.rows as f64 / seconds,
                "xlsx_written_seconds": written,
                "backend": settings.database_url.to_string(),
            })
        );
    }
    std::fs::remove_dir_all(&folder).ok();
    Ok(())
}

fn tempfile_folder() -> anyhow::Result<std::path::PathBuf> {
    let folder = std::env::temp_dir().join(format!("ketnoi-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    Ok(folder)
}
