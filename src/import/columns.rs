//! The columns of each kind of list, under the headers communes write: Vietnamese or English,
//! matched without accents, case, punctuation or extra spaces.

use crate::domain::text;

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
    /// Codes separated by `,` or `;`.
    List,
    /// A household code, looked up to the household's id.
    Household,
}

#[derive(Debug)]
pub struct Column {
    /// The field of the registry's input.
    pub field: &'static str,
    pub value: Value,
    /// Headers it goes by, folded (see [`header_key`]).
    pub names: &'static [&'static str],
}

const fn column(field: &'static str, value: Value, names: &'static [&'static str]) -> Column {
    Column {
        field,
        value,
        names,
    }
}

const COMMUNE: &[&str] = &[
    "xa",
    "ma xa",
    "xa phuong",
    "xa phuong thi tran",
    "ten xa",
    "commune",
    "commune code",
];
const ETHNICITY: &[&str] = &["dan toc", "ma dan toc", "ethnicity", "ethnicity code"];

pub const HOUSEHOLDS: &[Column] = &[
    column(
        "code",
        Value::Text,
        &["ma ho", "ma ho gia dinh", "household code", "code"],
    ),
    column("commune_code", Value::Commune, COMMUNE),
    column(
        "head_name",
        Value::Text,
        &[
            "ho va ten chu ho",
            "ho ten chu ho",
            "chu ho",
            "ten chu ho",
            "head of household",
            "head name",
        ],
    ),
    column("ethnicity_code", Value::Ethnicity, ETHNICITY),
    column(
        "members",
        Value::Integer,
        &["so nhan khau", "nhan khau", "so thanh vien", "members"],
    ),
    column(
        "income_per_person_vnd",
        Value::Integer,
        &[
            "thu nhap binh quan",
            "thu nhap binh quan dau nguoi",
            "thu nhap binh quan nguoi thang",
            "thu nhap binh quan dong nguoi thang",
            "income per person",
            "income per person vnd",
        ],
    ),
    column(
        "urban",
        Value::Boolean,
        &["thanh thi", "khu vuc thanh thi", "urban"],
    ),
    column(
        "deprivations",
        Value::List,
        &["chi so thieu hut", "thieu hut", "deprivations"],
    ),
    column(
        "review_year",
        Value::Integer,
        &["nam ra soat", "review year"],
    ),
];

pub const WORKERS: &[Column] = &[
    column(
        "full_name",
        Value::Text,
        &["ho va ten", "ho ten", "full name", "name"],
    ),
    column(
        "national_id",
        Value::Text,
        &[
            "so cccd",
            "cccd",
            "so can cuoc",
            "so cccd cmnd",
            "so dinh danh",
            "national id",
        ],
    ),
    column(
        "birth_date",
        Value::Date,
        &[
            "ngay sinh",
            "ngay thang nam sinh",
            "birth date",
            "date of birth",
        ],
    ),
    column("gender", Value::Gender, &["gioi tinh", "gender"]),
    column("ethnicity_code", Value::Ethnicity, ETHNICITY),
    column(
        "phone",
        Value::Text,
        &["so dien thoai", "dien thoai", "sdt", "phone"],
    ),
    column("email", Value::Text, &["email", "e mail", "thu dien tu"]),
    column("commune_code", Value::Commune, COMMUNE),
    column(
        "household_id",
        Value::Household,
        &["ma ho", "ma ho gia dinh", "household code"],
    ),
    column(
        "education_level",
        Value::Text,
        &[
            "trinh do hoc van",
            "hoc van",
            "education level",
            "education",
        ],
    ),
    column("skills", Value::Text, &["ky nang", "skills"]),
    column(
        "desired_occupations",
        Value::List,
        &["nghe mong muon", "ma nghe mong muon", "desired occupations"],
    ),
    column(
        "willing_to_relocate",
        Value::Boolean,
        &["san sang di lam xa", "willing to relocate"],
    ),
    column(
        "willing_overseas",
        Value::Boolean,
        &[
            "san sang di nuoc ngoai",
            "san sang lam viec o nuoc ngoai",
            "willing overseas",
        ],
    ),
    column(
        "expected_wage_vnd",
        Value::Integer,
        &[
            "muc luong mong muon",
            "luong mong muon",
            "expected wage",
            "expected wage vnd",
        ],
    ),
    column(
        "availability",
        Value::Text,
        &["tinh trang viec lam", "availability"],
    ),
    column(
        "consent_to_share",
        Value::Boolean,
        &["dong y chia se", "dong y chia se ho so", "consent to share"],
    ),
];

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
    columns
        .iter()
        .find(|column| column.names.contains(&key.as_str()))
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
}
