//! The columns of each kind of list, under the headers communes write: Vietnamese or English,
//! matched without accents, case, punctuation or extra spaces.

use std::collections::HashMap;

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
    codes: crate::registry::workers::EDUCATION_LEVELS,
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
    codes: crate::registry::workers::AVAILABILITIES,
    aliases: &[],
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

const COMMUNE_NAMES: &[&str] = &[
    "xa",
    "ma xa",
    "xa phuong",
    "xa phuong thi tran",
    "ten xa",
    "commune",
    "commune code",
];
const ETHNICITY_NAMES: &[&str] = &["dan toc", "ma dan toc", "ethnicity", "ethnicity code"];

const COMMUNE: Column = column(
    "commune_code",
    Value::Commune,
    ["Mã xã", "Commune code"],
    COMMUNE_NAMES,
);

const ETHNICITY: Column = column(
    "ethnicity_code",
    Value::Ethnicity,
    ["Dân tộc", "Ethnicity"],
    ETHNICITY_NAMES,
);

/// The record's own id, which exports of kinds without a reliable natural key carry.
const ID: Column = column(
    "id",
    Value::Text,
    ["Mã hệ thống", "Ketnoi ID"],
    &["id", "ma he thong ketnoi"],
);

pub const HOUSEHOLDS: &[Column] = &[
    column(
        "code",
        Value::Text,
        ["Mã hộ", "Household code"],
        &["ma ho", "ma ho gia dinh", "household code", "code"],
    ),
    COMMUNE,
    column(
        "head_name",
        Value::Text,
        ["Họ và tên chủ hộ", "Head of household"],
        &[
            "ho va ten chu ho",
            "ho ten chu ho",
            "chu ho",
            "ten chu ho",
            "head of household",
            "head name",
        ],
    ),
    ETHNICITY,
    column(
        "members",
        Value::Integer,
        ["Số nhân khẩu", "Members"],
        &["so nhan khau", "nhan khau", "so thanh vien", "members"],
    ),
    column(
        "income_per_person_vnd",
        Value::Integer,
        [
            "Thu nhập bình quân (đồng/người/tháng)",
            "Income per person (VND a month)",
        ],
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
        ["Thành thị", "Urban"],
        &["thanh thi", "khu vuc thanh thi", "urban"],
    ),
    column(
        "deprivations",
        Value::Indicators,
        ["Chỉ số thiếu hụt", "Deprivations"],
        &["chi so thieu hut", "thieu hut", "deprivations"],
    ),
    column(
        "review_year",
        Value::Integer,
        ["Năm rà soát", "Review year"],
        &["nam ra soat", "review year"],
    ),
];

pub const WORKERS: &[Column] = &[
    ID,
    column(
        "full_name",
        Value::Text,
        ["Họ và tên", "Full name"],
        &["ho va ten", "ho ten", "full name", "name"],
    ),
    column(
        "national_id",
        Value::Digits(12),
        ["Số CCCD", "National ID"],
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
        ["Ngày sinh", "Birth date"],
        &[
            "ngay sinh",
            "ngay thang nam sinh",
            "birth date",
            "date of birth",
        ],
    ),
    column("gender", Value::Gender, ["Giới tính", "Gender"], &[]),
    ETHNICITY,
    column(
        "phone",
        Value::Text,
        ["Số điện thoại", "Phone"],
        &["so dien thoai", "dien thoai", "sdt", "phone"],
    ),
    column(
        "email",
        Value::Text,
        ["Email", "Email"],
        &["e mail", "thu dien tu"],
    ),
    COMMUNE,
    column(
        "household_id",
        Value::Household,
        ["Mã hộ", "Household code"],
        &["ma ho", "ma ho gia dinh", "household code"],
    ),
    column(
        "education_level",
        Value::Choice(&EDUCATION),
        ["Trình độ học vấn", "Education level"],
        &[
            "trinh do hoc van",
            "hoc van",
            "trinh do van hoa",
            "education level",
            "education",
        ],
    ),
    column("skills", Value::Text, ["Kỹ năng", "Skills"], &[]),
    column(
        "desired_occupations",
        Value::List,
        ["Mã nghề mong muốn", "Desired occupations"],
        &["nghe mong muon", "ma nghe mong muon", "desired occupations"],
    ),
    column(
        "willing_to_relocate",
        Value::Boolean,
        ["Sẵn sàng đi làm xa", "Willing to relocate"],
        &["san sang di lam xa", "willing to relocate"],
    ),
    column(
        "willing_overseas",
        Value::Boolean,
        [
            "Sẵn sàng đi làm việc ở nước ngoài",
            "Willing to work abroad",
        ],
        &[
            "san sang di nuoc ngoai",
            "san sang lam viec o nuoc ngoai",
            "willing overseas",
        ],
    ),
    column(
        "expected_wage_vnd",
        Value::Integer,
        [
            "Mức lương mong muốn (đồng/tháng)",
            "Expected wage (VND a month)",
        ],
        &[
            "muc luong mong muon",
            "luong mong muon",
            "expected wage",
            "expected wage vnd",
        ],
    ),
    column(
        "availability",
        Value::Choice(&AVAILABILITY),
        ["Tình trạng việc làm", "Availability"],
        &["tinh trang viec lam", "availability"],
    ),
    column(
        "consent_to_share",
        Value::Boolean,
        ["Đồng ý chia sẻ hồ sơ", "Consent to share"],
        &["dong y chia se", "dong y chia se ho so", "consent to share"],
    ),
];

