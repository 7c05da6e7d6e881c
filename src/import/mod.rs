//! Imports of the lists communes keep in spreadsheets. Each row goes through the registry's own
//! create or update (the same validation, audit, search changes and progress counts as the
//! API), upserted by its natural key: a household by its code, a worker by CCCD. A row that
//! would change nothing is left alone and counted `unchanged`, so importing a file twice
//! changes nothing the second time.
//!
//! `all-or-nothing` (default) runs the file in one transaction and keeps none of it when a row
//! is rejected; `valid-rows` keeps the good rows. Each row runs in a savepoint, so a rejected
//! row never leaves half of itself behind; a process killed mid-import leaves nothing, as the
//! transaction never committed.

pub mod bench;
pub mod columns;
pub mod export;
pub mod jobs;
pub mod limits;
pub mod sheet;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use self::columns::{Choice, Column, Value};
use self::sheet::{Cell, Row};
use crate::accounts::{self, Principal};
use crate::db::DbConn;
use crate::db::schema::{
    admin_unit_successors, admin_units, courses, employers, ethnic_groups, households,
    poverty_indicators, vacancies, workers,
};
use crate::domain::text;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::registry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Households,
    Workers,
    Employers,
    Vacancies,
    Courses,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Households,
        Kind::Workers,
        Kind::Employers,
        Kind::Vacancies,
        Kind::Courses,
    ];

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == raw)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Workers => "workers",
            Kind::Employers => "employers",
            Kind::Vacancies => "vacancies",
            Kind::Courses => "courses",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Households => columns::HOUSEHOLDS,
            Kind::Workers => columns::WORKERS,
            Kind::Employers => columns::EMPLOYERS,
            Kind::Vacancies => columns::VACANCIES,
            Kind::Courses => columns::COURSES,
        }
    }

    /// The column that reads `field`.
    fn column(self, field: &str) -> Option<&'static Column> {
        self.columns().iter().find(|column| column.field == field)
    }

    /// The columns a row is found again by: its natural key. A vacancy has no code of its
    /// own, so it is its employer's and its title; a course its provider's, title and start.
    /// Two open vacancies may share those and a worker may have no CCCD yet, so exports of
    /// workers, vacancies and courses also carry the record's id (`Mã hệ thống`), which finds
    /// the row first when present.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Households => &["code"],
            Kind::Workers => &["national_id"],
            Kind::Employers => &["tax_code"],
            Kind::Vacancies => &["employer_id", "title"],
            Kind::Courses => &["provider", "title", "starts_on"],
        }
    }

    /// The registry's record as JSON.
    fn read(
        self,
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<serde_json::Value, AppError> {
        match self {
            Kind::Households => to_json(&registry::households::read(connection, principal, id)?),
            Kind::Workers => registry::workers::read(connection, principal, id),
            Kind::Employers => to_json(&registry::employers::read(connection, principal, id)?),
            Kind::Vacancies => to_json(&registry::vacancies::read(connection, principal, id)?),
            Kind::Courses => to_json(&registry::courses::read(connection, Some(principal), id)?),
        }
    }

    fn update(
        self,
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        fields: Fields,
    ) -> Result<serde_json::Value, AppError> {
        match self {
            Kind::Households => to_json(&registry::households::update(
                connection,
                principal,
                id,
                parse(fields)?,
            )?),
            Kind::Workers => registry::workers::update(connection, principal, id, parse(fields)?),
            Kind::Employers => to_json(&registry::employers::update(
                connection,
                principal,
                id,
                parse(fields)?,
            )?),
            Kind::Vacancies => to_json(&registry::vacancies::update(
                connection,
                principal,
                id,
                parse(fields)?,
            )?),
            Kind::Courses => to_json(&registry::courses::update(
                connection,
                principal,
                id,
                parse(fields)?,
            )?),
        }
    }

    /// Creates the record; a household's progress facts are left to the caller.
    fn create(
        self,
        connection: &mut DbConn,
        principal: &Principal,
        fields: Fields,
    ) -> Result<Outcome, AppError> {
        match self {
            Kind::Households => {
                return Ok(Outcome::Created(Some(
                    registry::households::create_for_import(
                        connection,
                        principal,
                        parse(fields)?,
                        registry::households::Facts::Later,
                    )?,
                )));
            }
            Kind::Workers => {
                registry::workers::create(connection, principal, parse(fields)?)?;
            }
            Kind::Employers => {
                registry::employers::create(connection, principal, parse(fields)?)?;
            }
            Kind::Vacancies => {
                registry::vacancies::create(connection, principal, parse(fields)?)?;
            }
            Kind::Courses => {
                registry::courses::create(connection, principal, parse(fields)?)?;
            }
        }
        Ok(Outcome::Created(None))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    AllOrNothing,
    ValidRows,
}

impl Mode {
    pub fn parse(raw: &str) -> Option<Mode> {
        match raw {
            "all-or-nothing" => Some(Mode::AllOrNothing),
            "valid-rows" => Some(Mode::ValidRows),
            _ => None,
        }
    }
}

/// One rejected row: where, what, and why.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    /// The header as the file writes it (empty when the row as a whole is at fault).
    pub column: String,
    pub value: String,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: Kind,
    pub mode: Mode,
    pub dry_run: bool,
    /// Whether the rows below were kept.
    pub committed: bool,
    /// The header's row number.
    pub header_row: usize,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Sheet(#[from] sheet::SheetError),
    #[error("{0}")]
    Header(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Unexpected(String),
}

impl ImportError {
    /// Why the import failed, in `lang`, for the person who started it: no server path, no
    /// database internals.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImportError::Sheet(error) => error.message(lang),
            ImportError::Header(message) => message.clone(),
            ImportError::Database(_) | ImportError::Unexpected(_) => {
                tracing::error!(error = %self, "import failed");
                jobs::failure_message(lang)
            }
        }
    }
}

