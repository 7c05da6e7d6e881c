//! Exports of each registry as .xlsx or .csv under the headers an import reads, with values
//! written the way an import reads them back (communes and ethnic groups by code, dates
//! dd/mm/yyyy, yes/no in words, fixed lists and poverty indicators by their names, lists
//! comma-separated): export → import changes nothing.
//!
//! Records are read through the registry, so an export shows only what the caller may see
//! and reading a person's record is audited as any other read.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use super::Kind;
use super::columns::{Column, Value};
use super::records::Record;
use crate::accounts::Principal;
use crate::db::DbConn;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::models;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(raw: &str) -> Option<Format> {
        match raw {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// One exported cell.
pub(super) enum Out {
    Text(String),
    Number(f64),
}

/// The registry's open records of `kind` the principal may read, as a file.
pub fn export(
    connection: &mut DbConn,
    principal: &Principal,
    kind: Kind,
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, AppError> {
    let ids: Vec<String> = super::records::each_kind!(kind, R => R::export_order(connection)?);
    let codes = Codes::load(connection, kind)?;
    let columns = kind.columns();
    let mut rows: Vec<Vec<Out>> = Vec::with_capacity(ids.len());
    for id in &ids {
        let read = super::records::each_kind!(kind, R => {
            R::read(connection, principal, id).and_then(|view| super::upsert::to_json(&view))
        });
        let view = match read {
            Ok(view) => view,
            // Out of the principal's area: not theirs to export.
            Err(AppError::NotFound) => continue,
            Err(error) => return Err(error),
        };
        rows.push(
            columns
                .iter()
                .map(|column| cell(column, view.get(column.field), &codes, lang))
                .collect(),
        );
    }
    let language = usize::from(lang == Lang::En);
    let headers: Vec<&str> = columns
        .iter()
        .map(|column| column.header[language])
        .collect();
    let failed = |error: String| AppError::Unexpected(anyhow::anyhow!("export: {error}"));
    match format {
        Format::Xlsx => {
            xlsx(sheet_name(kind, lang), &headers, &rows).map_err(|error| failed(error.to_string()))
        }
        Format::Csv => csv(&headers, &rows).map_err(|error| failed(error.to_string())),
    }
}

/// Codes the views hold as ids: households' and employers' own codes.
#[derive(Default)]
struct Codes {
    households: HashMap<String, String>,
    employers: HashMap<String, String>,
    /// Poverty indicator key → its name in Vietnamese and in English.
    indicators: HashMap<String, [String; 2]>,
}

impl Codes {
    fn load(connection: &mut DbConn, kind: Kind) -> QueryResult<Codes> {
        let mut codes = Codes::default();
        if kind == Kind::Workers {
            codes.households = models::households::codes(connection)?.into_iter().collect();
        }
        if kind == Kind::Households {
            codes.indicators = models::poverty_indicators::names(connection)?
                .into_iter()
                .map(|(key, vi, en)| (key, [vi, en]))
                .collect();
        }
        if kind == Kind::Vacancies {
            codes.employers = models::employers::tax_codes(connection)?
                .into_iter()
                .collect();
        }
        Ok(codes)
    }
}

fn cell(column: &Column, value: Option<&serde_json::Value>, codes: &Codes, lang: Lang) -> Out {
    use serde_json::Value as Json;
    let empty = Out::Text(String::new());
    let Some(value) = value else { return empty };
    match (column.value, value) {
        (_, Json::Null) => empty,
        (Value::Integer, Json::Number(number)) => number.as_f64().map_or(empty, Out::Number),
        (Value::Boolean, Json::Bool(yes)) => Out::Text(
            match (yes, lang) {
                (true, Lang::Vi) => "Có",
                (false, Lang::Vi) => "Không",
                (true, Lang::En) => "Yes",
                (false, Lang::En) => "No",
            }
            .to_owned(),
        ),
        (Value::Date, Json::String(day)) => Out::Text(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map(|day| day.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| day.clone()),
        ),
        (Value::Gender, Json::String(gender)) => Out::Text(
            match (gender.as_str(), lang) {
                ("male", Lang::Vi) => "Nam",
                ("female", Lang::Vi) => "Nữ",
                ("male", Lang::En) => "Male",
                ("female", Lang::En) => "Female",
                (other, _) => other,
            }
            .to_owned(),
        ),
        (Value::Choice(choice), Json::String(code)) => Out::Text(
            crate::i18n::texts::Tr { lang }
                .of(choice.prefix, code)
                .to_owned(),
        ),
        (Value::Indicators, Json::Array(items)) => Out::Text(
            items
                .iter()
                .filter_map(|item| item.as_str())
                .map(|key| {
                    codes
                        .indicators
                        .get(key)
                        .map_or(key, |names| names[usize::from(lang == Lang::En)].as_str())
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (Value::Occupations, Json::Array(items)) => Out::Text(
            items
                .iter()
                .filter_map(|item| item.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (Value::Household, Json::String(id)) => {
            Out::Text(codes.households.get(id).cloned().unwrap_or_default())
        }
        (Value::Employer, Json::String(id)) => {
            Out::Text(codes.employers.get(id).cloned().unwrap_or_default())
        }
        (_, Json::String(text)) => Out::Text(text.clone()),
        (_, Json::Number(number)) => Out::Text(number.to_string()),
        (_, other) => Out::Text(other.to_string()),
    }
}

/// One sheet named `name`: bold headers, codes kept as text.
pub(super) fn xlsx(
    name: &str,
    headers: &[&str],
    rows: &[Vec<Out>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Style, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let bold = Style::new().set_bold();
    // Codes stay text, so Excel keeps their leading zeros.
    let text = Style::new().set_num_format("@");
    for (column, header) in headers.iter().enumerate() {
        let column = u16::try_from(column).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, *header, &bold)?;
        sheet.set_column_width(column, 18)?;
    }
    for (at, row) in rows.iter().enumerate() {
        let at = u32::try_from(at + 1).unwrap_or(u32::MAX);
        for (column, value) in row.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            match value {
                Out::Text(value) if value.is_empty() => {}
                Out::Text(value) => {
                    sheet.write_string_with_format(at, column, value, &text)?;
                }
                Out::Number(number) => {
                    sheet.write_number(at, column, *number)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

fn sheet_name(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Households, Lang::Vi) => "Hộ gia đình",
        (Kind::Workers, Lang::Vi) => "Người lao động",
        (Kind::Employers, Lang::Vi) => "Đơn vị tuyển dụng",
        (Kind::Vacancies, Lang::Vi) => "Vị trí tuyển dụng",
        (Kind::Courses, Lang::Vi) => "Khóa đào tạo",
        (Kind::Households, Lang::En) => "Households",
        (Kind::Workers, Lang::En) => "Workers",
        (Kind::Employers, Lang::En) => "Employers",
        (Kind::Vacancies, Lang::En) => "Vacancies",
        (Kind::Courses, Lang::En) => "Courses",
    }
}

/// UTF-8 with a byte-order mark, which Excel needs to open Vietnamese text correctly.
pub(super) fn csv(headers: &[&str], rows: &[Vec<Out>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(headers)?;
    for row in rows {
        writer.write_record(row.iter().map(|value| match value {
            Out::Text(text) => crate::domain::text::csv_cell(text).into_owned(),
            Out::Number(number) => format!("{number}"),
        }))?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
