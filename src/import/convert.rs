//! A spreadsheet row turned into the fields of a record: cells, names looked up to codes.

use super::*;
use crate::models;
use crate::registry::occupations::{Found, Occupations};

/// What the registry needs to resolve names to codes, loaded once per import.
pub(super) struct Lookups {
    /// Commune name (lower case, accents kept) → code of the unit in force today, old names
    /// through the reform.
    pub(super) communes: HashMap<String, String>,
    /// The same without accents, where that is still unambiguous (`Chiềng Ơn` and `Chiềng On`
    /// are two communes): `None` when two codes share it.
    pub(super) communes_folded: HashMap<String, Option<String>>,
    /// Folded name or alias → ethnicity code.
    pub(super) ethnicities: HashMap<String, String>,
    /// Folded key or name of a poverty indicator (either language) → its key.
    pub(super) indicators: HashMap<String, String>,
    /// Each fixed list's spellings, by its labels' prefix, made when first needed.
    pub(super) choices: HashMap<&'static str, HashMap<String, &'static str>>,
    /// Occupations by code, name or common spelling.
    pub(super) occupations: Occupations,
    /// The language of the messages an ambiguous name is refused with.
    pub(super) lang: Lang,
}

impl Lookups {
    pub(super) fn load(connection: &mut DbConn, lang: Lang) -> QueryResult<Lookups> {
        let today = accounts::now().date();
        let units = models::admin_units::communes_ever(connection)?;
        let successors = models::admin_units::successions(connection)?;
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
        let groups = models::ethnic_groups::with_aliases(connection)?;
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
        let named = models::poverty_indicators::names(connection)?;
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
            occupations: Occupations::load(connection)?,
            lang,
        })
    }
}

impl Lookups {
    /// The code of a fixed list's value as written.
    pub(super) fn choice(
        &mut self,
        choice: &'static Choice,
        written: &str,
    ) -> Option<&'static str> {
        let spellings = self
            .choices
            .entry(choice.prefix)
            .or_insert_with(|| choice.spellings());
        choice.read(spellings, written)
    }

    /// A commune's code from its name: exactly as written first, then without accents when
    /// only one commune goes by that.
    pub(super) fn commune(&self, name: &str) -> Option<String> {
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
pub(super) fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// `Xã Chiềng Xôm` and `chiềng  xôm` alike: lower case, NFC, without the unit's prefix.
pub(super) fn unit_key(name: &str) -> String {
    let key = text::normalize(name).to_lowercase();
    for prefix in ["thị trấn ", "xã ", "phường "] {
        if let Some(rest) = key.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    key
}

pub(super) type Fields = serde_json::Map<String, serde_json::Value>;

/// The row as the registry's JSON input; errors for cells that cannot be read at all.
pub(super) fn convert(
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
            Value::Occupations => {
                let mut codes = Vec::new();
                for item in items(&shown) {
                    match occupation(lookups, item, &fail) {
                        Ok(code) => codes.push(serde_json::Value::from(code)),
                        Err(error) => errors.push(*error),
                    }
                }
                Ok(codes.into())
            }
            Value::Occupation => occupation(lookups, &shown, &fail)
                .map(Into::into)
                .map_err(|error| *error),
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

/// The code of one occupation as written, or the error that names the item: unknown, or the
/// occupations it could be.
fn occupation(
    lookups: &Lookups,
    item: &str,
    fail: &dyn Fn(&str) -> RowError,
) -> Result<String, Box<RowError>> {
    match lookups.occupations.find(item) {
        Found::Code(code) => Ok(code),
        Found::Unknown => Err(Box::new(RowError {
            value: item.to_owned(),
            ..fail("unknown_occupation_name")
        })),
        Found::Ambiguous(codes) => {
            let candidates = lookups.occupations.label(&codes);
            Err(Box::new(RowError {
                value: item.to_owned(),
                message: i18n::field_message(
                    "ambiguous_occupation",
                    lookups.lang,
                    &[("candidates", candidates)],
                ),
                ..fail("ambiguous_occupation")
            }))
        }
    }
}

/// A code of digits as written; a spreadsheet that took it for a number dropped its leading
/// zeros, which are put back up to `width` digits.
pub(super) fn digits(cell: &Cell, width: usize) -> String {
    match cell {
        Cell::Number(number) if number.fract() == 0.0 && *number >= 0.0 => {
            format!("{:0width$}", *number as u64)
        }
        other => other.display(),
    }
}

/// The employer a tax code names (archived ones are not found).
pub(super) fn employer_id(connection: &mut DbConn, tax_code: &str) -> QueryResult<Option<String>> {
    let ids = models::employers::live_ids_by_tax_code(connection, tax_code)?;
    Ok(ids.into_iter().next())
}

/// The household a code names (archived ones are not found).
pub(super) fn household_id(connection: &mut DbConn, code: &str) -> QueryResult<Option<String>> {
    models::households::live_id_by_code(connection, code)
}

pub(super) fn integer(cell: &Cell) -> Option<i64> {
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

pub(super) fn boolean(raw: &str) -> Option<bool> {
    match text::fold(raw).as_str() {
        "x" | "co" | "c" | "yes" | "y" | "true" | "1" | "dong y" => Some(true),
        "khong" | "k" | "no" | "n" | "false" | "0" | "-" => Some(false),
        _ => None,
    }
}

pub(super) fn gender(raw: &str) -> String {
    match text::fold(raw).as_str() {
        "nam" | "male" | "m" => "male".to_owned(),
        "nu" | "female" | "f" => "female".to_owned(),
        _ => raw.to_owned(),
    }
}

/// An Excel date, a serial, `dd/mm/yyyy` (or with `-` or `.`) or `yyyy-mm-dd`.
pub(super) fn date(cell: &Cell) -> Option<NaiveDate> {
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
