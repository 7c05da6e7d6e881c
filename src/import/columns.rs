//! The columns of each kind of list, under the headers communes write: Vietnamese or English,
//! matched without accents, case, punctuation or extra spaces.

use std::collections::HashMap;

use crate::domain::text;

mod tables;

pub use tables::*;

/// How a cell becomes a field of the registry's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Text,
    Integer,
    Boolean,
    Date,
    Gender,
    Ethnicity,
    Commune,
    /// Occupations separated by `,` or `;`, each by its code, its name (or a part of it) or a
    /// common spelling, accents optional.
    Occupations,
    /// One occupation, written as one of [`Value::Occupations`].
    Occupation,
    /// A household code, looked up to the household's id.
    Household,
    /// An employer's tax code, looked up to the employer's id.
    Employer,
    /// Digits kept as text (CCCD, tax code), with the leading zeros a spreadsheet that read them
    /// as a number dropped put back, up to this many.
    Digits(usize),
    /// One value of a fixed list, by its code or by name.
    Choice(&'static Choice),
    /// Indicators of the poverty standard, separated by `,` or `;`, each by its key or by its
    /// name in either language (`Bảo hiểm y tế`, `Health insurance`).
    Indicators,
}

/// A value out of a fixed list, read as its stored code, as its label in either language as the
/// pages show it (`Trung học cơ sở`, `Lower secondary`) or as one of the short forms communes
/// write (`THCS`); an export writes the label.
#[derive(Debug, PartialEq, Eq)]
pub struct Choice {
    /// The labels' key prefix among the pages' words (`education` → `education.primary`).
    pub prefix: &'static str,
    pub codes: &'static [&'static str],
    /// Folded short form → code.
    pub aliases: &'static [(&'static str, &'static str)],
    /// Whether the grade finished out of twelve (`9/12`), as school records write it, is read
    /// as the level it completes.
    pub grades: bool,
}

const EDUCATION: Choice = Choice {
    prefix: "education",
    codes: crate::domain::statuses::EducationLevel::NAMES,
    aliases: &[
        ("thcs", "lower_secondary"),
        ("thpt", "upper_secondary"),
        ("cap 1", "primary"),
        ("cap 2", "lower_secondary"),
        ("cap 3", "upper_secondary"),
        ("so cap", "vocational_elementary"),
        ("trung cap", "vocational_intermediate"),
        ("chua di hoc", "none"),
        ("khong", "none"),
    ],
    grades: true,
};

const AVAILABILITY: Choice = Choice {
    prefix: "value",
    codes: crate::domain::statuses::Availability::NAMES,
    aliases: &[],
    grades: false,
};

const MESSAGE_CHANNEL: Choice = Choice {
    prefix: "message_channel",
    codes: crate::registry::workers::MESSAGE_CHANNELS,
    aliases: &[
        ("sms", "sms"),
        ("tin nhan", "sms"),
        ("email", "email"),
        ("thu dien tu", "email"),
        ("ca hai", "both"),
        ("khong", "none"),
    ],
    grades: false,
};

const COURSE_LEVEL: Choice = Choice {
    prefix: "level",
    codes: crate::registry::courses::LEVELS,
    aliases: &[],
    grades: false,
};

impl Choice {
    /// Every way of writing a value, folded (see [`header_key`]) → its code: the short forms,
    /// the labels in both languages, the codes (a code wins over a label written the same).
    pub fn spellings(&self) -> HashMap<String, &'static str> {
        use crate::i18n::Lang;
        use crate::i18n::texts::Tr;
        let mut spellings: HashMap<String, &'static str> = self
            .aliases
            .iter()
            .map(|(alias, code)| ((*alias).to_owned(), *code))
            .collect();
        for code in self.codes {
            for lang in [Lang::Vi, Lang::En] {
                spellings.insert(header_key(Tr { lang }.of(self.prefix, code)), code);
            }
        }
        for code in self.codes {
            spellings.insert(header_key(code), code);
        }
        spellings
    }

    /// The code `written` names, given this choice's [`Choice::spellings`].
    pub fn read(
        &self,
        spellings: &HashMap<String, &'static str>,
        written: &str,
    ) -> Option<&'static str> {
        let key = header_key(written);
        spellings.get(&key).copied().or_else(|| {
            if self.grades {
                finished_grade(&key)
            } else {
                None
            }
        })
    }
}

