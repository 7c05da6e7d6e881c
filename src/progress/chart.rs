//! The progress chart (SVG): persons counted per year as bars, the running total as a line, and
//! the target as a dashed line, for the dashboard and the report.

use plotters::prelude::*;

use super::figures::Progress;
use crate::i18n::{Lang, group_thousands};

/// The persons targets a chart can show.
pub const CHART_KEYS: &[&str] = &[
    "connected_workers",
    "trained_poor_districts",
    "overseas_contract",
];

const BAR: RGBColor = RGBColor(0x1d, 0x5f, 0xa8);
const LINE: RGBColor = RGBColor(0xb4, 0x3c, 0x0f);
const TARGET: RGBColor = RGBColor(0x2f, 0x2f, 0x2f);

/// Renders the chart of one persons target.
pub fn svg(progress: &Progress, key: &str, lang: Lang) -> Result<String, String> {
    let figure = progress
        .targets
        .iter()
        .find(|figure| figure.key == key)
        .ok_or_else(|| format!("no target {key}"))?;
    let first = chrono::Datelike::year(&progress.window.from);
    let last = chrono::Datelike::year(&progress.window.to);
    let per_year: Vec<(i32, i64)> = (first..=last)
        .map(|year| {
            let count = progress
                .breakdowns
                .year
                .iter()
                .find(|row| row.value == year.to_string())
                .map(|row| match key {
                    "trained_poor_districts" => row.trained_poor_districts,
                    "overseas_contract" => row.overseas_contract,
                    _ => row.connected_workers,
                })
                .unwrap_or(0);
            (year, count)
        })
        .collect();
    let mut running = 0;
    let cumulative: Vec<(i32, i64)> = per_year
        .iter()
        .map(|(year, count)| {
            running += count;
            (*year, running)
        })
        .collect();
    let top = (running.max(figure.target as i64) as f64 * 1.1).max(10.0);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(|error| error.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&figure.description, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(70)
            .build_cartesian_2d((first..last + 1).into_segmented(), 0f64..top)
            .map_err(|error| error.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(match lang {
                Lang::Vi => "Người",
                Lang::En => "Persons",
            })
            .y_label_formatter(&|value| group_thousands(*value as i64, lang))
            .draw()
            .map_err(|error| error.to_string())?;
        chart
            .draw_series(per_year.iter().map(|(year, count)| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(*year), 0.0),
                        (SegmentValue::Exact(year + 1), *count as f64),
                    ],
                    BAR.filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(|error| error.to_string())?
            .label(match lang {
                Lang::Vi => "Trong năm",
                Lang::En => "In the year",
            })
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], BAR.filled()));
        chart
            .draw_series(LineSeries::new(
                cumulative
                    .iter()
                    .map(|(year, total)| (SegmentValue::CenterOf(*year), *total as f64)),
                LINE.stroke_width(3),
            ))
            .map_err(|error| error.to_string())?
            .label(match lang {
                Lang::Vi => "Lũy kế",
                Lang::En => "Cumulative",
            })
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], LINE.stroke_width(3)));
        chart
            .draw_series(DashedLineSeries::new(
                [
                    (SegmentValue::Exact(first), figure.target),
                    (SegmentValue::Last, figure.target),
                ],
                8,
                5,
                TARGET.stroke_width(2),
            ))
            .map_err(|error| error.to_string())?
            .label(match lang {
                Lang::Vi => "Mục tiêu",
                Lang::En => "Target",
            })
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], TARGET.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|error| error.to_string())?;
        root.present().map_err(|error| error.to_string())?;
    }
    Ok(out)
}
