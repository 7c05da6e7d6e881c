//! A spreadsheet as rows of cells, whatever it was saved as: .xlsx and .ods (calamine), .csv in
//! UTF-8 with or without a byte-order mark, and Excel's "Unicode text" (UTF-16 with a BOM,
//! tab-separated).

use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use std::io::Read;

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

/// How much of a spreadsheet Ketnoi reads before refusing it. A commune's list is a few thousand
/// rows of a few dozen columns and a province-wide one a few hundred thousand rows; past these a
/// file is a mistake or an attack, and reading it would take the server's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows from the first used one to the last.
    pub rows: u32,
    /// Columns from A to the last used one.
    pub columns: u32,
    /// Cells held at once, empty ones between used ones included.
    pub cells: u64,
    /// Bytes of all the parts of an .xlsx or .ods once unpacked, or of a text file.
    pub unpacked_bytes: u64,
    /// How many times larger than its packed size a part may unpack to (checked on parts over
    /// [`Limits::RATIO_FROM`] bytes; sheets of ordinary data unpack to 5–30 times their size).
    pub ratio: u64,
}

impl Limits {
    pub const RATIO_FROM: u64 = 1024 * 1024;
}

pub const LIMITS: Limits = Limits {
    rows: 300_000,
    columns: 256,
    cells: 6_000_000,
    unpacked_bytes: 256 * 1024 * 1024,
    ratio: 200,
};

/// Which of the [`Limits`] a file went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Rows,
    Columns,
    Cells,
    UnpackedBytes,
    Ratio,
}

impl Limit {
    /// The limit's key, as a problem document names it.
    pub fn key(self) -> &'static str {
        match self {
            Limit::Rows => "rows",
            Limit::Columns => "columns",
            Limit::Cells => "cells",
            Limit::UnpackedBytes => "unpacked_bytes",
            Limit::Ratio => "ratio",
        }
    }

    pub fn max(self, limits: &Limits) -> u64 {
        match self {
            Limit::Rows => u64::from(limits.rows),
            Limit::Columns => u64::from(limits.columns),
            Limit::Cells => limits.cells,
            Limit::UnpackedBytes => limits.unpacked_bytes,
            Limit::Ratio => limits.ratio,
        }
    }
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
                    limit_code(*limit),
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

/// The translated error code of each limit (see `i18n::field_message`).
pub fn limit_code(limit: Limit) -> &'static str {
    match limit {
        Limit::Rows => "sheet_rows",
        Limit::Columns => "sheet_columns",
        Limit::Cells => "sheet_cells",
        Limit::UnpackedBytes => "sheet_unpacked_bytes",
        Limit::Ratio => "sheet_ratio",
    }
}

/// The first sheet's rows, or the limit the file goes over.
pub fn read(path: &Path) -> Result<Vec<Row>, SheetError> {
    let name = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "xlsx" | "xlsm" => {
            check_package(path, &name, &LIMITS)?;
            xlsx(path, &name, &LIMITS)
        }
        "ods" => {
            check_package(path, &name, &LIMITS)?;
            check_ods_grid(path, &name, &LIMITS)?;
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
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "xlsx" | "xlsm" => check_package(path, &name, &LIMITS),
        "ods" => {
            check_package(path, &name, &LIMITS)?;
            check_ods_grid(path, &name, &LIMITS)
        }
        _ => Ok(()),
    }
}

/// Unpacks every part of a zip package (.xlsx, .ods) to count its real size, without keeping
/// it: a part's declared size can lie, so the bytes are counted as they come, and the count
/// stops at the limit.
pub fn check_package(path: &Path, name: &str, limits: &Limits) -> Result<(), SheetError> {
    let file = std::fs::File::open(path).map_err(|error| SheetError::Io(name.to_owned(), error))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|error| SheetError::Format(name.to_owned(), error.to_string()))?;
    let mut unpacked_total: u64 = 0;
    for index in 0..archive.len() {
        let mut part = archive
            .by_index(index)
            .map_err(|error| SheetError::Format(name.to_owned(), error.to_string()))?;
        let packed = part.compressed_size().max(1);
        let room = limits.unpacked_bytes.saturating_sub(unpacked_total);
        if part.size() > room {
            return Err(SheetError::TooLarge(name.to_owned(), Limit::UnpackedBytes));
        }
        let unpacked = std::io::copy(&mut (&mut part).take(room + 1), &mut std::io::sink())
            .map_err(|error| SheetError::Format(name.to_owned(), error.to_string()))?;
        if unpacked > room {
            return Err(SheetError::TooLarge(name.to_owned(), Limit::UnpackedBytes));
        }
        if unpacked > Limits::RATIO_FROM && unpacked / packed > limits.ratio {
            return Err(SheetError::TooLarge(name.to_owned(), Limit::Ratio));
        }
        unpacked_total += unpacked;
    }
    Ok(())
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

