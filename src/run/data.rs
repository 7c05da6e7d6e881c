//! The commands that move a registry's data in and out: lists to import and export, the
//! search index and progress facts derived again, backups taken and restored.

use std::io::IsTerminal;
use std::time::Instant;

use super::{parse_kind, parse_lang};
use crate::accounts;
use crate::cli::{BackupArgs, ExportArgs, ImportArgs, ReindexArgs};
use crate::config::Settings;
use crate::db;
use crate::i18n::Lang;
use crate::search::index;
use crate::startup;

pub(super) fn export(settings: &Settings, args: &ExportArgs) -> anyhow::Result<()> {
    use crate::import::export::{self, Format};
    let kind = parse_kind(&args.kind)?;
    let lang = parse_lang(&args.lang)?;
    let format = args
        .file
        .extension()
        .and_then(|extension| Format::parse(&extension.to_string_lossy().to_lowercase()))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: the file must end in .xlsx or .csv",
                args.file.display()
            )
        })?;
    let mut connection = startup::open_and_migrate(settings)?;
    let bytes = export::export(
        &mut connection,
        &accounts::Principal::operator(),
        kind,
        format,
        lang,
    )
    .map_err(|error| anyhow::anyhow!("{}", error.describe(lang)))?;
    std::fs::write(&args.file, bytes)
        .map_err(|error| anyhow::anyhow!("{}: {error}", args.file.display()))?;
    Ok(())
}

pub(super) fn import(settings: &Settings, args: &ImportArgs) -> anyhow::Result<()> {
    use crate::import::{self, Mode, Options};
    let kind = parse_kind(&args.kind)?;
    let mode = Mode::parse(&args.mode).ok_or_else(|| {
        anyhow::anyhow!(
            "--mode: {} is neither all-or-nothing nor valid-rows",
            args.mode
        )
    })?;
    let lang = parse_lang(&args.lang)?;
    let mut connection = startup::open_and_migrate(settings)?;
    let started = Instant::now();
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let (report, rows) = import::import_file(
        &mut connection,
        &accounts::Principal::operator(),
        &args.file,
        &Options {
            kind,
            mode,
            dry_run: args.dry_run,
            lang,
            review_year: args.review_year,
        },
        &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if bar.is_hidden() && done % 1000 == 0 {
                tracing::info!(done, total, "rows imported");
            }
        },
    )
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    bar.finish_and_clear();
    if let Some(out) = &args.errors_out
        && report.rejected > 0
    {
        let bytes = import::errors_workbook(&rows, &report, lang)?;
        std::fs::write(out, bytes)
            .map_err(|error| anyhow::anyhow!("{}: {error}", out.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for error in &report.errors {
            println!(
                "{} {}, {}: {} ({})",
                match lang {
                    Lang::Vi => "Dòng",
                    Lang::En => "Row",
                },
                error.row,
                error.column,
                error.message,
                error.value
            );
        }
        let kept = match (report.committed, args.dry_run, lang) {
            (true, _, Lang::Vi) => "đã lưu",
            (true, _, Lang::En) => "kept",
            (false, true, Lang::Vi) => "chạy thử, không lưu gì",
            (false, true, Lang::En) => "dry run, nothing kept",
            (false, false, Lang::Vi) => "không lưu gì",
            (false, false, Lang::En) => "nothing kept",
        };
        let seconds = started.elapsed().as_secs_f64();
        match lang {
            Lang::Vi => println!(
                "{} dòng trong {seconds:.1} giây: {} tạo mới, {} cập nhật, {} không đổi, {} bị từ chối; {kept}.",
                report.rows, report.created, report.updated, report.unchanged, report.rejected,
            ),
            Lang::En => println!(
                "{} rows in {seconds:.1} s: {} created, {} updated, {} unchanged, {} rejected; {kept}.",
                report.rows, report.created, report.updated, report.unchanged, report.rejected,
            ),
        }
    }
    if report.rejected > 0 && !report.committed {
        std::process::exit(2);
    }
    Ok(())
}

pub(super) fn progress_rebuild(settings: &Settings) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let started = Instant::now();
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut reported = 0;
    let done = crate::progress::facts::rebuild(&mut connection, &mut |subjects| {
        bar.set_message(format!("{subjects} workers and households"));
        bar.tick();
        if bar.is_hidden() && subjects >= reported + 100_000 {
            reported = subjects;
            tracing::info!(
                subjects,
                seconds = started.elapsed().as_secs_f64(),
                "progress facts"
            );
        }
    })?;
    bar.finish_and_clear();
    println!(
        "Progress facts rebuilt in {:.1} s: {} workers, {} households, {} facts.",
        started.elapsed().as_secs_f64(),
        done.workers,
        done.households,
        done.facts
    );
    Ok(())
}

pub(super) fn reindex(settings: &Settings, args: &ReindexArgs) -> anyhow::Result<()> {
    let mut connection = startup::open_and_migrate(settings)?;
    let started = Instant::now();
    let summary = index::rebuild(
        &settings.index_dir,
        &mut connection,
        std::io::stderr().is_terminal(),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "generation": summary.generation,
                "documents": summary.documents,
                "last_change": summary.last_change,
                "seconds": seconds,
            })
        );
    } else {
        println!(
            "Search index rebuilt in {seconds:.1} s: {} documents, up to change {} ({}).",
            summary.documents,
            summary.last_change,
            settings.index_dir.join(&summary.generation).display()
        );
    }
    Ok(())
}

pub(super) fn backup(settings: &Settings, args: &BackupArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let version = db::backup::backup(&settings.database_url, &args.file)?;
    let size = std::fs::metadata(&args.file)
        .map(|meta| meta.len())
        .unwrap_or(0);
    println!(
        "Backed up to {} in {:.1} s: {} MB, schema {}.",
        args.file.display(),
        started.elapsed().as_secs_f64(),
        size / 1_000_000,
        version.unwrap_or_default()
    );
    Ok(())
}

pub(super) fn restore(settings: &Settings, args: &BackupArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let version = db::backup::restore(&settings.database_url, &args.file)?;
    // A backup from an older release is brought up to this one; the index is made anew from
    // what was restored, since the one on disk has seen changes the backup never had.
    let mut connection = startup::open_and_migrate(settings)?;
    let summary = index::rebuild(
        &settings.index_dir,
        &mut connection,
        std::io::stderr().is_terminal(),
    )?;
    println!(
        "Restored {} (schema {}) in {:.1} s; search index rebuilt: {} documents.",
        args.file.display(),
        version.unwrap_or_default(),
        started.elapsed().as_secs_f64(),
        summary.documents
    );
    Ok(())
}
