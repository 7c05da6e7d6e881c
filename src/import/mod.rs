//! Imports of the lists communes keep in spreadsheets. Each row goes through the registry's own
//! create or update (the same validation, audit, search changes and progress counts as the
//! API), upserted by its natural key: a household by its code, a worker by CCCD. A row that
//! would change nothing is left alone and counted `unchanged`, so importing a file twice
//! changes nothing the second time.
//!
//! `all-or-nothing` (default) runs the file in one transaction and keeps none of it when a row
//! is rejected; `valid-rows` keeps the good rows. Each row runs in a savepoint, so a rejected
//! row never leaves half of itself behind; a process killed mid-import leaves nothing, as the
//! transaction never committed.

pub mod columns;
pub mod export;
pub mod jobs;
pub mod limits;
pub mod lists;
pub mod sheet;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use self::columns::{Choice, Column, Value};
use self::sheet::{Cell, Row};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::text;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::registry;

mod convert;
mod errors;
mod records;
mod upsert;

pub use errors::errors_workbook;
use {convert::*, errors::*, upsert::*};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Households,
    Workers,
    Employers,
    Vacancies,
    Courses,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Households,
        Kind::Workers,
        Kind::Employers,
        Kind::Vacancies,
        Kind::Courses,
    ];

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == raw)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Workers => "workers",
            Kind::Employers => "employers",
            Kind::Vacancies => "vacancies",
            Kind::Courses => "courses",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Households => columns::HOUSEHOLDS,
            Kind::Workers => columns::WORKERS,
            Kind::Employers => columns::EMPLOYERS,
            Kind::Vacancies => columns::VACANCIES,
            Kind::Courses => columns::COURSES,
        }
    }

    /// The column that reads `field`.
    /// The column of a field (`desired_occupations[1]` is in `desired_occupations`).
    fn column(self, field: &str) -> Option<&'static Column> {
        let field = field.split('[').next().unwrap_or(field);
        self.columns().iter().find(|column| column.field == field)
    }

    /// The columns a row is found again by: its natural key. A vacancy has no code of its
    /// own, so it is its employer's and its title; a course its provider's, title and start.
    /// Two open vacancies may share those and a worker may have no CCCD yet, so exports of
    /// workers, vacancies and courses also carry the record's id (`Mã hệ thống`), which finds
    /// the row first when present.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Households => &["code"],
            Kind::Workers => &["national_id"],
            Kind::Employers => &["tax_code"],
            Kind::Vacancies => &["employer_id", "title"],
            Kind::Courses => &["provider", "title", "starts_on"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    AllOrNothing,
    ValidRows,
}

impl Mode {
    pub fn parse(raw: &str) -> Option<Mode> {
        match raw {
            "all-or-nothing" => Some(Mode::AllOrNothing),
            "valid-rows" => Some(Mode::ValidRows),
            _ => None,
        }
    }
}

/// One rejected row: where, what, and why.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    /// The header as the file writes it (empty when the row as a whole is at fault).
    pub column: String,
    pub value: String,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: Kind,
    pub mode: Mode,
    pub dry_run: bool,
    /// Whether the rows below were kept.
    pub committed: bool,
    /// The header's row number.
    pub header_row: usize,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Sheet(#[from] sheet::SheetError),
    #[error("{0}")]
    Header(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Unexpected(String),
}

impl ImportError {
    /// Why the import failed, in `lang`, for the person who started it: no server path, no
    /// database internals.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImportError::Sheet(error) => error.message(lang),
            ImportError::Header(message) => message.clone(),
            ImportError::Database(_) | ImportError::Unexpected(_) => {
                tracing::error!(error = %self, "import failed");
                jobs::failure_message(lang)
            }
        }
    }
}

pub struct Options {
    pub kind: Kind,
    pub mode: Mode,
    pub dry_run: bool,
    pub lang: Lang,
    /// A households list of this year's poverty review: each row is that year's review (a row
    /// naming another year is refused).
    pub review_year: Option<i32>,
}

