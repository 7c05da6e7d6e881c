//! Validation: the field errors a request collects before anything is written.

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        FieldError {
            field: field.into(),
            code,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params.push((name, value.into()));
        self
    }
}

/// The field errors of a request that failed its checks (answered as 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

/// Collects field errors while a request is checked, then fails with all of them at once.
#[derive(Default)]
pub struct Checks {
    pub errors: Vec<FieldError>,
}

impl Checks {
    pub fn fail(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError::new(field, code));
    }

    pub fn fail_with(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// An amount of đồng: not negative, and under [`values::MAX_MONTHLY_VND`].
    ///
    /// [`values::MAX_MONTHLY_VND`]: super::values::MAX_MONTHLY_VND
    pub fn amount(&mut self, field: &str, value: i64) -> Option<i64> {
        match super::values::monthly_vnd(value) {
            Ok(value) => Some(value),
            Err(_) if value < 0 => {
                self.fail(field, "not_negative");
                None
            }
            Err(code) => {
                self.fail_with(
                    FieldError::new(field, code)
                        .with("min", "0")
                        .with("max", (super::values::MAX_MONTHLY_VND - 1).to_string()),
                );
                None
            }
        }
    }

    /// A field a PATCH may set, clear or leave: `Some(Some(raw))` is checked by `parse` (whose
    /// error code is the field's), `Some(None)` clears it, `None` keeps what `kept` gives.
    pub fn nullable<T>(
        &mut self,
        field: &str,
        sent: Option<&Option<String>>,
        parse: impl FnOnce(&str) -> Result<T, &'static str>,
        kept: impl FnOnce() -> Option<T>,
    ) -> Option<T> {
        match sent {
            Some(Some(raw)) => match parse(raw) {
                Ok(value) => Some(value),
                Err(code) => {
                    self.fail(field, code);
                    None
                }
            },
            Some(None) => None,
            None => kept(),
        }
    }

    /// A required value: the one sent, else the stored one, else an error.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.fail(field, "required");
        }
        value
    }

    /// Free text, normalised and length-checked.
    pub fn text(
        &mut self,
        field: &str,
        raw: &str,
        max: usize,
        allow_empty: bool,
    ) -> Option<String> {
        match super::values::text_field(raw, max) {
            Ok(value) if value.is_empty() && !allow_empty => {
                self.fail(field, "empty");
                None
            }
            Ok(value) => Some(value),
            Err((code, max)) => {
                self.fail_with(FieldError::new(field, code).with("max", max.to_string()));
                None
            }
        }
    }

    /// A day that has already come (`YYYY-MM-DD`), `today` when none is sent.
    pub fn past_day(
        &mut self,
        field: &str,
        raw: Option<&str>,
        today: chrono::NaiveDate,
    ) -> Option<chrono::NaiveDate> {
        let Some(raw) = raw else {
            return Some(today);
        };
        match super::values::date(raw) {
            Ok(day) if day > today => {
                self.fail(field, "future_date");
                None
            }
            Ok(day) => Some(day),
            Err(code) => {
                self.fail(field, code);
                None
            }
        }
    }

    /// One of an enum's values (`names` are the strings it takes), parsed.
    pub fn one_of<T: std::str::FromStr>(
        &mut self,
        field: &str,
        raw: &str,
        names: &[&str],
    ) -> Option<T> {
        self.choice(field, raw, names)
            .and_then(|value| value.parse().ok())
    }

    /// One of a fixed list of values.
    pub fn choice(&mut self, field: &str, raw: &str, choices: &[&str]) -> Option<String> {
        if choices.contains(&raw) {
            Some(raw.to_owned())
        } else {
            self.fail_with(
                FieldError::new(field, "invalid_choice").with("choices", choices.join(", ")),
            );
            None
        }
    }

    /// Every failure at once, or nothing.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}
