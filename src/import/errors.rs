//! What a refused row says, in the report and in the workbook of errors handed back.

use super::*;

/// Names each error's column as the file writes it, its value, and its message.
pub(super) fn complete(
    mut errors: Vec<RowError>,
    context: &RowContext,
    row: &Row,
) -> Vec<RowError> {
    for error in &mut errors {
        // `desired_occupations[1]`: the list's column, and its second item as the value.
        let (field, item) = match error.field.split_once('[') {
            Some((field, rest)) => (field, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (error.field.as_str(), None),
        };
        if let Some((header, position)) = context.headers.get(field) {
            error.column.clone_from(header);
            if error.value.is_empty() {
                let cell = row
                    .cells
                    .get(*position)
                    .map(Cell::display)
                    .unwrap_or_default();
                error.value = match item {
                    Some(index) => convert::items(&cell)
                        .nth(index)
                        .map_or(cell.clone(), str::to_owned),
                    None => cell,
                };
            }
        }
        if error.message.is_empty() {
            error.message = sheet_message(
                &error.code,
                context.lang,
                &[],
                context.kind.column(&error.field),
            );
        }
    }
    errors
}

/// A field's message as the reader of a spreadsheet needs it: dates as cells hold them, names
/// beside codes, a fixed list's values by their labels.
pub(super) fn sheet_message(
    code: &str,
    lang: Lang,
    params: &[(&'static str, String)],
    column: Option<&Column>,
) -> String {
    let key = match code {
        "invalid_date" => "invalid_sheet_date",
        "unknown_commune" => "unknown_commune_name",
        "unknown_ethnicity" => "unknown_ethnicity_name",
        other => other,
    };
    match column.map(|column| column.value) {
        Some(Value::Choice(choice)) if code == "invalid_choice" => {
            let tr = crate::i18n::texts::Tr { lang };
            let labels: Vec<&str> = choice
                .codes
                .iter()
                .map(|code| tr.of(choice.prefix, code))
                .collect();
            i18n::field_message(key, lang, &[("choices", labels.join(", "))])
        }
        _ => i18n::field_message(key, lang, params),
    }
}

pub(super) enum Outcome {
    /// With the id of a household whose progress facts are still to be derived.
    Created(Option<String>),
    Updated,
    Unchanged,
}

/// A registry error of one row; its column, value and message are filled in by the caller.
pub(super) fn describe(error: &AppError, row: &Row, kind: Kind, lang: Lang) -> Vec<RowError> {
    let blank = |field: &str, code: &str, message: String| RowError {
        row: row.number,
        column: String::new(),
        value: String::new(),
        field: field.to_owned(),
        code: code.to_owned(),
        message,
    };
    match error {
        AppError::Validation(fields) => fields
            .iter()
            .map(|error| {
                blank(
                    &error.field,
                    error.code,
                    sheet_message(error.code, lang, &error.params, kind.column(&error.field)),
                )
            })
            .collect(),
        AppError::Duplicate { field, .. } => vec![blank(field, "duplicate", error.describe(lang))],
        other => vec![blank("", "rejected", other.describe(lang))],
    }
}

/// The rejected rows as the file had them, under its header, with the reasons in a last
/// column: the officer fixes them there and imports that file again.
pub fn errors_workbook(
    rows: &[Row],
    report: &ImportReport,
    lang: Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(match lang {
        Lang::Vi => "Dòng bị từ chối",
        Lang::En => "Rejected rows",
    })?;
    let bold = Format::new().set_bold();
    let header = rows.iter().find(|row| row.number == report.header_row);
    let width = rows.iter().map(|row| row.cells.len()).max().unwrap_or(0);
    let write_row = |sheet: &mut rust_xlsxwriter::Worksheet,
                     at: u32,
                     row: &Row,
                     format: Option<&Format>|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        for (column, cell) in row.cells.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            match (cell, format) {
                (Cell::Empty, _) => {}
                (Cell::Number(number), _) => {
                    sheet.write_number(at, column, *number)?;
                }
                (Cell::Date(day), _) => {
                    sheet.write_string(at, column, day.format("%d/%m/%Y").to_string())?;
                }
                (Cell::Text(text), Some(format)) => {
                    sheet.write_string_with_format(at, column, text, format)?;
                }
                (Cell::Text(text), None) => {
                    sheet.write_string(at, column, text)?;
                }
            }
        }
        Ok(())
    };
    let reason_column = u16::try_from(width).unwrap_or(u16::MAX);
    if let Some(header) = header {
        write_row(sheet, 0, header, Some(&bold))?;
    }
    sheet.write_string_with_format(
        0,
        reason_column,
        match lang {
            Lang::Vi => "Lý do",
            Lang::En => "Reason",
        },
        &bold,
    )?;
    let mut at = 1;
    for row in rows.iter().filter(|row| row.number > report.header_row) {
        let reasons: Vec<String> = report
            .errors
            .iter()
            .filter(|error| error.row == row.number)
            .map(|error| match (error.column.is_empty(), lang) {
                (true, _) => error.message.clone(),
                (false, Lang::Vi) => format!(
                    "Dòng {}, cột {}: {}",
                    row.number, error.column, error.message
                ),
                (false, Lang::En) => format!(
                    "Row {}, column {}: {}",
                    row.number, error.column, error.message
                ),
            })
            .collect();
        if reasons.is_empty() {
            continue;
        }
        write_row(sheet, at, row, None)?;
        sheet.write_string(at, reason_column, reasons.join("; "))?;
        at += 1;
    }
    workbook.save_to_buffer()
}
