//! A spreadsheet as rows of cells, whatever it was saved as: .xlsx and .ods (calamine), .csv in
//! UTF-8 with or without a byte-order mark, and Excel's "Unicode text" (UTF-16 with a BOM,
//! tab-separated).

use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use super::limits::{self, LIMITS, Limit, Limits, Refusal};
use crate::domain::text;
use crate::i18n::{self, Lang};

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
    #[error("{0}: the file is over the limit of {max} {what}", what = .1.key(), max = .1.max(&LIMITS))]
    TooLarge(String, Limit),
}

impl SheetError {
    /// Why the file was refused, in `lang`, without the server's path to it: the words a person
    /// who uploaded it reads.
    pub fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            SheetError::Io(..) => ("Không đọc được tệp.", "The file cannot be read."),
            SheetError::Format(..) => (
                "Không phải bảng tính đọc được: dùng .xlsx, .ods, .csv (UTF-8) hoặc Unicode text.",
                "Not a spreadsheet Ketnoi reads: use .xlsx, .ods, .csv (UTF-8) or Unicode text.",
            ),
            SheetError::Empty(..) => ("Tệp không có trang tính nào.", "The file has no sheet."),
            SheetError::TooLarge(_, limit) => {
                return i18n::field_message(
                    limits::limit_code(*limit),
                    lang,
                    &[("max", limit.max(&LIMITS).to_string())],
                );
            }
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }

    /// The limit a file went over, if that is why it was refused.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            SheetError::TooLarge(_, limit) => Some(*limit),
            _ => None,
        }
    }
}

/// A file's extension, lower case: it says the format.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The first sheet's rows, or the limit the file goes over.
pub fn read(path: &Path) -> Result<Vec<Row>, SheetError> {
    let name = path.display().to_string();
    let extension = extension(path);
    match extension.as_str() {
        "xlsx" | "xlsm" => {
            check(path)?;
            xlsx(path, &name, &LIMITS)
        }
        "ods" => {
            check(path)?;
            ods(path, &name)
        }
        // The old binary formats are read whole and spread over their full grid before a limit
        // could be applied; Excel and LibreOffice save either as .xlsx.
        "xls" | "xlsb" => Err(SheetError::Format(
            name,
            "save the workbook as .xlsx (Excel Workbook) first".to_owned(),
        )),
        _ => {
            let size = std::fs::metadata(path)
                .map_err(|error| SheetError::Io(name.clone(), error))?
                .len();
            if size > LIMITS.unpacked_bytes {
                return Err(SheetError::TooLarge(name, Limit::UnpackedBytes));
            }
            let bytes = std::fs::read(path).map_err(|error| SheetError::Io(name.clone(), error))?;
            delimited_within(&bytes, &LIMITS).map_err(|error| match error {
                TextError::Format(message) => SheetError::Format(name, message),
                TextError::TooLarge(limit) => SheetError::TooLarge(name, limit),
            })
        }
    }
}

/// The checks that need no more than a pass over the packed parts: their real unpacked size and
/// ratio, and for OpenDocument the grid its repeated rows and cells would spread over. Cheap
/// enough to run when a file is uploaded, before it is queued.
pub fn check(path: &Path) -> Result<(), SheetError> {
    let name = path.display().to_string();
    let extension = extension(path);
    let refused = |refusal| match refusal {
        Refusal::Over(limit) => SheetError::TooLarge(name.clone(), limit),
        Refusal::Unreadable(message) => SheetError::Format(name.clone(), message),
    };
    match extension.as_str() {
        "xlsx" | "xlsm" => limits::check_package(path, &LIMITS).map_err(refused),
        "ods" => {
            limits::check_package(path, &LIMITS).map_err(refused)?;
            limits::check_ods_grid(path, &LIMITS).map_err(refused)
        }
        _ => Ok(()),
    }
}

