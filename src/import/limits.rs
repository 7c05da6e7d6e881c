//! How much of a spreadsheet Ketnoi reads before refusing it, and the checks that need no more
//! than a pass over a packed file: the real size of its parts once unpacked and how much smaller
//! they were packed, and for OpenDocument the grid its repeated rows and cells would spread over.

use std::io::Read;
use std::path::Path;

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

/// Why a file was refused before it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It goes over a limit.
    Over(Limit),
    /// It is not a package these checks can open.
    Unreadable(String),
}

/// Unpacks every part of a zip package (.xlsx, .ods) to count its real size, without keeping
/// it: a part's declared size can lie, so the bytes are counted as they come, and the count
/// stops at the limit.
pub fn check_package(path: &Path, limits: &Limits) -> Result<(), Refusal> {
    let file = std::fs::File::open(path).map_err(|error| Refusal::Unreadable(error.to_string()))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|error| Refusal::Unreadable(error.to_string()))?;
    let mut unpacked_total: u64 = 0;
    for index in 0..archive.len() {
        let mut part = archive
            .by_index(index)
            .map_err(|error| Refusal::Unreadable(error.to_string()))?;
        let packed = part.compressed_size().max(1);
        let room = limits.unpacked_bytes.saturating_sub(unpacked_total);
        if part.size() > room {
            return Err(Refusal::Over(Limit::UnpackedBytes));
        }
        let unpacked = std::io::copy(&mut (&mut part).take(room + 1), &mut std::io::sink())
            .map_err(|error| Refusal::Unreadable(error.to_string()))?;
        if unpacked > room {
            return Err(Refusal::Over(Limit::UnpackedBytes));
        }
        if unpacked > Limits::RATIO_FROM && unpacked / packed > limits.ratio {
            return Err(Refusal::Over(Limit::Ratio));
        }
        unpacked_total += unpacked;
    }
    Ok(())
}

/// An OpenDocument sheet says "this row, 1,048,576 times" and "this cell, 16,384 times" in a
/// few bytes, and the reader spreads what it says over a full grid. This walks the first
/// table's XML without keeping it and measures the grid its used cells span (repeated empty
/// rows and cells at the end, which LibreOffice always writes, span nothing).
pub fn check_ods_grid(path: &Path, limits: &Limits) -> Result<(), Refusal> {
    use quick_xml::events::Event;
    let format = Refusal::Unreadable;
    let too_large = Refusal::Over;
    let file = std::fs::File::open(path).map_err(|error| Refusal::Unreadable(error.to_string()))?;
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A zip package of `parts`, deflated, in a temporary file.
    fn package(
        parts: &[(&str, &[u8])],
    ) -> Result<tempfile::NamedTempFile, Box<dyn std::error::Error>> {
        let mut file = tempfile::NamedTempFile::new()?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())?;
            zip.write_all(bytes)?;
        }
        file.write_all(&zip.finish()?.into_inner())?;
        Ok(file)
    }

    const SMALL: Limits = Limits {
        rows: 100,
        columns: 10,
        cells: 500,
        unpacked_bytes: 64 * 1024,
        ratio: 200,
    };

    #[test]
    fn a_package_is_measured_by_what_its_parts_unpack_to() -> Result<(), Box<dyn std::error::Error>>
    {
        let fits = package(&[("a.xml", &[b'x'; 1000]), ("b.xml", &[b'y'; 1000])])?;
        assert_eq!(check_package(fits.path(), &SMALL), Ok(()));
        let over = package(&[("a.xml", &[b'x'; 40_000]), ("b.xml", &[b'y'; 40_000])])?;
        assert_eq!(
            check_package(over.path(), &SMALL),
            Err(Refusal::Over(Limit::UnpackedBytes)),
            "two parts under the limit that add up over it"
        );
        let dense = package(&[("a.xml", &vec![b' '; 2 << 20])])?;
        assert_eq!(
            check_package(dense.path(), &LIMITS),
            Err(Refusal::Over(Limit::Ratio))
        );
        // A part that says it unpacks to 100 bytes and unpacks to 40,000: the zip reader stops
        // at the declared size and says so, so a lying size is refused, never unpacked whole.
        let mut lying = std::fs::read(over.path())?;
        let mut at = 0;
        while let Some(found) = lying[at..]
            .windows(4)
            .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        {
            let header = at + found;
            lying[header + 24..header + 28].copy_from_slice(&100_u32.to_le_bytes());
            at = header + 4;
        }
        let liar = tempfile::NamedTempFile::new()?;
        std::fs::write(liar.path(), &lying)?;
        let mut archive = zip::ZipArchive::new(std::fs::File::open(liar.path())?)?;
        assert_eq!(archive.by_index(0)?.size(), 100, "the forged size is read");
        assert!(matches!(
            check_package(liar.path(), &LIMITS),
            Err(Refusal::Unreadable(message)) if message.contains("declared")
        ));
        let stranger = tempfile::NamedTempFile::new()?;
        assert!(matches!(
            check_package(stranger.path(), &LIMITS),
            Err(Refusal::Unreadable(_))
        ));
        Ok(())
    }

    fn ods(rows: &str) -> Result<tempfile::NamedTempFile, Box<dyn std::error::Error>> {
        let content = format!(
            r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="A">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        package(&[("content.xml", content.as_bytes())])
    }

    #[test]
    fn an_ods_grid_is_measured_before_its_repeats_are_spread()
    -> Result<(), Box<dyn std::error::Error>> {
        let cell = r#"<table:table-cell office:value-type="string"><text:p>Lò Thị Ỏn</text:p></table:table-cell>"#;
        // What LibreOffice writes after the data: empty rows and cells repeated to the sheet's end.
        let ordinary = ods(&format!(
            r#"<table:table-row>{cell}{cell}<table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        ))?;
        assert_eq!(check_ods_grid(ordinary.path(), &SMALL), Ok(()));
        let tall = ods(&format!(
            r#"<table:table-row table:number-rows-repeated="1000000">{cell}</table:table-row>"#
        ))?;
        assert_eq!(
            check_ods_grid(tall.path(), &SMALL),
            Err(Refusal::Over(Limit::Rows))
        );
        let wide = ods(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#,
        )?;
        assert_eq!(
            check_ods_grid(wide.path(), &SMALL),
            Err(Refusal::Over(Limit::Columns))
        );
        let far = ods(&format!(
            r#"<table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="90"><table:table-cell table:number-columns-repeated="9"/>{cell}</table:table-row>"#
        ))?;
        assert_eq!(
            check_ods_grid(far.path(), &SMALL),
            Err(Refusal::Over(Limit::Cells)),
            "91 rows of 10 columns"
        );
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ho-ngheo-libreoffice.ods");
        assert_eq!(check_ods_grid(&fixture, &LIMITS), Ok(()));
        Ok(())
    }
}
