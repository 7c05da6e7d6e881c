//! The workers registered for a job fair and the participants of a poverty-reduction model as
//! lists, like the registries: exported as .xlsx or .csv under headers the import reads back,
//! and imported from a list of CCCD numbers (with, for a fair, whether each came; for a model,
//! the start date, occupation, activity and expected income). A list names people already
//! registered; each row goes through the same use case as the page and the API (reach, dates,
//! the attendance service record, the fair's letter, the work record and its follow-ups). An
//! import is all or nothing: one refused row and none is kept, each refusal named by row and
//! column. A row already on the list is left as it is, so an export imports back unchanged.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;
use utoipa::ToSchema;

use super::RowError;
use super::convert::{boolean, date, digits, integer};
use super::export::{Format, Out, csv, xlsx};
use super::sheet::{self, Cell, Row};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::domain::text::fold;
use crate::error::AppError;
use crate::hiring::job_fairs::{self, FairWorkerInput};
use crate::hiring::livelihood::{self, ParticipantInput};
use crate::hiring::staff_only;
use crate::i18n::{Lang, field_message};
use crate::models;

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The workers registered for a fair.
    FairWorkers,
    /// The participants of a livelihood model.
    ModelParticipants,
}

/// A column: the field it carries and its header in Vietnamese and English.
struct ListColumn {
    field: &'static str,
    header: [&'static str; 2],
}

const fn column(field: &'static str, vi: &'static str, en: &'static str) -> ListColumn {
    ListColumn {
        field,
        header: [vi, en],
    }
}

const FAIR_COLUMNS: &[ListColumn] = &[
    column("full_name", "Họ và tên", "Full name"),
    column("national_id", "Số CCCD", "National ID"),
    column("birth_date", "Ngày sinh", "Birth date"),
    column("phone", "Điện thoại", "Phone"),
    column("commune_code", "Mã xã", "Commune code"),
    column("attended", "Đã tham dự", "Came"),
];

const MODEL_COLUMNS: &[ListColumn] = &[
    column("full_name", "Họ và tên", "Full name"),
    column("national_id", "Số CCCD", "National ID"),
    column("household_code", "Mã hộ", "Household code"),
    column("start_date", "Ngày bắt đầu", "Start date"),
    column("occupation_code", "Mã nghề", "Occupation code"),
    column("activity", "Hoạt động", "Activity"),
    column(
        "expected_income_vnd",
        "Thu nhập dự kiến (đồng/tháng)",
        "Expected income (₫/month)",
    ),
    column("active", "Còn tham gia", "Active"),
];

impl List {
    fn columns(self) -> &'static [ListColumn] {
        match self {
            List::FairWorkers => FAIR_COLUMNS,
            List::ModelParticipants => MODEL_COLUMNS,
        }
    }

    /// The downloaded file's name.
    pub fn file_name(self, format: Format) -> String {
        let name = match self {
            List::FairWorkers => "dang-ky-phien-giao-dich",
            List::ModelParticipants => "nguoi-tham-gia-mo-hinh",
        };
        format!("{name}.{}", format.extension())
    }

    fn sheet_name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (List::FairWorkers, Lang::Vi) => "Đăng ký phiên giao dịch",
            (List::FairWorkers, Lang::En) => "Fair registrations",
            (List::ModelParticipants, Lang::Vi) => "Người tham gia mô hình",
            (List::ModelParticipants, Lang::En) => "Model participants",
        }
    }

    /// The fair or model the list belongs to, or not found.
    fn parent(self, connection: &mut DbConn, id: &str) -> Result<(), AppError> {
        let found = match self {
            List::FairWorkers => models::job_fairs::find(connection, id)?.is_some(),
            List::ModelParticipants => models::livelihood_models::find(connection, id)?.is_some(),
        };
        found.then_some(()).ok_or(AppError::NotFound)
    }
}

/// What an import of a list did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListReport {
    /// Whether the rows were kept (none is, when one is refused).
    pub committed: bool,
    pub rows: usize,
    /// Rows that registered a worker, recorded that they came, or added a participant.
    pub written: usize,
    /// Rows already on the list.
    pub unchanged: usize,
    pub errors: Vec<RowError>,
}

