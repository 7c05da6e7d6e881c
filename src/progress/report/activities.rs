//! The report's sheets of poverty-reduction models and job fairs, model by model and fair by
//! fair with what came of each, and their rows in the CSV form.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::{header, t};
use crate::i18n::Lang;
use crate::progress::activities::{FairLine, ModelLine};

pub(super) fn model_sheet_name(lang: Lang) -> &'static str {
    t(lang, "Mô hình giảm nghèo", "Livelihood models")
}

pub(super) fn fair_sheet_name(lang: Lang) -> &'static str {
    t(lang, "Phiên giao dịch việc làm", "Job fairs")
}

/// The names of a model's measures in the report's language.
fn model_measures(lang: Lang) -> [&'static str; 7] {
    [
        t(lang, "Kinh phí (đồng)", "Budget (₫)"),
        t(lang, "Hỗ trợ mỗi hộ (đồng)", "Support per household (₫)"),
        t(lang, "Người tham gia", "Participants"),
        t(lang, "Hộ tham gia", "Households taking part"),
        t(
            lang,
            "Hộ nghèo, cận nghèo đã rà soát lại",
            "Poor or near-poor households reviewed again",
        ),
        t(lang, "Trong đó đã thoát nghèo", "Of them out of poverty"),
        t(
            lang,
            "Thay đổi thu nhập bình quân đầu người (đồng/tháng)",
            "Change in income per person (₫/month)",
        ),
    ]
}

/// A model's measures, in the order of their names.
fn model_values(line: &ModelLine) -> [Option<i64>; 7] {
    let outcomes = &line.outcomes;
    [
        line.budget_vnd,
        line.support_per_household_vnd,
        Some(line.participants),
        Some(outcomes.households),
        Some(outcomes.reviewed_after),
        Some(outcomes.left_poverty),
        outcomes.average_income_change_vnd,
    ]
}

/// The names of a fair's measures in the report's language.
fn fair_measures(lang: Lang) -> [&'static str; 6] {
    [
        t(lang, "Người đăng ký", "Registered"),
        t(lang, "Người tham dự", "Came"),
        t(lang, "Lượt giới thiệu", "Referrals"),
        t(lang, "Phỏng vấn", "Interviews"),
        t(lang, "Tuyển dụng", "Hires"),
        t(
            lang,
            "Tuyển dụng thuộc hộ nghèo, cận nghèo, mới thoát nghèo",
            "Hires from target households",
        ),
    ]
}

/// A fair's results, in the order of their names.
fn fair_values(line: &FairLine) -> [i64; 6] {
    let results = &line.results;
    [
        results.registered,
        results.attended,
        results.referrals,
        results.interviews,
        results.hires,
        results.hires_target_households,
    ]
}

fn date_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    day: Option<chrono::NaiveDate>,
    date: &Format,
) -> Result<(), XlsxError> {
    match day {
        Some(day) => sheet.write_datetime_with_format(row, column, day, date)?,
        None => sheet.write_string(row, column, "")?,
    };
    Ok(())
}

/// One row per model: what it is, then its measures.
pub(super) fn model_sheet(
    sheet: &mut Worksheet,
    lines: &[ModelLine],
    lang: Lang,
    bold: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    let mut headers = vec![
        t(lang, "Tên mô hình", "Model"),
        t(lang, "Loại mô hình", "Type"),
        t(lang, "Xã", "Communes"),
        t(lang, "Bắt đầu", "Starts"),
        t(lang, "Kết thúc", "Ends"),
    ];
    let fixed = headers.len() as u16;
    headers.extend(model_measures(lang));
    header(sheet, &headers, bold)?;
    sheet.set_column_width(0, 40)?;
    for (index, line) in lines.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string(r, 0, &line.name)?;
        sheet.write_string(r, 1, &line.model_type)?;
        sheet.write_string(r, 2, line.communes.join("; "))?;
        date_cell(sheet, r, 3, Some(line.starts_on), date)?;
        date_cell(sheet, r, 4, line.ends_on, date)?;
        for (column, value) in model_values(line).into_iter().enumerate() {
            if let Some(value) = value {
                sheet.write_number(r, fixed + column as u16, value as f64)?;
            }
        }
    }
    Ok(())
}

/// One row per fair: when and where, then its results.
pub(super) fn fair_sheet(
    sheet: &mut Worksheet,
    lines: &[FairLine],
    lang: Lang,
    bold: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    let mut headers = vec![
        t(lang, "Tên phiên giao dịch", "Fair"),
        t(lang, "Ngày tổ chức", "Day"),
        t(lang, "Địa điểm", "Place"),
        t(lang, "Đơn vị tổ chức", "Organiser"),
        t(lang, "Xã", "Communes"),
    ];
    let fixed = headers.len() as u16;
    headers.extend(fair_measures(lang));
    header(sheet, &headers, bold)?;
    sheet.set_column_width(0, 40)?;
    for (index, line) in lines.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string(r, 0, &line.name)?;
        date_cell(sheet, r, 1, Some(line.held_on), date)?;
        sheet.write_string(r, 2, &line.place)?;
        sheet.write_string(r, 3, &line.organiser)?;
        sheet.write_string(r, 4, line.communes.join("; "))?;
        for (column, value) in fair_values(line).into_iter().enumerate() {
            sheet.write_number(r, fixed + column as u16, value as f64)?;
        }
    }
    Ok(())
}

/// The CSV rows `[section, code, group, measure, value]` of the models and fairs: the code is
/// the record's id, the group its name.
pub(super) fn csv_rows(models: &[ModelLine], fairs: &[FairLine], lang: Lang) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for line in models {
        for (measure, value) in model_measures(lang).into_iter().zip(model_values(line)) {
            if let Some(value) = value {
                rows.push([
                    model_sheet_name(lang).to_owned(),
                    line.id.clone(),
                    line.name.clone(),
                    measure.to_owned(),
                    value.to_string(),
                ]);
            }
        }
    }
    for line in fairs {
        for (measure, value) in fair_measures(lang).into_iter().zip(fair_values(line)) {
            rows.push([
                fair_sheet_name(lang).to_owned(),
                line.id.clone(),
                line.name.clone(),
                measure.to_owned(),
                value.to_string(),
            ]);
        }
    }
    rows
}
