//! Names, identity numbers and contacts for generated people, fitting each ethnic group.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::DemoRng;
use crate::domain::text::fold;

/// Family names and given names in use among one ethnic group of north-west Vietnam.
struct NamePool {
    family: &'static [&'static str],
    male_middle: &'static [&'static str],
    female_middle: &'static [&'static str],
    male_given: &'static [&'static str],
    female_given: &'static [&'static str],
}

const THAI: NamePool = NamePool {
    family: &[
        "Lò", "Cầm", "Quàng", "Lường", "Tòng", "Vì", "Hà", "Điêu", "Bạc", "Sa", "Mè", "Lù",
        "Hoàng", "Lê",
    ],
    male_middle: &["Văn"],
    female_middle: &["Thị"],
    male_given: &[
        "Ơn", "Thắm", "Pằn", "Khăm", "Phanh", "Xôm", "Chiến", "Biên", "Thanh", "Hải", "Ngọc",
        "Tâm", "Duẩn", "Kiên",
    ],
    female_given: &[
        "Ỏn", "Thắm", "Xuân", "Ín", "Phương", "Hoa", "Ngoan", "Mai", "Lả", "Én", "Hươn", "Pành",
        "Thoa", "Duyên",
    ],
};

const KINH: NamePool = NamePool {
    family: &[
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh",
    ],
    male_middle: &["Văn", "Đức", "Minh", "Quang", "Hữu", "Tiến"],
    female_middle: &["Thị", "Thu", "Thanh", "Ngọc", "Hồng"],
    male_given: &[
        "Hùng", "Tuấn", "Dũng", "Nam", "Long", "Thắng", "Cường", "Huy", "Sơn", "Trung", "Việt",
        "Bình",
    ],
    female_given: &[
        "Lan", "Hoa", "Hương", "Mai", "Trang", "Hà", "Linh", "Nga", "Thủy", "Yến", "Hằng", "Nhung",
    ],
};

const HMONG: NamePool = NamePool {
    family: &[
        "Giàng", "Vừ", "Mùa", "Sùng", "Thào", "Lầu", "Hờ", "Lý", "Hạng", "Tráng", "Cứ", "Mua",
    ],
    male_middle: &["A", "Seo", "Chứ", "Văn"],
    female_middle: &["Thị", "Thị", "Y"],
    male_given: &[
        "Páo", "Dế", "Pó", "Chư", "Sình", "Lử", "Của", "Chá", "Vàng", "Dua", "Tủa", "Nhè",
    ],
    female_given: &[
        "Dợ", "Mai", "Sua", "Chở", "Mỷ", "Dính", "Pà", "Lia", "Xúa", "Ly", "Dung", "Mẩy",
    ],
};

const MUONG: NamePool = NamePool {
    family: &["Đinh", "Bùi", "Quách", "Hà", "Xa", "Cao", "Hoàng"],
    male_middle: &["Văn", "Công"],
    female_middle: &["Thị"],
    male_given: &[
        "Thơm", "Sơn", "Hải", "Lực", "Khánh", "Tình", "Thuận", "Đông",
    ],
    female_given: &[
        "Nhung", "Thơm", "Hiền", "Lụa", "Duyên", "Thảo", "Hạnh", "Nguyệt",
    ],
};

const DAO: NamePool = NamePool {
    family: &["Bàn", "Triệu", "Đặng", "Lý", "Phùn", "Chảo", "Tẩn"],
    male_middle: &["Văn", "Seo", "Tiến"],
    female_middle: &["Thị", "Mùi"],
    male_given: &["Quý", "Chòi", "Sinh", "Phù", "Kiềm", "Lở", "Vần", "Tòn"],
    female_given: &["Mẩy", "Nhất", "Phin", "Xiêm", "Mai", "Quyển", "Dua", "Sói"],
};