fn yes_no(value: bool, lang: Lang) -> &'static str {
    match (value, lang) {
        (true, Lang::Vi) => "Có",
        (false, Lang::Vi) => "Không",
        (true, Lang::En) => "Yes",
        (false, Lang::En) => "No",
    }
}

fn text(value: impl Into<String>) -> Out {
    Out::Text(value.into())
}

/// The list of a fair or model within the caller's reach, as a file; every person listed is
/// audited as read.
pub fn export(
    connection: &mut DbConn,
    principal: &Principal,
    list: List,
    id: &str,
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, AppError> {
    staff_only(principal)?;
    list.parent(connection, id)?;
    let in_reach = |commune: &str| {
        principal
            .area_units
            .as_ref()
            .is_none_or(|units| units.iter().any(|unit| unit == commune))
    };
    let day = |day: chrono::NaiveDate| text(day.format("%d/%m/%Y").to_string());
    let mut listed = Vec::new();
    let mut rows: Vec<Vec<Out>> = Vec::new();
    match list {
        List::FairWorkers => {
            let registered = models::job_fairs::registrations(connection, id)?;
            let communes = models::admin_units::codes_and_names(
                connection,
                registered
                    .iter()
                    .map(|row| row.commune_id.clone())
                    .collect(),
            )?;
            for row in registered
                .into_iter()
                .filter(|row| in_reach(&row.commune_id))
            {
                let commune = communes.get(&row.commune_id).map(|(code, _)| code.clone());
                rows.push(vec![
                    text(row.full_name),
                    text(row.national_id.unwrap_or_default()),
                    day(row.birth_date),
                    text(row.phone.unwrap_or_default()),
                    text(commune.unwrap_or_default()),
                    text(yes_no(row.attended, lang)),
                ]);
                listed.push(row.worker_id);
            }
        }
        List::ModelParticipants => {
            for row in models::livelihood_models::participant_rows(connection, id)? {
                if !in_reach(&row.commune_id) {
                    continue;
                }
                rows.push(vec![
                    text(row.full_name),
                    text(row.national_id.unwrap_or_default()),
                    text(row.household_code.unwrap_or_default()),
                    day(row.start_date),
                    text(row.occupation_code.unwrap_or_default()),
                    text(row.activity),
                    row.expected_income_vnd
                        .map_or_else(|| text(""), |income| Out::Number(income as f64)),
                    text(yes_no(row.active, lang)),
                ]);
                listed.push(row.worker_id);
            }
        }
    }
    listed.dedup();
    connection.write_transaction(|connection| {
        models::audit::record(
            connection,
            &principal.actor(),
            "read",
            "worker",
            &listed,
            &["list"],
            accounts::now(),
        )
    })?;
    let language = usize::from(lang == Lang::En);
    let headers: Vec<&str> = list
        .columns()
        .iter()
        .map(|column| column.header[language])
        .collect();
    let failed = |error: String| AppError::Unexpected(anyhow::anyhow!("list export: {error}"));
    match format {
        Format::Xlsx => {
            xlsx(list.sheet_name(lang), &headers, &rows).map_err(|error| failed(error.to_string()))
        }
        Format::Csv => csv(&headers, &rows).map_err(|error| failed(error.to_string())),
    }
}

/// A file's rows: the first sheet of a workbook, or delimited text.
fn rows_of(file_name: &str, bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    let extension = std::path::Path::new(file_name)
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|extension| matches!(extension.as_str(), "xlsx" | "ods" | "csv" | "txt"))
        .ok_or_else(|| AppError::field("file", "list_unreadable"))?;
    let mut file = tempfile::Builder::new()
        .suffix(&format!(".{extension}"))
        .tempfile()
        .map_err(|error| AppError::Unexpected(error.into()))?;
    file.write_all(bytes)
        .map_err(|error| AppError::Unexpected(error.into()))?;
    sheet::read(file.path()).map_err(|_| AppError::field("file", "list_unreadable"))
}

