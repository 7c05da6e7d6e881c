//! Occupations in a commune's list as people write them: a code, a name, a common spelling,
//! accents or not; a name that fits several occupations is refused naming them, and every
//! refusal names the column as the file writes it and the value.

use diesel::prelude::*;
use ketnoi::db::schema::{worker_occupations, workers};
use ketnoi::import::{Kind, Mode};

use crate::helpers::{TestResult, test_dbs};
use crate::imports::{WORKER_HEADER, X, options, run, s, workbook, worker_row};

#[test]
fn a_worker_list_names_its_occupations_by_name() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("lao-dong.xlsx");
        let mut header = WORKER_HEADER.to_vec();
        header.push("Nghề mong muốn");
        let written = [
            "Công nhân may",
            "cong nhan may",
            "Phụ hồ; bốc vác",
            "8153",
            "cong nhan van hanh may",
            "Người săn ma",
            // Beyond the common occupations: the whole classification, accents optional.
            "tho det tho cam",
        ];
        let rows: Vec<Vec<X>> = written
            .iter()
            .enumerate()
            .map(|(index, occupation)| {
                let mut row = worker_row(index as u32 + 1, "Lò Thị Ỏn", "03649");
                row.push(s(occupation));
                row
            })
            .collect();
        workbook(&path, &header, &rows)?;

        let report = run(&db, &path, &options(Kind::Workers, Mode::ValidRows))?;
        assert_eq!(
            (report.created, report.rejected),
            (5, 2),
            "{backend}: {:?}",
            report.errors
        );
        // Rows 5 and 6 of the table (sheet rows 9 and 10): the column and value named.
        let mut refused: Vec<(usize, String, String, String)> = report
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
        refused.sort();
        assert_eq!(
            refused,
            [
                (
                    9,
                    "Nghề mong muốn".to_owned(),
                    "cong nhan van hanh may".to_owned(),
                    "ambiguous_occupation".to_owned()
                ),
                (
                    10,
                    "Nghề mong muốn".to_owned(),
                    "Người săn ma".to_owned(),
                    "unknown_occupation_name".to_owned()
                ),
            ],
            "{backend}"
        );
        let ambiguous = report
            .errors
            .iter()
            .find(|error| error.code == "ambiguous_occupation")
            .ok_or("ambiguous")?;
        assert!(
            ambiguous.message.contains("(8153)") && ambiguous.message.contains("(8160)"),
            "{}",
            ambiguous.message
        );

        let mut connection = db.migrated()?;
        let stored: Vec<(String, String)> = workers::table
            .inner_join(worker_occupations::table)
            .order((workers::national_id, worker_occupations::occupation_code))
            .select((
                workers::national_id.assume_not_null(),
                worker_occupations::occupation_code,
            ))
            .load(&mut connection)?;
        assert_eq!(
            stored,
            [
                ("014195000001", "8153"),
                ("014195000002", "8153"),
                ("014195000003", "9313"),
                ("014195000003", "9333"),
                ("014195000004", "8153"),
                ("014195000007", "7318"),
            ]
            .map(|(id, code)| (id.to_owned(), code.to_owned())),
            "{backend}"
        );
    }
    Ok(())
}