/// Xinh Mun, Khơ Mú, La Ha, Kháng and Lào families mostly carry Thái-style names in Sơn La.
const NORTHWEST_SMALL_GROUPS: NamePool = NamePool {
    family: &[
        "Lò", "Quàng", "Cà", "Lường", "Vi", "Cút", "Lừ", "Tòng", "Xa",
    ],
    male_middle: &["Văn"],
    female_middle: &["Thị"],
    male_given: &[
        "Ơn", "Pọm", "Xương", "Ban", "Khay", "Chăn", "Ỏn", "Thắm", "Bun", "Sấm",
    ],
    female_given: &[
        "Ỏn", "Pọm", "Xương", "Bua", "Khăm", "Ín", "Thắm", "Ngọc", "Đeo", "Kẻo",
    ],
};

fn pool_for(ethnic_name: &str) -> &'static NamePool {
    match ethnic_name {
        "Thái" => &THAI,
        "Kinh" => &KINH,
        "HMông" => &HMONG,
        "Mường" => &MUONG,
        "Dao" => &DAO,
        _ => &NORTHWEST_SMALL_GROUPS,
    }
}

/// A family name for a new household of this group.
pub fn family_name(rng: &mut DemoRng, ethnic_name: &str) -> &'static str {
    rng.pick(pool_for(ethnic_name).family)
}

/// A full name; `family` keeps a household's members under one family name.
pub fn full_name(rng: &mut DemoRng, ethnic_name: &str, female: bool, family: &str) -> String {
    let pool = pool_for(ethnic_name);
    let (middle, given) = if female {
        (rng.pick(pool.female_middle), rng.pick(pool.female_given))
    } else {
        (rng.pick(pool.male_middle), rng.pick(pool.male_given))
    };
    format!("{family} {middle} {given}")
}

/// Hands out 12-digit CCCD numbers: province-of-birth code (3 digits), a digit for century and
/// gender, two for the birth year, then six that are unique within that prefix. The six are a
/// per-prefix counter from a seeded starting point, so numbers never repeat and a bulk load
/// writes each prefix's numbers in ascending order.
pub struct NationalIds {
    province_code: String,
    next_in_prefix: HashMap<(u32, i32), u32>,
    offset: u32,
}

impl NationalIds {
    pub fn new(province_code: &str, offset: u32) -> Self {
        NationalIds {
            province_code: format!("{:0>3}", province_code),
            next_in_prefix: HashMap::new(),
            offset: offset % 1_000_000,
        }
    }

    pub fn next(&mut self, birth_date: NaiveDate, female: bool) -> Option<String> {
        let year = birth_date.year();
        let century_digit = match (year / 100, female) {
            (19, false) => 0,
            (19, true) => 1,
            (20, false) => 2,
            (20, true) => 3,
            _ => return None,
        };
        let counter = self
            .next_in_prefix
            .entry((century_digit, year))
            .or_insert(0);
        if *counter >= 1_000_000 {
            return None;
        }
        let serial = (u64::from(*counter) + u64::from(self.offset)) % 1_000_000;
        *counter += 1;
        Some(format!(
            "{}{}{:02}{:06}",
            self.province_code,
            century_digit,
            year % 100,
            serial
        ))
    }
}

/// A Vietnamese mobile number: `0` and nine digits, on a real carrier prefix.
pub fn phone(rng: &mut DemoRng) -> String {
    const PREFIXES: &[&str] = &[
        "32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98", "88", "91", "94",
        "81", "82", "83", "84", "85",
    ];
    format!("0{}{:07}", rng.pick(PREFIXES), rng.below(10_000_000))
}

/// Strips accents for e-mail local parts: `Lò Thị Ỏn` → `lothion`.
pub fn ascii_fold(text: &str) -> String {
    fold(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn national_ids_are_twelve_digits_and_never_repeat() -> Result<(), Box<dyn std::error::Error>> {
        let mut ids = NationalIds::new("14", 4242);
        let born = NaiveDate::from_ymd_opt(1994, 3, 2).ok_or("date")?;
        let mut seen = HashSet::new();
        for _ in 0..20_000 {
            let id = ids.next(born, true).ok_or("exhausted")?;
            assert_eq!(id.len(), 12);
            assert!(id.starts_with("014194"), "{id}");
            assert!(seen.insert(id));
        }
        Ok(())
    }

    #[test]
    fn folds_vietnamese_to_ascii() {
        assert_eq!(ascii_fold("Lò Thị Ỏn"), "lothion");
        assert_eq!(ascii_fold("Đinh Văn Thắm"), "dinhvantham");
    }
}
