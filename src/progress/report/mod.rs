//! The 6-monthly and yearly report (plan §V): targets against actuals in the reporting period
//! and cumulatively, the breakdowns, and the lists behind them, as .xlsx (one sheet per part),
//! .csv (one row per figure) or JSON.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use utoipa::ToSchema;

mod activities;

use super::activities::{FairLine, ModelLine};
use super::figures::{self, BreakdownRow, Progress, Selection};
use super::lists::{self, OutreachHousehold, Record};
use crate::db::DbConn;
use crate::domain::text::csv_cell;
use crate::error::AppError;
use crate::i18n::Lang;

/// Report formats.
pub const FORMATS: &[&str] = &["xlsx", "csv", "json"];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// As asked: `2025-H1`, `2025` or `2021-2025`.
    pub period: String,
    /// Figures of the reporting period.
    pub progress: Progress,
    /// From the programme period's start to the reporting period's end.
    pub cumulative: Progress,
    pub connected: Vec<Record>,
    pub trained: Vec<Record>,
    pub overseas: Vec<Record>,
    pub outreach: Vec<OutreachHousehold>,
    /// The poverty-reduction models running in the reporting period, with their outcomes.
    pub livelihood_models: Vec<ModelLine>,
    /// The job fairs held in the reporting period, with their results.
    pub job_fairs: Vec<FairLine>,
}

/// Builds the report of a selection.
pub fn build(
    connection: &mut DbConn,
    selection: &Selection,
    lang: Lang,
    as_of: NaiveDate,
) -> Result<Report, AppError> {
    let progress = figures::compute(connection, selection, lang, as_of)?;
    let cumulative_selection = Selection {
        halves: selection
            .halves
            .map(|(_, last)| (super::facts::half_year(progress.starts_on), last)),
        ..selection.clone()
    };
    let cumulative = figures::compute(connection, &cumulative_selection, lang, as_of)?;
    let period = figures::period(connection, &selection.period)?;
    let window = figures::window(&period, selection.halves);
    let units = figures::units(connection)?;
    let mut list = |key: &str| -> Result<Vec<Record>, AppError> {
        Ok(lists::records(
            connection,
            &selection.period,
            key,
            &window,
            selection.communes.as_ref(),
            &lists::Dimensions::default(),
            &units,
            i64::MAX,
            0,
        )?
        .records)
    };
    let connected = list("connected_workers")?;
    let trained = list("trained_poor_districts")?;
    let overseas = list("overseas_contract")?;
    let outreach = lists::outreach(
        connection,
        &selection.period,
        selection.communes.as_ref(),
        &units,
        i64::MAX,
        0,
    )?
    .households;
    let livelihood_models =
        super::activities::models_in(connection, &window, selection.communes.as_ref(), lang)?;
    let job_fairs = super::activities::fairs_in(connection, &window, selection.communes.as_ref())?;
    Ok(Report {
        period: selection.label.clone(),
        progress,
        cumulative,
        connected,
        trained,
        overseas,
        outreach,
        livelihood_models,
        job_fairs,
    })
}