/// Reads an .xlsx sheet cell by cell, so that a sheet whose few cells lie far apart (A1 and
/// XFD1048576) is refused at the far cell instead of spread over its whole grid.
fn xlsx(path: &Path, name: &str, limits: &Limits) -> Result<Vec<Row>, SheetError> {
    let format =
        |error: calamine::XlsxError| SheetError::Format(name.to_owned(), error.to_string());
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(format)?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| SheetError::Empty(name.to_owned()))?;
    let mut reader = workbook.worksheet_cells_reader(&sheet).map_err(format)?;
    let mut grid = SparseGrid::new(limits);
    while let Some(found) = reader.next_cell().map_err(format)? {
        let (row, column) = found.get_position();
        let value = cell(&Data::from(found.get_value().clone()));
        grid.put(row, column, value)
            .map_err(|limit| SheetError::TooLarge(name.to_owned(), limit))?;
    }
    Ok(grid.rows())
}

/// Cells as they are read, row by row, within the limits.
struct SparseGrid<'a> {
    limits: &'a Limits,
    rows: std::collections::BTreeMap<u32, Vec<Cell>>,
    held: u64,
}

impl<'a> SparseGrid<'a> {
    fn new(limits: &'a Limits) -> Self {
        SparseGrid {
            limits,
            rows: std::collections::BTreeMap::new(),
            held: 0,
        }
    }

    fn put(&mut self, row: u32, column: u32, value: Cell) -> Result<(), Limit> {
        if value.is_empty() {
            return Ok(());
        }
        if column >= self.limits.columns {
            return Err(Limit::Columns);
        }
        let first_row = self.rows.keys().next().copied().unwrap_or(row).min(row);
        let last_row = self
            .rows
            .keys()
            .next_back()
            .copied()
            .unwrap_or(row)
            .max(row);
        if last_row - first_row >= self.limits.rows {
            return Err(Limit::Rows);
        }
        let cells = self.rows.entry(row).or_default();
        let width = column as usize + 1;
        if cells.len() < width {
            self.held += (width - cells.len()) as u64;
            if self.held > self.limits.cells {
                return Err(Limit::Cells);
            }
            cells.resize(width, Cell::Empty);
        }
        cells[column as usize] = value;
        Ok(())
    }

    /// Every row from the first used one to the last, empty ones between included, each cell at
    /// its column (A is 0), numbered as the spreadsheet shows them.
    fn rows(self) -> Vec<Row> {
        let Some(first) = self.rows.keys().next().copied() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let mut next = first;
        for (number, cells) in self.rows {
            while next < number {
                rows.push(Row {
                    number: next as usize + 1,
                    cells: Vec::new(),
                });
                next += 1;
            }
            rows.push(Row {
                number: number as usize + 1,
                cells,
            });
            next = number + 1;
        }
        rows
    }
}

fn ods(path: &Path, name: &str) -> Result<Vec<Row>, SheetError> {
    let mut workbook: calamine::Ods<_> =
        calamine::open_workbook(path).map_err(|error: calamine::OdsError| {
            SheetError::Format(name.to_owned(), error.to_string())
        })?;
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

/// Why a text file was refused.
#[derive(Debug)]
pub enum TextError {
    Format(String),
    TooLarge(Limit),
}

/// CSV or tab-separated text: UTF-8 (a BOM is dropped) or UTF-16 with its BOM; the separator
/// is whichever of `,` `;` and tab the first lines use most.
pub fn delimited(bytes: &[u8]) -> Result<Vec<Row>, String> {
    delimited_within(bytes, &LIMITS).map_err(|error| match error {
        TextError::Format(message) => message,
        TextError::TooLarge(limit) => {
            format!("over the limit of {} {}", limit.max(&LIMITS), limit.key())
        }
    })
}

/// [`delimited`], refusing text past `limits`.
pub fn delimited_within(bytes: &[u8], limits: &Limits) -> Result<Vec<Row>, TextError> {
    let content = decode(bytes).map_err(TextError::Format)?;
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
    let mut held: u64 = 0;
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| TextError::Format(error.to_string()))?;
        if index >= limits.rows as usize {
            return Err(TextError::TooLarge(Limit::Rows));
        }
        if record.len() > limits.columns as usize {
            return Err(TextError::TooLarge(Limit::Columns));
        }
        held += record.len() as u64;
        if held > limits.cells {
            return Err(TextError::TooLarge(Limit::Cells));
        }
        rows.push(Row {
            number: index + 1,
            cells: record
                .iter()
                .map(|field| {
                    let value = text::normalize(text::from_csv_cell(field));
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