/// An OpenDocument sheet says "this row, 1,048,576 times" and "this cell, 16,384 times" in a
/// few bytes, and the reader spreads what it says over a full grid. This walks the first
/// table's XML without keeping it and measures the grid its used cells span (repeated empty
/// rows and cells at the end, which LibreOffice always writes, span nothing).
fn check_ods_grid(path: &Path, name: &str, limits: &Limits) -> Result<(), SheetError> {
    use quick_xml::events::Event;
    let format = |message: String| SheetError::Format(name.to_owned(), message);
    let too_large = |limit| SheetError::TooLarge(name.to_owned(), limit);
    let file = std::fs::File::open(path).map_err(|error| SheetError::Io(name.to_owned(), error))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|error| format(error.to_string()))?;
    let content = archive
        .by_name("content.xml")
        .map_err(|error| format(error.to_string()))?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeated = |element: &quick_xml::events::BytesStart, key: &str| -> u64 {
        element
            .try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|attribute| attribute.value.parse().ok())
            .unwrap_or(1)
    };
    let mut buffer = Vec::new();
    // Position of the next row and cell; the extent of used cells in this row and overall.
    let (mut row_at, mut column_at) = (0_u64, 0_u64);
    let (mut row_repeats, mut row_width) = (1_u64, 0_u64);
    let (mut last_row, mut width, mut materialised) = (None::<u64>, 0_u64, 0_u64);
    let mut in_table = false;
    // The open cell: its repeat count and whether it holds a value.
    let mut open_cell: Option<(u64, bool)> = None;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|error| format(error.to_string()))?;
        match event {
            Event::Start(element) | Event::Empty(element)
                if element.name().as_ref() == "table:table" =>
            {
                in_table = true;
            }
            Event::End(element) if element.name().as_ref() == "table:table" => break,
            Event::Eof => break,
            Event::Start(element) if in_table && element.name().as_ref() == "table:table-row" => {
                row_repeats = repeated(&element, "table:number-rows-repeated");
                column_at = 0;
                row_width = 0;
            }
            Event::End(element) if in_table && element.name().as_ref() == "table:table-row" => {
                if row_width > 0 {
                    last_row = Some(row_at + row_repeats - 1);
                    width = width.max(row_width);
                    materialised += row_width;
                }
                row_at = row_at.saturating_add(row_repeats);
            }
            Event::Start(element)
                if in_table
                    && matches!(
                        element.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                let valued = element
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                open_cell = Some((repeated(&element, "table:number-columns-repeated"), valued));
            }
            Event::Empty(element)
                if in_table
                    && matches!(
                        element.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                let count = repeated(&element, "table:number-columns-repeated");
                let valued = element
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                column_at = column_at.saturating_add(count);
                if valued {
                    row_width = column_at;
                }
            }
            Event::Text(_) if open_cell.is_some() => {
                if let Some((_, valued)) = open_cell.as_mut() {
                    *valued = true;
                }
            }
            Event::End(element)
                if matches!(
                    element.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if let Some((count, valued)) = open_cell.take() {
                    column_at = column_at.saturating_add(count);
                    if valued {
                        row_width = column_at;
                    }
                }
            }
            _ => {}
        }
        if row_width > u64::from(limits.columns) {
            return Err(too_large(Limit::Columns));
        }
        if last_row.is_some_and(|last| last >= u64::from(limits.rows)) {
            return Err(too_large(Limit::Rows));
        }
        let spanned = last_row.map_or(0, |last| (last + 1).saturating_mul(width));
        if materialised > limits.cells || spanned > limits.cells {
            return Err(too_large(Limit::Cells));
        }
        buffer.clear();
    }
    Ok(())
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