fn t(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The sheet names and headers, in the report's language.
struct Texts {
    lang: Lang,
}

impl Texts {
    fn target_headers(&self) -> [&'static str; 10] {
        let l = self.lang;
        [
            t(l, "Mã chỉ tiêu", "Key"),
            t(l, "Chỉ tiêu", "Target"),
            t(l, "Đơn vị", "Unit"),
            t(l, "Mục tiêu", "Target value"),
            t(l, "Thực hiện trong kỳ", "Actual in the period"),
            t(
                l,
                "Lũy kế từ đầu kỳ kế hoạch",
                "Cumulative since the plan's start",
            ),
            t(
                l,
                "Tỷ lệ lũy kế so với mục tiêu (%)",
                "Cumulative as % of target",
            ),
            t(l, "Dự báo cuối kỳ", "Projection at the period's end"),
            t(l, "Đạt", "Met"),
            t(l, "Số đếm / mẫu số", "Count / base"),
        ]
    }

    fn breakdown_headers(&self) -> [&'static str; 8] {
        let l = self.lang;
        [
            t(l, "Mã", "Code"),
            t(l, "Nhóm", "Group"),
            t(l, "Lao động được kết nối việc làm", "Workers connected"),
            t(
                l,
                "Trong đó thuộc hộ nghèo, cận nghèo, mới thoát nghèo",
                "Of them from target households",
            ),
            t(l, "Lao động vùng nghèo được đào tạo", "Trained, poor areas"),
            t(l, "Đi làm việc ở nước ngoài", "Overseas contracts"),
            t(l, "Hộ nghèo, cận nghèo", "Poor and near-poor households"),
            t(
                l,
                "Hộ có thành viên việc làm bền vững",
                "Households with sustainable employment",
            ),
        ]
    }

    fn breakdown_sheets(&self) -> [&'static str; 7] {
        let l = self.lang;
        [
            t(l, "Theo năm", "By year"),
            t(l, "Theo huyện", "By district"),
            t(l, "Theo tình trạng hộ", "By household status"),
            t(l, "Theo dân tộc", "By ethnicity"),
            t(l, "Theo giới tính", "By gender"),
            t(l, "Theo quốc gia", "By country"),
            t(l, "Theo loại việc làm", "By kind of work"),
        ]
    }

    fn record_headers(&self) -> [&'static str; 10] {
        let l = self.lang;
        [
            t(l, "Họ và tên", "Full name"),
            t(l, "Mã xã", "Commune code"),
            t(l, "Xã", "Commune"),
            t(l, "Huyện", "District"),
            t(l, "Ngày tính", "Counted on"),
            t(l, "Tình trạng hộ", "Household status"),
            t(l, "Dân tộc thiểu số", "Ethnic minority"),
            t(l, "Giới tính", "Gender"),
            t(l, "Quốc gia", "Country"),
            t(l, "Mã bản ghi", "Record id"),
        ]
    }

    fn record_sheets(&self) -> [&'static str; 3] {
        let l = self.lang;
        [
            t(l, "DS kết nối việc làm", "Connected workers"),
            t(l, "DS đào tạo vùng nghèo", "Trained, poor areas"),
            t(l, "DS đi làm ở nước ngoài", "Overseas contracts"),
        ]
    }

    fn outreach_headers(&self) -> [&'static str; 9] {
        let l = self.lang;
        [
            t(l, "Mã hộ", "Household code"),
            t(l, "Chủ hộ", "Head of household"),
            t(l, "Tình trạng hộ", "Status"),
            t(l, "Mã xã", "Commune code"),
            t(l, "Xã", "Commune"),
            t(l, "Số nhân khẩu", "Members"),
            t(l, "Thành viên đã đăng ký", "Registered members"),
            t(l, "Thành viên đã được kết nối", "Members placed"),
            t(l, "Lý do", "Reason"),
        ]
    }
}

fn yes(value: bool, lang: Lang) -> &'static str {
    match (value, lang) {
        (true, Lang::Vi) => "Có",
        (false, Lang::Vi) => "Không",
        (true, Lang::En) => "Yes",
        (false, Lang::En) => "No",
    }
}

fn reason_label(reason: &str, lang: Lang) -> &'static str {
    match reason {
        "not_registered" => t(lang, "Chưa có thành viên đăng ký", "No member registered"),
        "not_placed" => t(
            lang,
            "Chưa có thành viên được kết nối việc làm",
            "No member placed",
        ),
        _ => t(
            lang,
            "Chưa được xác nhận còn làm việc sau 6 tháng",
            "Not yet confirmed at the 6-month follow-up",
        ),
    }
}