/// The columns of the header row, by field: a header is read in either language, accents and
/// case aside.
fn header_map(list: List, header: &Row) -> HashMap<&'static str, (usize, String)> {
    let mut found = HashMap::new();
    for (at, cell) in header.cells.iter().enumerate() {
        let written = cell.display();
        let folded = fold(&written);
        if let Some(column) = list
            .columns()
            .iter()
            .find(|column| column.header.iter().any(|header| fold(header) == folded))
        {
            found.entry(column.field).or_insert((at, written));
        }
    }
    found
}

/// One row of a list as read.
struct Line<'a> {
    number: usize,
    cells: &'a [Cell],
    columns: &'a HashMap<&'static str, (usize, String)>,
}

impl Line<'_> {
    fn cell(&self, field: &str) -> Option<&Cell> {
        let (at, _) = self.columns.get(field)?;
        self.cells.get(*at).filter(|cell| !cell.is_empty())
    }

    fn refuse(&self, field: &str, code: &'static str, lang: Lang) -> RowError {
        RowError {
            row: self.number,
            column: self
                .columns
                .get(field)
                .map(|(_, header)| header.clone())
                .unwrap_or_default(),
            value: self.cell(field).map(Cell::display).unwrap_or_default(),
            field: field.to_owned(),
            code: code.to_owned(),
            message: field_message(code, lang, &[]),
        }
    }
}

/// What became of one row.
enum Outcome {
    Written,
    Unchanged,
    Refused(Vec<RowError>),
}

/// Imports a list into a fair or a model: all rows or none.
pub fn import(
    connection: &mut DbConn,
    principal: &Principal,
    list: List,
    id: &str,
    file_name: &str,
    bytes: &[u8],
    lang: Lang,
) -> Result<ListReport, AppError> {
    staff_only(principal)?;
    list.parent(connection, id)?;
    let rows = rows_of(file_name, bytes)?;
    let mut rows = rows
        .iter()
        .filter(|row| row.cells.iter().any(|cell| !cell.is_empty()));
    let header = rows
        .next()
        .ok_or_else(|| AppError::field("file", "list_no_cccd_column"))?;
    let columns = header_map(list, header);
    if !columns.contains_key("national_id") {
        return Err(AppError::field("file", "list_no_cccd_column"));
    }
    let lines: Vec<Line> = rows
        .map(|row| Line {
            number: row.number,
            cells: &row.cells,
            columns: &columns,
        })
        .collect();
    let mut report = ListReport {
        committed: false,
        rows: lines.len(),
        written: 0,
        unchanged: 0,
        errors: Vec::new(),
    };
    let kept = connection.write_transaction(|connection| {
        let mut known = on_the_list(connection, list, id)?;
        for line in &lines {
            match one_row(connection, principal, (list, id, &mut known), line, lang)? {
                Outcome::Written => report.written += 1,
                Outcome::Unchanged => report.unchanged += 1,
                Outcome::Refused(errors) => report.errors.extend(errors),
            }
        }
        if report.errors.is_empty() {
            Ok(())
        } else {
            // Rolls every row back.
            Err(AppError::Conflict("list_refused"))
        }
    });
    match kept {
        Ok(()) => {
            report.committed = true;
            Ok(report)
        }
        Err(AppError::Conflict("list_refused")) => {
            report.written = 0;
            report.unchanged = 0;
            Ok(report)
        }
        Err(other) => Err(other),
    }
}

/// The refusals of a use case's answer, beside the row's columns; anything else stops the
/// import.
fn refusals(error: AppError, line: &Line, lang: Lang) -> Result<Outcome, AppError> {
    match error {
        AppError::Validation(fields) => Ok(Outcome::Refused(
            fields
                .iter()
                .map(|error| {
                    let field = match error.field.as_str() {
                        "worker_id" => "national_id",
                        other => other,
                    };
                    let mut refused = line.refuse(field, error.code, lang);
                    refused.message = field_message(error.code, lang, &error.params);
                    refused
                })
                .collect(),
        )),
        // Out of the caller's reach reads as unknown, as it does everywhere.
        AppError::NotFound => Ok(Outcome::Refused(vec![line.refuse(
            "national_id",
            "unknown_worker",
            lang,
        )])),
        other => Err(other),
    }
}