pub struct Options {
    pub kind: Kind,
    pub mode: Mode,
    pub dry_run: bool,
    pub lang: Lang,
}

/// Imports a file; `progress` hears how many data rows are done.
pub fn import_file(
    connection: &mut DbConn,
    principal: &Principal,
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(ImportReport, Vec<Row>), ImportError> {
    let rows = sheet::read(path)?;
    let report = import_rows(connection, principal, &rows, options, progress)?;
    Ok((report, rows))
}

/// Where each known column is, found in the first rows that name at least two of them (title
/// rows above the header are skipped).
fn locate_header(rows: &[Row], kind: Kind) -> Option<(usize, Vec<(usize, &'static Column)>)> {
    rows.iter().enumerate().take(30).find_map(|(index, row)| {
        let mut found: Vec<(usize, &'static Column)> = Vec::new();
        for (position, cell) in row.cells.iter().enumerate() {
            if let Cell::Text(header) = cell
                && let Some(column) = columns::find(kind.columns(), header)
                && !found.iter().any(|(_, known)| known.field == column.field)
            {
                found.push((position, column));
            }
        }
        let keyed = kind
            .keys()
            .iter()
            .all(|key| found.iter().any(|(_, column)| column.field == *key));
        (found.len() >= 2 && keyed).then_some((index, found))
    })
}

pub fn import_rows(
    connection: &mut DbConn,
    principal: &Principal,
    rows: &[Row],
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let kind = options.kind;
    let Some((header_index, located)) = locate_header(rows, kind) else {
        let language = usize::from(options.lang == Lang::En);
        let wanted: Vec<&str> = kind
            .columns()
            .iter()
            .filter(|column| kind.keys().contains(&column.field))
            .map(|column| column.header[language])
            .collect();
        return Err(ImportError::Header(match options.lang {
            Lang::Vi => format!(
                "Không tìm thấy dòng tiêu đề trong 30 dòng đầu: cần (các) cột khóa ({}) và ít nhất một cột khác.",
                wanted.join(", ")
            ),
            Lang::En => format!(
                "No header row in the first 30 rows: it needs the key column(s) ({}) and at least one other.",
                wanted.join(", ")
            ),
        }));
    };
    let headers: HashMap<&str, (String, usize)> = located
        .iter()
        .map(|(position, column)| {
            (
                column.field,
                (rows[header_index].cells[*position].display(), *position),
            )
        })
        .collect();
    let data: Vec<&Row> = rows[header_index + 1..]
        .iter()
        .filter(|row| row.cells.iter().any(|cell| !cell.is_empty()))
        .collect();
    let mut report = ImportReport {
        kind,
        mode: options.mode,
        dry_run: options.dry_run,
        committed: false,
        header_row: rows[header_index].number,
        rows: data.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        errors: Vec::new(),
    };
    let mut lookups = Lookups::load(connection)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let context = RowContext {
        principal,
        kind,
        located: &located,
        headers: &headers,
        lang: options.lang,
    };
    let outcome = connection.write_transaction(|connection| {
        let mut done = 0;
        for chunk in data.chunks(CHUNK_ROWS) {
            // The chunk runs in one savepoint without one per row. A row the registry refuses
            // may have written part of itself (and on PostgreSQL a failed statement spoils the
            // transaction), so then the chunk is undone and run again with a savepoint per row.
            let mut results = Vec::with_capacity(chunk.len());
            let fast = connection.write_transaction(|connection| {
                for row in chunk {
                    let result =
                        import_row(connection, &mut lookups, &mut seen, &context, row, false)?;
                    if matches!(result, RowResult::Refused(_)) {
                        return Err(diesel::result::Error::RollbackTransaction);
                    }
                    results.push(result);
                }
                refresh_created(connection, &results)
            });
            match fast {
                Ok(()) => {}
                Err(diesel::result::Error::RollbackTransaction) => {
                    let numbers: std::collections::HashSet<usize> =
                        chunk.iter().map(|row| row.number).collect();
                    seen.retain(|_, first| !numbers.contains(first));
                    results.clear();
                    for row in chunk {
                        results.push(import_row(
                            connection,
                            &mut lookups,
                            &mut seen,
                            &context,
                            row,
                            true,
                        )?);
                    }
                    refresh_created(connection, &results)?;
                }
                Err(error) => return Err(error),
            }
            for result in results {
                match result {
                    RowResult::Created(_) => report.created += 1,
                    RowResult::Updated => report.updated += 1,
                    RowResult::Unchanged => report.unchanged += 1,
                    RowResult::Rejected(errors) | RowResult::Refused(errors) => {
                        report.rejected += 1;
                        report.errors.extend(errors);
                    }
                }
                done += 1;
            }
            progress(done, data.len());
        }
        let keep = !options.dry_run && (report.rejected == 0 || options.mode == Mode::ValidRows);
        if keep {
            Ok(())
        } else {
            Err(diesel::result::Error::RollbackTransaction)
        }
    });
    match outcome {
        Ok(()) => report.committed = true,
        Err(diesel::result::Error::RollbackTransaction) => report.committed = false,
        Err(error) => return Err(error.into()),
    }
    Ok(report)
}

/// Derives the progress facts of the households a chunk created, in one go.
fn refresh_created(connection: &mut DbConn, results: &[RowResult]) -> QueryResult<()> {
    let created: Vec<String> = results
        .iter()
        .filter_map(|result| match result {
            RowResult::Created(Some(id)) => Some(id.clone()),
            _ => None,
        })
        .collect();
    crate::progress::facts::refresh_new_households(connection, &created)
}

/// Rows written between savepoints: enough that SQLite's savepoint journal is not paid per row,
/// few enough that a refused row costs little to run again.
const CHUNK_ROWS: usize = 500;

/// What every row of one import shares.
struct RowContext<'a> {
    principal: &'a Principal,
    kind: Kind,
    located: &'a [(usize, &'static Column)],
    /// Field → the header as the file writes it, and its position.
    headers: &'a HashMap<&'static str, (String, usize)>,
    lang: Lang,
}