fn header(sheet: &mut Worksheet, headers: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (column, text) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *text, bold)?;
        sheet.set_column_width(column as u16, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn breakdown_sheet(
    sheet: &mut Worksheet,
    texts: &Texts,
    rows: &[BreakdownRow],
    bold: &Format,
) -> Result<(), XlsxError> {
    header(sheet, &texts.breakdown_headers(), bold)?;
    for (index, row) in rows.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string(r, 0, &row.value)?;
        sheet.write_string(r, 1, &row.label)?;
        for (column, value) in [
            row.connected_workers,
            row.connected_target,
            row.trained_poor_districts,
            row.overseas_contract,
            row.target_households,
            row.covered_households,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_number(r, column as u16 + 2, value as f64)?;
        }
    }
    Ok(())
}

fn record_sheet(
    sheet: &mut Worksheet,
    texts: &Texts,
    records: &[Record],
    bold: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    header(sheet, &texts.record_headers(), bold)?;
    let lang = texts.lang;
    for (index, record) in records.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string(r, 0, &record.name)?;
        sheet.write_string(r, 1, &record.commune_code)?;
        sheet.write_string(r, 2, &record.commune)?;
        sheet.write_string(r, 3, record.district.as_deref().unwrap_or_default())?;
        sheet.write_datetime_with_format(r, 4, record.counted_on, date)?;
        sheet.write_string(r, 5, &record.household_status)?;
        sheet.write_string(r, 6, yes(record.minority, lang))?;
        sheet.write_string(r, 7, &record.gender)?;
        sheet.write_string(r, 8, &record.country)?;
        sheet.write_string(r, 9, &record.record_id)?;
    }
    Ok(())
}

/// The report as an .xlsx workbook.
pub fn xlsx(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let texts = Texts { lang };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let percent = Format::new().set_num_format("0.00");

    let sheet = workbook.add_worksheet();
    sheet.set_name(t(lang, "Chỉ tiêu", "Targets"))?;
    header(sheet, &texts.target_headers(), &bold)?;
    sheet.set_column_width(1, 60)?;
    for (index, figure) in report.progress.targets.iter().enumerate() {
        let r = index as u32 + 1;
        let cumulative = report
            .cumulative
            .targets
            .iter()
            .find(|other| other.key == figure.key)
            .unwrap_or(figure);
        sheet.write_string(r, 0, &figure.key)?;
        sheet.write_string(r, 1, &figure.description)?;
        sheet.write_string(r, 2, &figure.unit)?;
        sheet.write_number(r, 3, figure.target)?;
        sheet.write_number_with_format(r, 4, figure.actual, &percent)?;
        sheet.write_number_with_format(r, 5, cumulative.actual, &percent)?;
        sheet.write_number_with_format(r, 6, cumulative.percent, &percent)?;
        sheet.write_number_with_format(r, 7, cumulative.projection, &percent)?;
        sheet.write_string(r, 8, yes(cumulative.met, lang))?;
        let base = match cumulative.denominator {
            Some(of) => format!("{} / {of}", cumulative.numerator),
            None => cumulative.numerator.to_string(),
        };
        sheet.write_string(r, 9, &base)?;
    }
    let breakdowns = &report.progress.breakdowns;
    for (name, rows) in texts.breakdown_sheets().into_iter().zip([
        &breakdowns.year,
        &breakdowns.district,
        &breakdowns.household_status,
        &breakdowns.ethnicity,
        &breakdowns.gender,
        &breakdowns.country,
        &breakdowns.kind,
    ]) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        breakdown_sheet(sheet, &texts, rows, &bold)?;
    }
    for (name, records) in texts.record_sheets().into_iter().zip([
        &report.connected,
        &report.trained,
        &report.overseas,
    ]) {
        let sheet = workbook.add_worksheet_with_constant_memory();
        sheet.set_name(name)?;
        record_sheet(sheet, &texts, records, &bold, &date)?;
    }
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name(t(lang, "DS hộ cần tiếp cận", "Outreach"))?;
    header(sheet, &texts.outreach_headers(), &bold)?;
    for (index, household) in report.outreach.iter().enumerate() {
        let r = index as u32 + 1;
        sheet.write_string(r, 0, &household.code)?;
        sheet.write_string(r, 1, &household.head_name)?;
        sheet.write_string(r, 2, &household.status)?;
        sheet.write_string(r, 3, &household.commune_code)?;
        sheet.write_string(r, 4, &household.commune)?;
        sheet.write_number(r, 5, f64::from(household.members))?;
        sheet.write_number(r, 6, household.registered as f64)?;
        sheet.write_number(r, 7, household.placed as f64)?;
        sheet.write_string(r, 8, reason_label(&household.reason, lang))?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name(activities::model_sheet_name(lang))?;
    activities::model_sheet(sheet, &report.livelihood_models, lang, &bold, &date)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(activities::fair_sheet_name(lang))?;
    activities::fair_sheet(sheet, &report.job_fairs, lang, &bold, &date)?;
    workbook.save_to_buffer()
}