/// Who is on a list already, read once per import: for a fair, each registered worker and
/// whether they came; for a model, each worker taking part.
fn on_the_list(
    connection: &mut DbConn,
    list: List,
    id: &str,
) -> Result<HashMap<String, bool>, AppError> {
    Ok(match list {
        List::FairWorkers => models::job_fairs::registrations(connection, id)?
            .into_iter()
            .map(|row| (row.worker_id, row.attended))
            .collect(),
        List::ModelParticipants => models::livelihood_models::participants(connection, id)?
            .into_iter()
            .filter(|row| row.active)
            .map(|row| (row.worker_id, true))
            .collect(),
    })
}

/// One row of a list into its fair or model; `known` is who is on the list so far, kept
/// current as rows are written.
fn one_row(
    connection: &mut DbConn,
    principal: &Principal,
    (list, id, known): (List, &str, &mut HashMap<String, bool>),
    line: &Line,
    lang: Lang,
) -> Result<Outcome, AppError> {
    let national_id = line
        .cell("national_id")
        .map(|cell| digits(cell, 12))
        .unwrap_or_default();
    if national_id.is_empty() {
        return Ok(Outcome::Refused(vec![line.refuse(
            "national_id",
            "required",
            lang,
        )]));
    }
    let Some(worker_id) = models::workers::find_id_by_national_id(connection, &national_id)? else {
        return Ok(Outcome::Refused(vec![line.refuse(
            "national_id",
            "unknown_worker",
            lang,
        )]));
    };
    match list {
        List::FairWorkers => {
            let attended = match line.cell("attended").map(Cell::display) {
                None => false,
                Some(raw) => match boolean(&raw) {
                    Some(attended) => attended,
                    None => {
                        return Ok(Outcome::Refused(vec![line.refuse(
                            "attended",
                            "list_yes_no",
                            lang,
                        )]));
                    }
                },
            };
            let came_before = known.get(&worker_id).copied();
            if came_before.is_some_and(|came| came || !attended) {
                return Ok(Outcome::Unchanged);
            }
            let input = FairWorkerInput {
                worker_id: Some(worker_id.clone()),
                attended: Some(attended),
            };
            match job_fairs::register_worker(connection, principal, id, input) {
                Ok(_) => {
                    known.insert(worker_id, attended);
                    Ok(Outcome::Written)
                }
                Err(error) => refusals(error, line, lang),
            }
        }
        List::ModelParticipants => {
            if known.contains_key(&worker_id) {
                return Ok(Outcome::Unchanged);
            }
            let start_date = match line.cell("start_date") {
                None => None,
                Some(cell) => match date(cell) {
                    Some(day) => Some(day.format("%Y-%m-%d").to_string()),
                    None => {
                        return Ok(Outcome::Refused(vec![line.refuse(
                            "start_date",
                            "invalid_date",
                            lang,
                        )]));
                    }
                },
            };
            let expected_income_vnd = match line.cell("expected_income_vnd") {
                None => None,
                Some(cell) => match integer(cell) {
                    Some(income) => Some(income),
                    None => {
                        return Ok(Outcome::Refused(vec![line.refuse(
                            "expected_income_vnd",
                            "invalid_number",
                            lang,
                        )]));
                    }
                },
            };
            let input = ParticipantInput {
                worker_id: Some(worker_id.clone()),
                start_date,
                occupation_code: line.cell("occupation_code").map(Cell::display),
                activity: line.cell("activity").map(Cell::display),
                expected_income_vnd,
            };
            match livelihood::add_participant(connection, principal, id, input) {
                Ok(_) => {
                    known.insert(worker_id, true);
                    Ok(Outcome::Written)
                }
                Err(error) => refusals(error, line, lang),
            }
        }
    }
}