/// `9/12` (folded `9 12`): the grade finished out of twelve, as the level it completes.
fn finished_grade(key: &str) -> Option<&'static str> {
    let (grade, of) = key.split_once(' ')?;
    if of != "12" {
        return None;
    }
    Some(match grade.parse::<u8>().ok()? {
        12 => "upper_secondary",
        9..=11 => "lower_secondary",
        5..=8 => "primary",
        0..=4 => "none",
        _ => return None,
    })
}

#[derive(Debug)]
pub struct Column {
    /// The field of the registry's input.
    pub field: &'static str,
    pub value: Value,
    /// The header an export writes, in Vietnamese and in English; both are read back.
    pub header: [&'static str; 2],
    /// Other headers it goes by, folded (see [`header_key`]).
    pub names: &'static [&'static str],
}

const fn column(
    field: &'static str,
    value: Value,
    header: [&'static str; 2],
    names: &'static [&'static str],
) -> Column {
    Column {
        field,
        value,
        header,
        names,
    }
}

/// A header as compared: no accents, lower case, words of letters and digits only.
/// `Số CCCD/CMND (*)` → `so cccd cmnd`.
pub fn header_key(raw: &str) -> String {
    text::fold(raw)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn find<'a>(columns: &'a [Column], header: &str) -> Option<&'a Column> {
    let key = header_key(header);
    columns.iter().find(|column| {
        column.header.iter().any(|name| header_key(name) == key)
            || column.names.contains(&key.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_without_accents_case_or_punctuation() {
        assert_eq!(header_key("  Số  CCCD/CMND (*) "), "so cccd cmnd");
        assert_eq!(
            find(WORKERS, "HỌ VÀ TÊN").map(|c| c.field),
            Some("full_name")
        );
        assert_eq!(
            find(WORKERS, "Ngày sinh").map(|c| c.field),
            Some("birth_date")
        );
        assert_eq!(find(HOUSEHOLDS, "Mã hộ").map(|c| c.field), Some("code"));
        assert_eq!(
            find(WORKERS, "Date of birth").map(|c| c.field),
            Some("birth_date")
        );
        assert!(find(WORKERS, "Ghi chú").is_none());
    }

    #[test]
    fn levels_read_as_code_label_short_form_or_grade() {
        use unicode_normalization::UnicodeNormalization;
        let education = EDUCATION.spellings();
        let levels = COURSE_LEVEL.spellings();
        let availability = AVAILABILITY.spellings();
        let decomposed: String = "Trung học cơ sở".nfd().collect();
        for written in [
            "lower_secondary",
            "THCS",
            decomposed.as_str(),
            "trung hoc co so",
            "Lower secondary",
            "9/12",
            "Cấp 2",
        ] {
            assert_eq!(
                EDUCATION.read(&education, written),
                Some("lower_secondary"),
                "{written}"
            );
        }
        assert_eq!(EDUCATION.read(&education, "12/12"), Some("upper_secondary"));
        assert_eq!(EDUCATION.read(&education, "7/12"), Some("primary"));
        assert_eq!(EDUCATION.read(&education, "Cao đẳng"), Some("college"));
        assert_eq!(EDUCATION.read(&education, "Thạc sĩ"), None);
        assert_eq!(EDUCATION.read(&education, "13/12"), None);
        assert_eq!(
            COURSE_LEVEL.read(&levels, "Dưới 3 tháng"),
            Some("under_3_months")
        );
        assert_eq!(
            COURSE_LEVEL.read(&levels, "9/12"),
            None,
            "grades are read for schooling only"
        );
        assert_eq!(AVAILABILITY.read(&availability, "seeking"), Some("seeking"));
        assert_eq!(
            AVAILABILITY.read(&availability, "Đang tìm việc"),
            Some("seeking")
        );
    }
}