/// Imports a file; `progress` hears how many data rows are done.
pub fn import_file(
    connection: &mut DbConn,
    principal: &Principal,
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(ImportReport, Vec<Row>), ImportError> {
    let rows = sheet::read(path)?;
    let report = import_rows(connection, principal, &rows, options, progress)?;
    Ok((report, rows))
}

/// Where each known column is, found in the first rows that name at least two of them (title
/// rows above the header are skipped).
fn locate_header(rows: &[Row], kind: Kind) -> Option<(usize, Vec<(usize, &'static Column)>)> {
    rows.iter().enumerate().take(30).find_map(|(index, row)| {
        let mut found: Vec<(usize, &'static Column)> = Vec::new();
        for (position, cell) in row.cells.iter().enumerate() {
            if let Cell::Text(header) = cell
                && let Some(column) = columns::find(kind.columns(), header)
                && !found.iter().any(|(_, known)| known.field == column.field)
            {
                found.push((position, column));
            }
        }
        let keyed = kind
            .keys()
            .iter()
            .all(|key| found.iter().any(|(_, column)| column.field == *key));
        (found.len() >= 2 && keyed).then_some((index, found))
    })
}

pub fn import_rows(
    connection: &mut DbConn,
    principal: &Principal,
    rows: &[Row],
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let kind = options.kind;
    let Some((header_index, located)) = locate_header(rows, kind) else {
        return Err(missing_header(kind, options.lang));
    };
    let headers: HashMap<&str, (String, usize)> = located
        .iter()
        .map(|(position, column)| {
            (
                column.field,
                (rows[header_index].cells[*position].display(), *position),
            )
        })
        .collect();
    let data: Vec<&Row> = rows[header_index + 1..]
        .iter()
        .filter(|row| row.cells.iter().any(|cell| !cell.is_empty()))
        .collect();
    let mut report = ImportReport {
        kind,
        mode: options.mode,
        dry_run: options.dry_run,
        committed: false,
        header_row: rows[header_index].number,
        rows: data.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        errors: Vec::new(),
    };
    let mut lookups = Lookups::load(connection, options.lang)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let context = RowContext {
        principal,
        kind,
        located: &located,
        headers: &headers,
        lang: options.lang,
        review_year: options.review_year.filter(|_| kind == Kind::Households),
    };
    let outcome = connection.write_transaction(|connection| {
        let mut done = 0;
        for chunk in data.chunks(CHUNK_ROWS) {
            let results = import_chunk(connection, &mut lookups, &mut seen, &context, chunk)?;
            for result in results {
                match result {
                    RowResult::Created(_) => report.created += 1,
                    RowResult::Updated => report.updated += 1,
                    RowResult::Unchanged => report.unchanged += 1,
                    RowResult::Rejected(errors) | RowResult::Refused(errors) => {
                        report.rejected += 1;
                        report.errors.extend(errors);
                    }
                }
                done += 1;
            }
            progress(done, data.len());
        }
        let keep = !options.dry_run && (report.rejected == 0 || options.mode == Mode::ValidRows);
        if keep {
            Ok(())
        } else {
            Err(diesel::result::Error::RollbackTransaction)
        }
    });
    match outcome {
        Ok(()) => report.committed = true,
        Err(diesel::result::Error::RollbackTransaction) => report.committed = false,
        Err(error) => return Err(error.into()),
    }
    Ok(report)
}

/// No header row found: which key columns it needs, in `lang`.
fn missing_header(kind: Kind, lang: Lang) -> ImportError {
    let language = usize::from(lang == Lang::En);
    let wanted: Vec<&str> = kind
        .columns()
        .iter()
        .filter(|column| kind.keys().contains(&column.field))
        .map(|column| column.header[language])
        .collect();
    ImportError::Header(match lang {
        Lang::Vi => format!(
            "Không tìm thấy dòng tiêu đề trong 30 dòng đầu: cần (các) cột khóa ({}) và ít nhất một cột khác.",
            wanted.join(", ")
        ),
        Lang::En => format!(
            "No header row in the first 30 rows: it needs the key column(s) ({}) and at least one other.",
            wanted.join(", ")
        ),
    })
}

/// One chunk of rows. It runs in one savepoint without one per row. A row the registry
/// refuses may have written part of itself (and on PostgreSQL a failed statement spoils the
/// transaction), so then the chunk is undone and run again with a savepoint per row.
fn import_chunk(
    connection: &mut DbConn,
    lookups: &mut Lookups,
    seen: &mut HashMap<String, usize>,
    context: &RowContext,
    chunk: &[&Row],
) -> QueryResult<Vec<RowResult>> {
    let mut results = Vec::with_capacity(chunk.len());
    let fast = connection.write_transaction(|connection| {
        for row in chunk {
            let result = import_row(connection, lookups, seen, context, row, false)?;
            if matches!(result, RowResult::Refused(_)) {
                return Err(diesel::result::Error::RollbackTransaction);
            }
            results.push(result);
        }
        refresh_created(connection, &results)
    });
    match fast {
        Ok(()) => Ok(results),
        Err(diesel::result::Error::RollbackTransaction) => {
            let numbers: std::collections::HashSet<usize> =
                chunk.iter().map(|row| row.number).collect();
            seen.retain(|_, first| !numbers.contains(first));
            results.clear();
            for row in chunk {
                results.push(import_row(connection, lookups, seen, context, row, true)?);
            }
            refresh_created(connection, &results)?;
            Ok(results)
        }
        Err(error) => Err(error),
    }
}

/// Derives the progress facts of the households a chunk created, in one go.
fn refresh_created(connection: &mut DbConn, results: &[RowResult]) -> QueryResult<()> {
    let created: Vec<String> = results
        .iter()
        .filter_map(|result| match result {
            RowResult::Created(Some(id)) => Some(id.clone()),
            _ => None,
        })
        .collect();
    crate::effects::households_imported(connection, &created)
}

/// Rows written between savepoints: enough that SQLite's savepoint journal is not paid per row,
/// few enough that a refused row costs little to run again.
const CHUNK_ROWS: usize = 500;

/// What every row of one import shares.
struct RowContext<'a> {
    principal: &'a Principal,
    kind: Kind,
    located: &'a [(usize, &'static Column)],
    /// Field → the header as the file writes it, and its position.
    headers: &'a HashMap<&'static str, (String, usize)>,
    lang: Lang,
    review_year: Option<i32>,
}