pub const EMPLOYERS: &[Column] = &[
    column(
        "tax_code",
        Value::Digits(10),
        ["Mã số thuế", "Tax code"],
        &["mst", "ma so doanh nghiep"],
    ),
    column(
        "name",
        Value::Text,
        ["Tên đơn vị", "Name"],
        &["ten doanh nghiep", "ten cong ty", "ten co so", "employer"],
    ),
    column("kind", Value::Text, ["Loại hình", "Kind"], &[]),
    column("sector", Value::Text, ["Ngành nghề", "Sector"], &["nganh"]),
    COMMUNE,
    column("address", Value::Text, ["Địa chỉ", "Address"], &[]),
    column(
        "contact_name",
        Value::Text,
        ["Người liên hệ", "Contact name"],
        &["nguoi lien lac"],
    ),
    column(
        "contact_email",
        Value::Text,
        ["Email liên hệ", "Contact email"],
        &["email"],
    ),
    column(
        "contact_phone",
        Value::Text,
        ["Điện thoại liên hệ", "Contact phone"],
        &["so dien thoai", "dien thoai"],
    ),
    column("verified", Value::Boolean, ["Đã xác minh", "Verified"], &[]),
];

pub const VACANCIES: &[Column] = &[
    ID,
    column(
        "employer_id",
        Value::Employer,
        ["Mã số thuế bên tuyển dụng", "Employer tax code"],
        &["ma so thue", "mst", "tax code"],
    ),
    column(
        "title",
        Value::Text,
        ["Vị trí tuyển dụng", "Title"],
        &["vi tri", "chuc danh", "ten vi tri"],
    ),
    column(
        "description",
        Value::Text,
        ["Mô tả", "Description"],
        &["mo ta cong viec"],
    ),
    column(
        "occupation_code",
        Value::Text,
        ["Mã nghề", "Occupation code"],
        &["ma nghe nghiep"],
    ),
    column(
        "positions",
        Value::Integer,
        ["Số lượng", "Positions"],
        &["so luong tuyen", "so vi tri"],
    ),
    COMMUNE,
    column(
        "work_place",
        Value::Text,
        ["Nơi làm việc", "Work place"],
        &["dia diem lam viec"],
    ),
    column(
        "is_overseas",
        Value::Boolean,
        ["Làm việc ở nước ngoài", "Overseas"],
        &[],
    ),
    column(
        "country",
        Value::Text,
        ["Mã nước", "Country"],
        &["nuoc", "quoc gia"],
    ),
    column(
        "wage_min_vnd",
        Value::Integer,
        ["Lương từ (đồng/tháng)", "Wage from (VND a month)"],
        &["luong tu", "luong toi thieu"],
    ),
    column(
        "wage_max_vnd",
        Value::Integer,
        ["Lương đến (đồng/tháng)", "Wage to (VND a month)"],
        &["luong den", "luong toi da"],
    ),
    column(
        "min_age",
        Value::Integer,
        ["Tuổi từ", "Minimum age"],
        &["tuoi toi thieu"],
    ),
    column(
        "max_age",
        Value::Integer,
        ["Tuổi đến", "Maximum age"],
        &["tuoi toi da"],
    ),
    column(
        "education_required",
        Value::Choice(&EDUCATION),
        ["Trình độ yêu cầu", "Education required"],
        &["trinh do"],
    ),
    column(
        "skills_required",
        Value::Text,
        ["Kỹ năng yêu cầu", "Skills required"],
        &[],
    ),
    column(
        "certificates_required",
        Value::Text,
        ["Chứng chỉ yêu cầu", "Certificates required"],
        &[],
    ),
    column(
        "deadline",
        Value::Date,
        ["Hạn nộp hồ sơ", "Deadline"],
        &["han nop"],
    ),
    column("status", Value::Text, ["Trạng thái", "Status"], &[]),
];

pub const COURSES: &[Column] = &[
    ID,
    column(
        "provider",
        Value::Text,
        ["Cơ sở đào tạo", "Provider"],
        &["don vi dao tao", "truong"],
    ),
    column(
        "title",
        Value::Text,
        ["Tên khóa học", "Title"],
        &["ten khoa hoc", "khoa hoc", "ten lop", "course"],
    ),
    column("description", Value::Text, ["Mô tả", "Description"], &[]),
    column(
        "leads_to",
        Value::List,
        ["Mã nghề đào tạo", "Leads to occupations"],
        &["ma nghe", "nghe dao tao"],
    ),
    column(
        "level",
        Value::Choice(&COURSE_LEVEL),
        ["Trình độ đào tạo", "Level"],
        &["trinh do"],
    ),
    COMMUNE,
    column(
        "starts_on",
        Value::Date,
        ["Ngày khai giảng", "Starts on"],
        &["ngay bat dau"],
    ),
    column("ends_on", Value::Date, ["Ngày kết thúc", "Ends on"], &[]),
    column(
        "capacity",
        Value::Integer,
        ["Số chỗ", "Capacity"],
        &["chi tieu", "so hoc vien"],
    ),
    column(
        "fee_vnd",
        Value::Integer,
        ["Học phí (đồng)", "Fee (VND)"],
        &["hoc phi"],
    ),
    column(
        "support_vnd",
        Value::Integer,
        ["Hỗ trợ (đồng)", "Support (VND)"],
        &["muc ho tro", "ho tro"],
    ),
    column("status", Value::Text, ["Trạng thái", "Status"], &[]),
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
