//! `ketnoi targets list | set | import FILE.csv`: the programme periods' targets from the
//! command line, through the same checks and audit as the API (as the operator).

use std::path::Path;

use crate::accounts::Principal;
use crate::cli::TargetsCommand;
use crate::config::Settings;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::registry::programme::{self, PeriodInput, TargetInput};
use crate::startup;

pub(super) fn run(settings: &Settings, command: TargetsCommand) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let operator = Principal::operator();
    let said = |error: AppError| anyhow::anyhow!(error.describe(Lang::Vi));
    match command {
        TargetsCommand::List => {
            for period in programme::list(&mut connection, &operator).map_err(said)? {
                let current = if period.current {
                    "\t(hiện tại)"
                } else {
                    ""
                };
                println!(
                    "{}\t{}..{}\t{}{current}",
                    period.code, period.starts_on, period.ends_on, period.name_vi
                );
                for target in period.targets {
                    println!(
                        "  {}\t{}\t{} {} {}\t{}",
                        target.key,
                        target.unit_code.as_deref().unwrap_or("tỉnh"),
                        target.comparison,
                        target.target,
                        target.unit,
                        target.source
                    );
                }
            }
        }
        TargetsCommand::Set {
            period,
            key,
            value,
            unit,
            comparison,
            measure,
            description_vi,
            description_en,
            source,
        } => {
            let target = TargetInput {
                key: Some(key),
                unit_code: unit,
                target: Some(value),
                unit: measure,
                comparison,
                description_vi,
                description_en,
                source,
                remove: None,
            };
            set(&mut connection, &operator, &period, vec![target]).map_err(said)?;
            println!("Đã đặt chỉ tiêu của kỳ {period}.");
        }
        TargetsCommand::Import { file } => {
            let by_period = read_csv(&file)?;
            let count: usize = by_period.iter().map(|(_, targets)| targets.len()).sum();
            connection.write_transaction(|connection| {
                for (period, targets) in by_period {
                    set(connection, &operator, &period, targets).map_err(|error| {
                        anyhow::anyhow!("{period}: {}", error.describe(Lang::Vi))
                    })?;
                }
                Ok::<_, anyhow::Error>(())
            })?;
            println!("Đã đặt {count} chỉ tiêu.");
        }
    }
    Ok(())
}

fn set(
    connection: &mut crate::db::DbConn,
    operator: &Principal,
    period: &str,
    targets: Vec<TargetInput>,
) -> Result<(), AppError> {
    let input = PeriodInput {
        targets: Some(targets),
        ..PeriodInput::default()
    };
    programme::update(connection, operator, period, input).map(drop)
}

#[derive(serde::Deserialize)]
struct Row {
    period: String,
    key: String,
    #[serde(default)]
    unit_code: Option<String>,
    target: f64,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    comparison: Option<String>,
    #[serde(default)]
    description_vi: Option<String>,
    #[serde(default)]
    description_en: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// The file's targets grouped by period, in the file's order; a bad row is named by its line.
fn read_csv(file: &Path) -> anyhow::Result<Vec<(String, Vec<TargetInput>)>> {
    let mut reader = csv::Reader::from_path(file)
        .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
    let mut grouped: Vec<(String, Vec<TargetInput>)> = Vec::new();
    for (index, row) in reader.deserialize::<Row>().enumerate() {
        let row = row.map_err(|error| anyhow::anyhow!("dòng {}: {error}", index + 2))?;
        let empty = |value: Option<String>| value.filter(|value| !value.trim().is_empty());
        let target = TargetInput {
            key: Some(row.key),
            unit_code: empty(row.unit_code),
            target: Some(row.target),
            unit: empty(row.unit),
            comparison: empty(row.comparison),
            description_vi: empty(row.description_vi),
            description_en: empty(row.description_en),
            source: empty(row.source),
            remove: None,
        };
        match grouped.iter_mut().find(|(period, _)| *period == row.period) {
            Some((_, targets)) => targets.push(target),
            None => grouped.push((row.period, vec![target])),
        }
    }
    Ok(grouped)
}