/// The report's figures as CSV, one row per figure: section, code, group, measure, value.
pub fn csv(report: &Report, lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let texts = Texts { lang };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        t(lang, "Phần", "Section"),
        t(lang, "Mã", "Code"),
        t(lang, "Nhóm", "Group"),
        t(lang, "Chỉ số", "Measure"),
        t(lang, "Giá trị", "Value"),
    ])?;
    let targets_name = t(lang, "Chỉ tiêu", "Targets");
    let measures = [
        (t(lang, "Mục tiêu", "Target value"), 0),
        (t(lang, "Thực hiện trong kỳ", "Actual in the period"), 1),
        (
            t(
                lang,
                "Lũy kế từ đầu kỳ kế hoạch",
                "Cumulative since the plan's start",
            ),
            2,
        ),
        (
            t(
                lang,
                "Tỷ lệ lũy kế so với mục tiêu (%)",
                "Cumulative as % of target",
            ),
            3,
        ),
        (
            t(lang, "Dự báo cuối kỳ", "Projection at the period's end"),
            4,
        ),
    ];
    for figure in &report.progress.targets {
        let cumulative = report
            .cumulative
            .targets
            .iter()
            .find(|other| other.key == figure.key)
            .unwrap_or(figure);
        for (measure, which) in measures {
            let value = [
                figure.target,
                figure.actual,
                cumulative.actual,
                cumulative.percent,
                cumulative.projection,
            ][which];
            writer.write_record([
                targets_name,
                &figure.key,
                &csv_cell(&figure.description),
                measure,
                &value.to_string(),
            ])?;
        }
    }
    let breakdowns = &report.progress.breakdowns;
    let headers = texts.breakdown_headers();
    for (name, rows) in texts.breakdown_sheets().into_iter().zip([
        &breakdowns.year,
        &breakdowns.district,
        &breakdowns.household_status,
        &breakdowns.ethnicity,
        &breakdowns.gender,
        &breakdowns.country,
        &breakdowns.kind,
    ]) {
        for row in rows {
            for (measure, value) in headers[2..].iter().zip([
                row.connected_workers,
                row.connected_target,
                row.trained_poor_districts,
                row.overseas_contract,
                row.target_households,
                row.covered_households,
            ]) {
                writer.write_record([
                    name,
                    &csv_cell(&row.value),
                    &csv_cell(&row.label),
                    measure,
                    &value.to_string(),
                ])?;
            }
        }
    }
    for row in activities::csv_rows(&report.livelihood_models, &report.job_fairs, lang) {
        let [section, code, group, measure, value] = &row;
        writer.write_record([
            section.as_str(),
            &csv_cell(code),
            &csv_cell(group),
            measure,
            value,
        ])?;
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

/// The report rendered in `format` with its content type.
pub fn render(
    report: &Report,
    format: &str,
    lang: Lang,
) -> Result<(Vec<u8>, &'static str), AppError> {
    let internal = |error: String| AppError::Unexpected(anyhow::anyhow!(error));
    Ok(match format {
        "xlsx" => (
            xlsx(report, lang).map_err(|error| internal(error.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "csv" => (
            csv(report, lang).map_err(|error| internal(error.to_string()))?,
            "text/csv; charset=utf-8",
        ),
        _ => (
            serde_json::to_vec_pretty(report).map_err(|error| internal(error.to_string()))?,
            "application/json",
        ),
    })
}