enum RowResult {
    /// With the id of a household whose progress facts are still to be derived.
    Created(Option<String>),
    Updated,
    Unchanged,
    /// Refused before anything was written: the row could not be read or repeats an earlier one.
    Rejected(Vec<RowError>),
    /// Refused by the registry, which may have written part of the row first.
    Refused(Vec<RowError>),
}

/// One data row: read, checked against the file's earlier rows, upserted. With `savepoint`,
/// a row the registry refuses leaves nothing behind.
fn import_row(
    connection: &mut DbConn,
    lookups: &mut Lookups,
    seen: &mut HashMap<String, usize>,
    context: &RowContext,
    row: &Row,
    savepoint: bool,
) -> QueryResult<RowResult> {
    let kind = context.kind;
    let lang = context.lang;
    let result = match convert(connection, lookups, kind, context.located, row)? {
        Err(errors) => RowResult::Rejected(errors),
        Ok(fields) => {
            let key = ["id"]
                .iter()
                .filter(|_| fields.contains_key("id"))
                .chain(kind.keys().iter().filter(|_| !fields.contains_key("id")))
                .map(|key| {
                    fields
                        .get(*key)
                        .and_then(|value| value.as_str())
                        .map(text::fold)
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("\u{1f}");
            match seen.get(&key) {
                Some(first) => RowResult::Rejected(vec![RowError {
                    row: row.number,
                    column: String::new(),
                    value: String::new(),
                    field: kind.keys()[0].to_owned(),
                    code: "duplicate_in_file".to_owned(),
                    message: match lang {
                        Lang::Vi => format!("Trùng với dòng {first} của tệp."),
                        Lang::En => format!("The same as row {first} of the file."),
                    },
                }]),
                _ => {
                    seen.insert(key, row.number);
                    match upsert(connection, context.principal, kind, fields, savepoint)? {
                        Ok(Outcome::Created(pending)) => RowResult::Created(pending),
                        Ok(Outcome::Updated) => RowResult::Updated,
                        Ok(Outcome::Unchanged) => RowResult::Unchanged,
                        Err(error) => RowResult::Refused(describe(&error, row, kind, lang)),
                    }
                }
            }
        }
    };
    Ok(match result {
        RowResult::Rejected(errors) => RowResult::Rejected(complete(errors, context, row)),
        RowResult::Refused(errors) => RowResult::Refused(complete(errors, context, row)),
        other => other,
    })
}

/// Names each error's column as the file writes it, its value, and its message.
fn complete(mut errors: Vec<RowError>, context: &RowContext, row: &Row) -> Vec<RowError> {
    for error in &mut errors {
        if let Some((header, position)) = context.headers.get(error.field.as_str()) {
            error.column.clone_from(header);
            if error.value.is_empty() {
                error.value = row
                    .cells
                    .get(*position)
                    .map(Cell::display)
                    .unwrap_or_default();
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
fn sheet_message(
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

enum Outcome {
    /// With the id of a household whose progress facts are still to be derived.
    Created(Option<String>),
    Updated,
    Unchanged,
}

/// A registry error of one row; its column, value and message are filled in by the caller.
fn describe(error: &AppError, row: &Row, kind: Kind, lang: Lang) -> Vec<RowError> {
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

/// What the registry needs to resolve names to codes, loaded once per import.
struct Lookups {
    /// Commune name (lower case, accents kept) → code of the unit in force today, old names
    /// through the reform.
    communes: HashMap<String, String>,
    /// The same without accents, where that is still unambiguous (`Chiềng Ơn` and `Chiềng On`
    /// are two communes): `None` when two codes share it.
    communes_folded: HashMap<String, Option<String>>,
    /// Folded name or alias → ethnicity code.
    ethnicities: HashMap<String, String>,
    /// Folded key or name of a poverty indicator (either language) → its key.
    indicators: HashMap<String, String>,
    /// Each fixed list's spellings, by its labels' prefix, made when first needed.
    choices: HashMap<&'static str, HashMap<String, &'static str>>,
}

impl Lookups {
    fn load(connection: &mut DbConn) -> QueryResult<Lookups> {
        let today = accounts::now().date();
        let units: Vec<(String, String, String, Option<NaiveDate>)> = admin_units::table
            .filter(admin_units::kind.eq_any(["commune", "ward", "town"]))
            .select((
                admin_units::id,
                admin_units::code,
                admin_units::name,
                admin_units::valid_to,
            ))
            .load(connection)?;
        let successors: Vec<(String, String)> = admin_unit_successors::table
            .select((
                admin_unit_successors::predecessor_id,
                admin_unit_successors::successor_id,
            ))
            .load(connection)?;
        let code_of: HashMap<&str, &str> = units
            .iter()
            .map(|(id, code, _, _)| (id.as_str(), code.as_str()))
            .collect();
        let mut communes = HashMap::new();
        // Old names first, so a name still in force wins.
        let (old, current): (Vec<_>, Vec<_>) = units
            .iter()
            .partition(|(_, _, _, valid_to)| valid_to.is_some_and(|end| end < today));
        for (id, _, name, _) in old {
            if let Some((_, successor)) = successors.iter().find(|(from, _)| from == id)
                && let Some(code) = code_of.get(successor.as_str())
            {
                communes.insert(unit_key(name), (*code).to_owned());
            }
        }
        for (_, code, name, _) in current {
            communes.insert(unit_key(name), code.clone());
        }
        let mut communes_folded: HashMap<String, Option<String>> = HashMap::new();
        for (name, code) in &communes {
            communes_folded
                .entry(text::fold(name))
                .and_modify(|known| {
                    if known.as_deref() != Some(code.as_str()) {
                        *known = None;
                    }
                })
                .or_insert_with(|| Some(code.clone()));
        }
        let groups: Vec<(String, String, String)> = ethnic_groups::table
            .select((
                ethnic_groups::code,
                ethnic_groups::name,
                ethnic_groups::aliases,
            ))
            .load(connection)?;
        let mut ethnicities = HashMap::new();
        for (code, name, aliases) in groups {
            for alias in aliases.split(';') {
                let alias = alias.split('(').next().unwrap_or_default();
                if !alias.trim().is_empty() {
                    ethnicities.insert(columns::header_key(alias), code.clone());
                }
            }
            ethnicities.insert(columns::header_key(&name), code);
        }
        let mut indicators = HashMap::new();
        let named: Vec<(String, String, String)> = poverty_indicators::table
            .select((
                poverty_indicators::key,
                poverty_indicators::name_vi,
                poverty_indicators::name_en,
            ))
            .load(connection)?;
        for (key, vi, en) in named {
            for name in [&key, &vi, &en] {
                indicators.insert(columns::header_key(name), key.clone());
            }
        }
        Ok(Lookups {
            communes,
            communes_folded,
            ethnicities,
            indicators,
            choices: HashMap::new(),
        })
    }
}

impl Lookups {
    /// The code of a fixed list's value as written.
    fn choice(&mut self, choice: &'static Choice, written: &str) -> Option<&'static str> {
        let spellings = self
            .choices
            .entry(choice.prefix)
            .or_insert_with(|| choice.spellings());
        choice.read(spellings, written)
    }

    /// A commune's code from its name: exactly as written first, then without accents when
    /// only one commune goes by that.
    fn commune(&self, name: &str) -> Option<String> {
        let key = unit_key(name);
        self.communes.get(&key).cloned().or_else(|| {
            self.communes_folded
                .get(&text::fold(&key))
                .cloned()
                .flatten()
        })
    }
}

/// The items of a list cell: separated by `,` or `;`, blanks left out.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// `Xã Chiềng Xôm` and `chiềng  xôm` alike: lower case, NFC, without the unit's prefix.
fn unit_key(name: &str) -> String {
    let key = text::normalize(name).to_lowercase();
    for prefix in ["thị trấn ", "xã ", "phường "] {
        if let Some(rest) = key.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    key
}

type Fields = serde_json::Map<String, serde_json::Value>;

/// The row as the registry's JSON input; errors for cells that cannot be read at all.
fn convert(
    connection: &mut DbConn,
    lookups: &mut Lookups,
    kind: Kind,
    located: &[(usize, &'static Column)],
    row: &Row,
) -> QueryResult<Result<Fields, Vec<RowError>>> {
    let mut fields = Fields::new();
    let mut errors = Vec::new();
    for (position, column) in located {
        let cell = row.cells.get(*position).cloned().unwrap_or(Cell::Empty);
        if cell.is_empty() {
            continue;
        }
        let shown = cell.display();
        let fail = |code: &str| RowError {
            row: row.number,
            column: String::new(),
            value: shown.clone(),
            field: column.field.to_owned(),
            code: code.to_owned(),
            message: String::new(),
        };
        let value: Result<serde_json::Value, RowError> = match column.value {
            Value::Text => Ok(shown.clone().into()),
            Value::Integer => integer(&cell)
                .map(Into::into)
                .ok_or_else(|| fail("invalid_number")),
            Value::Boolean => boolean(&shown)
                .map(Into::into)
                .ok_or_else(|| fail("invalid_boolean")),
            Value::Date => date(&cell)
                .map(|day| day.format("%Y-%m-%d").to_string().into())
                .ok_or_else(|| fail("invalid_date")),
            Value::Gender => Ok(gender(&shown).into()),
            // A value it cannot name goes on as written, for the registry to refuse by field.
            Value::Choice(choice) => Ok(lookups
                .choice(choice, &shown)
                .map_or(shown.clone(), str::to_owned)
                .into()),
            Value::Ethnicity => Ok(match integer(&cell) {
                Some(number) => format!("{number:02}"),
                None => lookups
                    .ethnicities
                    .get(&columns::header_key(&shown))
                    .cloned()
                    .unwrap_or(shown.clone()),
            }
            .into()),
            Value::Commune => Ok(match integer(&cell) {
                Some(number) => format!("{number:05}"),
                None => lookups.commune(&shown).unwrap_or(shown.clone()),
            }
            .into()),
            Value::List => Ok(items(&shown)
                .map(|item| serde_json::Value::from(item.to_owned()))
                .collect::<Vec<_>>()
                .into()),
            // A name it does not know goes on as written, for the registry to refuse.
            Value::Indicators => Ok(items(&shown)
                .map(|item| {
                    lookups
                        .indicators
                        .get(&columns::header_key(item))
                        .map_or(item, String::as_str)
                        .to_owned()
                        .into()
                })
                .collect::<Vec<serde_json::Value>>()
                .into()),
            Value::Household => household_id(connection, &shown)?
                .map(Into::into)
                .ok_or_else(|| fail("unknown_household")),
            Value::Digits(width) => Ok(digits(&cell, width).into()),
            Value::Employer => employer_id(connection, &digits(&cell, 10))?
                .map(Into::into)
                .ok_or_else(|| fail("unknown_employer")),
        };
        match value {
            Ok(value) => {
                fields.insert(column.field.to_owned(), value);
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty()
        && !fields.contains_key("id")
        && let Some(missing) = kind.keys().iter().find(|key| !fields.contains_key(**key))
    {
        errors.push(RowError {
            row: row.number,
            column: String::new(),
            value: String::new(),
            field: (*missing).to_owned(),
            code: "required".to_owned(),
            message: String::new(),
        });
    }
    Ok(if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    })
}

/// A code of digits as written; a spreadsheet that took it for a number dropped its leading
/// zeros, which are put back up to `width` digits.
fn digits(cell: &Cell, width: usize) -> String {
    match cell {
        Cell::Number(number) if number.fract() == 0.0 && *number >= 0.0 => {
            format!("{:0width$}", *number as u64)
        }
        other => other.display(),
    }
}

/// The employer a tax code names (archived ones are not found).
fn employer_id(connection: &mut DbConn, tax_code: &str) -> QueryResult<Option<String>> {
    employers::table
        .filter(employers::tax_code.eq(tax_code))
        .filter(employers::archived_at.is_null())
        .select(employers::id)
        .first(connection)
        .optional()
}

/// The household a code names (archived ones are not found).
fn household_id(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    households::table
        .filter(households::code.eq(code))
        .filter(households::archived_at.is_null())
        .select(households::id)
        .first(connection)
        .optional()
}

fn integer(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Number(number) if number.fract() == 0.0 => Some(*number as i64),
        // 1.500.000 or 1,500,000 or 1 500 000
        Cell::Text(raw) => {
            let digits: String = raw
                .chars()
                .filter(|c| !matches!(c, '.' | ',' | ' '))
                .collect();
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        }
        _ => None,
    }
}

fn boolean(raw: &str) -> Option<bool> {
    match text::fold(raw).as_str() {
        "x" | "co" | "c" | "yes" | "y" | "true" | "1" | "dong y" => Some(true),
        "khong" | "k" | "no" | "n" | "false" | "0" | "-" => Some(false),
        _ => None,
    }
}

fn gender(raw: &str) -> String {
    match text::fold(raw).as_str() {
        "nam" | "male" | "m" => "male".to_owned(),
        "nu" | "female" | "f" => "female".to_owned(),
        _ => raw.to_owned(),
    }
}

/// An Excel date, a serial, `dd/mm/yyyy` (or with `-` or `.`) or `yyyy-mm-dd`.
fn date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(day) => Some(*day),
        Cell::Number(serial) => sheet::serial_day(*serial),
        Cell::Text(raw) => {
            let raw = raw.trim();
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().or_else(|| {
                let parts: Vec<&str> = raw.split(['/', '-', '.']).collect();
                match parts.as_slice() {
                    [day, month, year] if year.len() == 4 => NaiveDate::from_ymd_opt(
                        year.parse().ok()?,
                        month.parse().ok()?,
                        day.parse().ok()?,
                    ),
                    _ => None,
                }
            })
        }
        Cell::Empty => None,
    }
}

/// Creates the record, or updates the one with the same key; an update that changes nothing
/// is undone and counted unchanged. A create runs in a savepoint only when asked: the caller's
/// chunk savepoint covers it otherwise.
fn upsert(
    connection: &mut DbConn,
    principal: &Principal,
    kind: Kind,
    mut fields: Fields,
    savepoint: bool,
) -> QueryResult<Result<Outcome, AppError>> {
    let existing = match find(connection, kind, &fields)? {
        Ok(existing) => existing,
        Err(error) => return Ok(Err(error)),
    };
    // The id finds the record; it is not a field the registry takes.
    fields.remove("id");
    let Some((id, person)) = existing else {
        return Ok(if savepoint {
            connection.write_transaction(|connection| kind.create(connection, principal, fields))
        } else {
            kind.create(connection, principal, fields)
        });
    };
    if let Some((name, born)) = &person {
        let other_name = fields
            .get("full_name")
            .and_then(|value| value.as_str())
            .is_some_and(|sent| text::fold(sent) != text::fold(name));
        let other_birth = fields
            .get("birth_date")
            .and_then(|value| value.as_str())
            .is_some_and(|sent| sent != born.format("%Y-%m-%d").to_string());
        if other_name || other_birth {
            // The CCCD belongs to someone else: never overwrite a person with another.
            return Ok(Err(AppError::field("national_id", "national_id_conflict")));
        }
    }
    // A row the registry already holds as written is left alone without writing anything;
    // anything else goes through the update, which decides.
    match kind.read(connection, principal, &id) {
        Ok(view) if holds(&view, &fields) => return Ok(Ok(Outcome::Unchanged)),
        Ok(_) => {}
        Err(error) => return Ok(Err(error)),
    }
    // Always in a savepoint: an update that changes nothing is rolled back.
    let result = connection.write_transaction(|connection| -> Result<Outcome, AppError> {
        let before = kind.read(connection, principal, &id)?;
        let after = kind.update(connection, principal, &id, fields)?;
        same_or_updated(before, after)
    });
    match result {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(AppError::Conflict("import_unchanged")) => Ok(Ok(Outcome::Unchanged)),
        Err(error) => Ok(Err(error)),
    }
}

/// A worker's name and birth date, to tell the same person from another with that CCCD.
type Person = Option<(String, NaiveDate)>;

/// The record the row's natural key names, if any. Two open vacancies (or courses) under one
/// key cannot be told apart: the row is refused rather than written to either.
fn find(
    connection: &mut DbConn,
    kind: Kind,
    fields: &Fields,
) -> QueryResult<Result<Option<(String, Person)>, AppError>> {
    let text = |field: &str| {
        fields
            .get(field)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let id = text("id");
    let ids: Vec<String> = match kind {
        Kind::Workers if !id.is_empty() => workers::table
            .filter(workers::id.eq(&id))
            .filter(workers::archived_at.is_null())
            .select(workers::id)
            .load(connection)?,
        Kind::Vacancies if !id.is_empty() => vacancies::table
            .filter(vacancies::id.eq(&id))
            .filter(vacancies::archived_at.is_null())
            .select(vacancies::id)
            .load(connection)?,
        Kind::Courses if !id.is_empty() => courses::table
            .filter(courses::id.eq(&id))
            .filter(courses::archived_at.is_null())
            .select(courses::id)
            .load(connection)?,
        Kind::Households => {
            return Ok(Ok(
                household_id(connection, &text("code"))?.map(|id| (id, None))
            ));
        }
        Kind::Workers => {
            return Ok(Ok(workers::table
                .filter(workers::national_id.eq(text("national_id")))
                .select((workers::id, workers::full_name, workers::birth_date))
                .first::<(String, String, NaiveDate)>(connection)
                .optional()?
                .map(|(id, name, born)| (id, Some((name, born))))));
        }
        Kind::Employers => employers::table
            .filter(employers::tax_code.eq(text("tax_code")))
            .filter(employers::archived_at.is_null())
            .select(employers::id)
            .load(connection)?,
        Kind::Vacancies => vacancies::table
            .filter(vacancies::employer_id.eq(text("employer_id")))
            .filter(vacancies::title.eq(text::normalize(&text("title"))))
            .filter(vacancies::archived_at.is_null())
            .select(vacancies::id)
            .load(connection)?,
        Kind::Courses => {
            let Ok(starts_on) = NaiveDate::parse_from_str(&text("starts_on"), "%Y-%m-%d") else {
                return Ok(Ok(None));
            };
            courses::table
                .filter(courses::provider.eq(text::normalize(&text("provider"))))
                .filter(courses::title.eq(text::normalize(&text("title"))))
                .filter(courses::starts_on.eq(starts_on))
                .filter(courses::archived_at.is_null())
                .select(courses::id)
                .load(connection)?
        }
    };
    Ok(match ids.as_slice() {
        [] if !id.is_empty() => Err(AppError::field("id", "unknown_record")),
        [] => Ok(None),
        [id] => Ok(Some((id.clone(), None))),
        _ => Err(AppError::field(kind.keys()[0], "import_ambiguous")),
    })
}

/// The row as the registry's input type.
fn parse<T: serde::de::DeserializeOwned>(fields: Fields) -> Result<T, AppError> {
    serde_json::from_value(fields.into()).map_err(bad_input)
}

/// Whether every field of the row already has that value in the record's view (lists in any
/// order).
fn holds(view: &serde_json::Value, fields: &Fields) -> bool {
    let sorted = |value: &serde_json::Value| -> Option<Vec<String>> {
        value.as_array().map(|items| {
            let mut items: Vec<String> = items.iter().map(ToString::to_string).collect();
            items.sort();
            items
        })
    };
    fields.iter().all(|(field, value)| match view.get(field) {
        Some(held) if value.is_array() => sorted(held) == sorted(value),
        Some(held) => held == value,
        None => false,
    })
}

fn bad_input(error: serde_json::Error) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("import row: {error}"))
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError::Unexpected(error.into()))
}

/// Unchanged when nothing but the times moved: then the update is rolled back.
fn same_or_updated(
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<Outcome, AppError> {
    let strip = |mut value: serde_json::Value| {
        if let Some(object) = value.as_object_mut() {
            object.retain(|key, _| !key.ends_with("_at"));
        }
        value
    };
    if strip(before) == strip(after) {
        Err(AppError::Conflict("import_unchanged"))
    } else {
        Ok(Outcome::Updated)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheets_reasons_speak_of_cells_names_and_labels() {
        let education = Kind::Workers.column("education_level");
        let codes = [("choices", "none, primary".to_owned())];
        let vi = sheet_message("invalid_choice", Lang::Vi, &codes, education);
        assert!(vi.contains("Trung học cơ sở"), "{vi}");
        assert!(!vi.contains("lower_secondary"), "{vi}");
        let en = sheet_message("invalid_choice", Lang::En, &codes, education);
        assert!(en.contains("Lower secondary"), "{en}");
        // A column of free text keeps the registry's own list.
        let plain = sheet_message("invalid_choice", Lang::Vi, &codes, None);
        assert!(plain.ends_with("none, primary."), "{plain}");
        assert!(
            sheet_message("invalid_date", Lang::Vi, &[], None).contains("dd/mm/yyyy"),
            "a date as a spreadsheet writes it"
        );
    }
}