enum RowResult {
    /// With the id of a household whose progress facts are still to be derived.
    Created(Option<String>),
    Updated,
    Unchanged,
    /// Refused before anything was written: the row could not be read or repeats an earlier one.
    Rejected(Vec<RowError>),
    /// Refused by the registry, which may have written part of the row first.
    Refused(Vec<RowError>),
}

/// One data row: read, checked against the file's earlier rows, upserted. With `savepoint`,
/// a row the registry refuses leaves nothing behind.
fn import_row(
    connection: &mut DbConn,
    lookups: &mut Lookups,
    seen: &mut HashMap<String, usize>,
    context: &RowContext,
    row: &Row,
    savepoint: bool,
) -> QueryResult<RowResult> {
    let kind = context.kind;
    let lang = context.lang;
    let converted = convert(connection, lookups, kind, context.located, row)?
        .and_then(|fields| of_review_year(fields, context, row));
    let result = match converted {
        Err(errors) => RowResult::Rejected(errors),
        Ok(fields) => {
            let key = ["id"]
                .iter()
                .filter(|_| fields.contains_key("id"))
                .chain(kind.keys().iter().filter(|_| !fields.contains_key("id")))
                .map(|key| {
                    fields
                        .get(*key)
                        .and_then(|value| value.as_str())
                        .map(text::fold)
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("\u{1f}");
            match seen.get(&key) {
                Some(first) => RowResult::Rejected(vec![RowError {
                    row: row.number,
                    column: String::new(),
                    value: String::new(),
                    field: kind.keys()[0].to_owned(),
                    code: "duplicate_in_file".to_owned(),
                    message: match lang {
                        Lang::Vi => format!("Trùng với dòng {first} của tệp."),
                        Lang::En => format!("The same as row {first} of the file."),
                    },
                }]),
                _ => {
                    seen.insert(key, row.number);
                    match upsert(connection, context.principal, kind, fields, savepoint)? {
                        Ok(Outcome::Created(pending)) => RowResult::Created(pending),
                        Ok(Outcome::Updated) => RowResult::Updated,
                        Ok(Outcome::Unchanged) => RowResult::Unchanged,
                        Err(error) => RowResult::Refused(describe(&error, row, kind, lang)),
                    }
                }
            }
        }
    };
    Ok(match result {
        RowResult::Rejected(errors) => RowResult::Rejected(complete(errors, context, row)),
        RowResult::Refused(errors) => RowResult::Refused(complete(errors, context, row)),
        other => other,
    })
}

/// A row of a year's review list is that year's review: the year is filled in, and a row that
/// names another year is refused.
fn of_review_year(
    mut fields: Fields,
    context: &RowContext,
    row: &Row,
) -> Result<Fields, Vec<RowError>> {
    let Some(year) = context.review_year else {
        return Ok(fields);
    };
    match fields
        .get("review_year")
        .and_then(serde_json::Value::as_i64)
    {
        Some(named) if named != i64::from(year) => Err(vec![RowError {
            row: row.number,
            column: String::new(),
            value: named.to_string(),
            field: "review_year".to_owned(),
            code: "review_year_differs".to_owned(),
            message: match context.lang {
                Lang::Vi => {
                    format!("Dòng ghi năm rà soát {named}, không phải {year} của danh sách.")
                }
                Lang::En => format!("The row names review year {named}, not the list's {year}."),
            },
        }]),
        _ => {
            fields.insert("review_year".to_owned(), year.into());
            Ok(fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheets_reasons_speak_of_cells_names_and_labels() {
        let education = Kind::Workers.column("education_level");
        let codes = [("choices", "none, primary".to_owned())];
        let vi = sheet_message("invalid_choice", Lang::Vi, &codes, education);
        assert!(vi.contains("Trung học cơ sở"), "{vi}");
        assert!(!vi.contains("lower_secondary"), "{vi}");
        let en = sheet_message("invalid_choice", Lang::En, &codes, education);
        assert!(en.contains("Lower secondary"), "{en}");
        // A column of free text keeps the registry's own list.
        let plain = sheet_message("invalid_choice", Lang::Vi, &codes, None);
        assert!(plain.ends_with("none, primary."), "{plain}");
        assert!(
            sheet_message("invalid_date", Lang::Vi, &[], None).contains("dd/mm/yyyy"),
            "a date as a spreadsheet writes it"
        );
    }
}
