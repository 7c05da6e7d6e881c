//! A spreadsheet as rows of cells, whatever it was saved as: .xlsx and .ods (calamine), .csv in
//! UTF-8 with or without a byte-order mark, and Excel's "Unicode text" (UTF-16 with a BOM,
//! tab-separated).

use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use crate::domain::text;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Trimmed, NFC.
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty) || matches!(self, Cell::Text(text) if text.is_empty())
    }

    /// As a person reads it in the sheet.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                format!("{}", *number as i64)
            }
            Cell::Number(number) => number.to_string(),
            Cell::Date(day) => day.format("%d/%m/%Y").to_string(),
        }
    }
}

/// One row with its number as the spreadsheet shows it (1-based).
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{0}: cannot read the file: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: not a spreadsheet Ketnoi reads (.xlsx, .ods, .csv, Unicode text): {1}")]
    Format(String, String),
    #[error("{0}: the file has no sheet")]
    Empty(String),
}

/// The first sheet's rows.
pub fn read(path: &Path) -> Result<Vec<Row>, SheetError> {
    let name = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => workbook(path, &name),
        _ => {
            let bytes = std::fs::read(path).map_err(|error| SheetError::Io(name.clone(), error))?;
            delimited(&bytes).map_err(|message| SheetError::Format(name, message))
        }
    }
}

fn workbook(path: &Path, name: &str) -> Result<Vec<Row>, SheetError> {
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|error| SheetError::Format(name.to_owned(), error.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| SheetError::Empty(name.to_owned()))?
        .map_err(|error| SheetError::Format(name.to_owned(), error.to_string()))?;
    // Rows above the used range (an empty first row) keep their numbers.
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; first_column as usize];
            row.extend(cells.iter().map(cell));
            Row {
                number: first_row as usize + index + 1,
                cells: row,
            }
        })
        .collect())
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(text) => Cell::Text(text::normalize(text)),
        Data::Float(number) => Cell::Number(*number),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Bool(flag) => Cell::Text(if *flag { "true" } else { "false" }.to_owned()),
        Data::DateTime(moment) => serial_day(moment.as_f64())
            .map(Cell::Date)
            .unwrap_or(Cell::Number(moment.as_f64())),
        Data::DateTimeIso(raw) | Data::DurationIso(raw) => {
            match NaiveDate::parse_from_str(raw.get(..10).unwrap_or(raw), "%Y-%m-%d") {
                Ok(day) => Cell::Date(day),
                Err(_) => Cell::Text(text::normalize(raw)),
            }
        }
    }
}

/// An Excel date serial (days since 1899-12-30) as a day.
pub fn serial_day(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

/// CSV or tab-separated text: UTF-8 (a BOM is dropped) or UTF-16 with its BOM; the separator
/// is whichever of `,` `;` and tab the first lines use most.
pub fn delimited(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let content = decode(bytes)?;
    let sample: Vec<&str> = content.lines().take(10).collect();
    let delimiter = [b'\t', b';', b',']
        .into_iter()
        .max_by_key(|candidate| {
            sample
                .iter()
                .map(|line| line.bytes().filter(|byte| byte == candidate).count())
                .sum::<usize>()
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(content.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| error.to_string())?;
        rows.push(Row {
            number: index + 1,
            cells: record
                .iter()
                .map(|field| {
                    let value = text::normalize(field);
                    if value.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(value)
                    }
                })
                .collect(),
        });
    }
    Ok(rows)
}

fn decode(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |rest: &[u8], little: bool| -> Result<String, String> {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| {
                if little {
                    u16::from_le_bytes([pair[0], pair[1]])
                } else {
                    u16::from_be_bytes([pair[0], pair[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "the UTF-16 text is damaged".to_owned())
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|_| "not UTF-8 text".to_owned())
        }
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec())
            .map_err(|_| "not UTF-8 text (save it as CSV UTF-8 or Unicode text)".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_days_since_1899_12_30() {
        assert_eq!(serial_day(45_658.0), NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(serial_day(0.0), None);
    }

    #[test]
    fn text_files_in_every_encoding_excel_writes_read_the_same() {
        let text = "Họ và tên;Số CCCD\nLò Thị Ỏn;014195000001\n";
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.replace(';', "\t").encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        for bytes in [text.as_bytes().to_vec(), bom, utf16] {
            let rows = delimited(&bytes).unwrap_or_default();
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[1].cells[0], Cell::Text("Lò Thị Ỏn".into()));
            assert_eq!(rows[1].cells[1], Cell::Text("014195000001".into()));
        }
    }
}
