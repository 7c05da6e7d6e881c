//! Vietnamese first, English on request: the language of a request, the texts of errors, the
//! words of pages and files ([`texts`]) and how numbers, money and dates are written ([`format`]).

pub mod format;
mod text_table;
pub mod texts;

use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// English only when the client prefers it; anything else, or nothing, is Vietnamese.
    pub fn from_request(request: &HttpRequest) -> Lang {
        let header = request
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        Lang::from_accept_language(header)
    }

    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|piece| piece.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "vi" || tag.starts_with("vi-") {
                Lang::Vi
            } else {
                continue;
            };
            if best.is_none_or(|(best_quality, _)| quality > best_quality) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::Vi, |(_, lang)| lang)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

tokio::task_local! {
    /// The language of the request being handled, set by middleware around every handler so
    /// errors render in it.
    pub static REQUEST_LANG: Lang;
}

/// The current request's language (Vietnamese outside a request).
pub fn current() -> Lang {
    REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// The text of a validation error code, with `{name}` placeholders filled from `params`.
pub fn field_message(code: &str, lang: Lang, params: &[(&'static str, String)]) -> String {
    let (vi, en) = match code {
        "required" => ("Trường này là bắt buộc.", "This field is required."),
        "too_long" => (
            "Quá dài: tối đa {max} ký tự.",
            "Too long: at most {max} characters.",
        ),
        "empty" => ("Không được để trống.", "Must not be empty."),
        "invalid_national_id" => (
            "Số CCCD phải gồm đúng 12 chữ số.",
            "A CCCD number has exactly 12 digits.",
        ),
        "invalid_phone" => (
            "Số điện thoại không hợp lệ: dùng số 0 và 9 chữ số, hoặc +84 và 9 chữ số.",
            "Not a Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits.",
        ),
        "invalid_email" => ("Địa chỉ e-mail không hợp lệ.", "Not an e-mail address."),
        "too_short" => (
            "Quá ngắn: cần ít nhất {min} ký tự.",
            "Too short: at least {min} characters.",
        ),
        "course_closed" => (
            "Khóa học không còn nhận đăng ký.",
            "The course no longer takes applications.",
        ),
        "already_applied" => (
            "Người này đã đăng ký khóa học này rồi.",
            "This person has already applied for this course.",
        ),
        "employer_unverified" => (
            "Doanh nghiệp đang chờ cán bộ xác minh; sau khi được xác minh mới đăng tin tuyển dụng được.",
            "The employer is awaiting verification by staff; vacancies can be posted once it is verified.",
        ),
        "invalid_date" => (
            "Ngày không hợp lệ: dùng dạng YYYY-MM-DD.",
            "Not a date: use YYYY-MM-DD.",
        ),
        "override_reason_required" => (
            "Người này không nằm trong {depth} người được xếp hạng cao nhất cho vị trí này: ghi lý do giới thiệu.",
            "This person is not among the {depth} best-ranked candidates for this vacancy: give the reason for referring them.",
        ),
        "invalid_sheet_date" => (
            "Không đọc được ngày: ghi dạng dd/mm/yyyy hoặc dùng ô kiểu ngày.",
            "Not a date: write dd/mm/yyyy or use a date cell.",
        ),
        "control_character" => (
            "Có ký tự không hợp lệ (ký tự điều khiển như NUL, hoặc ký tự đảo chiều văn bản): hãy gõ lại nội dung.",
            "Holds a character that is not allowed (a control character such as NUL, or a text-direction override): type the text again.",
        ),
        "unreadable_sheet" => (
            "Không đọc được tệp bảng tính: dùng .xlsx, .ods, .csv (UTF-8) hoặc Unicode text.",
            "The spreadsheet cannot be read: use .xlsx, .ods, .csv (UTF-8) or Unicode text.",
        ),
        "sheet_rows" => (
            "Bảng tính quá lớn: tối đa {max} dòng. Hãy chia danh sách thành nhiều tệp.",
            "The spreadsheet is too large: at most {max} rows. Split the list into several files.",
        ),
        "sheet_columns" => (
            "Bảng tính quá rộng: tối đa {max} cột có dữ liệu.",
            "The spreadsheet is too wide: at most {max} columns with data.",
        ),
        "sheet_cells" => (
            "Bảng tính quá lớn: tối đa {max} ô trong vùng có dữ liệu.",
            "The spreadsheet is too large: at most {max} cells in the area holding data.",
        ),
        "sheet_unpacked_bytes" => (
            "Tệp quá lớn khi giải nén: tối đa {max} byte.",
            "The file is too large once unpacked: at most {max} bytes.",
        ),
        "sheet_ratio" => (
            "Tệp bị nén bất thường (giải nén lớn hơn {max} lần): không đọc tệp này.",
            "The file is packed abnormally (it unpacks to more than {max} times its size): it is not read.",
        ),
        "invalid_choice" => (
            "Giá trị không hợp lệ. Chọn một trong: {choices}.",
            "Not allowed. Choose one of: {choices}.",
        ),
        "invalid_type" => ("Sai kiểu dữ liệu.", "Wrong type of value."),
        "unknown_field" => ("Trường này không tồn tại.", "There is no such field."),
        "read_only" => (
            "Trường này do hệ thống xác định, không sửa được.",
            "This field is set by the system and cannot be written.",
        ),
        "unknown_commune" => (
            "Không có xã, phường, thị trấn nào mang mã này.",
            "No commune, ward or town has this code.",
        ),
        "unknown_commune_name" => (
            "Không có xã, phường, thị trấn nào mang mã hoặc tên này (kể cả tên trước khi sắp xếp năm 2025).",
            "No commune, ward or town has this code or name (names before the 2025 reform included).",
        ),
        "unknown_ethnicity_name" => (
            "Không có dân tộc nào mang mã hoặc tên này.",
            "No ethnic group has this code or name.",
        ),
        "unknown_ethnicity" => (
            "Không có dân tộc nào mang mã này.",
            "No ethnic group has this code.",
        ),
        "unknown_occupation" => (
            "Không có nghề nào mang mã này.",
            "No occupation has this code.",
        ),
        "unknown_household" => ("Không có hộ gia đình này.", "There is no such household."),
        "unknown_record" => (
            "Không có bản ghi nào mang mã này (hoặc đã lưu trữ).",
            "No record has this id (or it is archived).",
        ),
        "import_ambiguous" => (
            "Có nhiều bản ghi cùng khóa này; hãy sửa trực tiếp trên hệ thống.",
            "Several records share this key; change them in the application.",
        ),
        "unknown_worker" => ("Không có người lao động này.", "There is no such worker."),
        "unknown_employer" => ("Không có doanh nghiệp này.", "There is no such employer."),
        "unknown_area" => (
            "Không có địa bàn nào mang mã này.",
            "No administrative unit has this code.",
        ),
        "wage_range" => (
            "Mức lương tối thiểu không được lớn hơn mức lương tối đa.",
            "The minimum wage must not exceed the maximum.",
        ),
        "age_range" => (
            "Độ tuổi phải từ 15 đến 65.",
            "Ages must be between 15 and 65.",
        ),
        "age_order" => (
            "Tuổi tối thiểu không được lớn hơn tuổi tối đa.",
            "The minimum age must not exceed the maximum.",
        ),
        "at_least_one" => ("Phải lớn hơn hoặc bằng 1.", "Must be at least 1."),
        "not_negative" => ("Không được là số âm.", "Must not be negative."),
        "out_of_range" => (
            "Giá trị nằm ngoài khoảng cho phép ({min}–{max}).",
            "Out of the allowed range ({min}–{max}).",
        ),
        "future_date" => ("Ngày này chưa tới.", "This date is in the future."),
        "no_standard" => (
            "Không có chuẩn nghèo nào áp dụng cho năm rà soát này.",
            "No poverty standard applies to this review year.",
        ),
        "date_order" => (
            "Ngày kết thúc phải sau ngày bắt đầu.",
            "The end date must come after the start date.",
        ),
        "birth_date" => (
            "Người lao động phải từ 15 tuổi trở lên.",
            "A worker must be at least 15 years old.",
        ),
        "invalid_tax_code" => (
            "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số.",
            "A tax code is 10 digits, or 10 digits, a dash and 3 digits.",
        ),
        "invalid_country" => (
            "Mã quốc gia gồm 2 chữ cái in hoa (ví dụ KR, JP).",
            "A country code is two capital letters (e.g. KR, JP).",
        ),
        "country_required" => (
            "Việc làm ở nước ngoài phải có mã quốc gia.",
            "An overseas vacancy needs a country.",
        ),
        "country_forbidden" => (
            "Việc làm trong nước không có mã quốc gia.",
            "A domestic vacancy has no country.",
        ),
        "place_required" => (
            "Cần xã nơi làm việc hoặc địa điểm làm việc.",
            "Give the commune or the place of work.",
        ),
        "invalid_status_change" => (
            "Không thể chuyển sang trạng thái này.",
            "The record cannot move to this status.",
        ),
        "duplicate" => (
            "Giá trị này đã có trong hệ thống.",
            "This value is already registered.",
        ),
        "invalid_password" => (
            "Mật khẩu phải có ít nhất 10 ký tự.",
            "A password has at least 10 characters.",
        ),
        "invalid_cursor" => (
            "Con trỏ phân trang không hợp lệ.",
            "Not a valid page cursor.",
        ),
        "idempotency_mismatch" => (
            "Khóa Idempotency-Key này đã dùng cho một yêu cầu khác.",
            "This Idempotency-Key was used for a different request.",
        ),
        "not_escaped" => (
            "Thu nhập vẫn ở mức chuẩn nghèo hoặc thấp hơn nên hộ chưa thoát nghèo.",
            "The income is still at or under the poverty line, so the household has not escaped.",
        ),
        "previous_status_required" => (
            "Hộ mới thoát nghèo cần ghi rõ trước đó là hộ nghèo hay hộ cận nghèo.",
            "A newly-escaped household needs its previous status: poor or near-poor.",
        ),
        "outside_area" => (
            "Địa bàn này ngoài phạm vi quản lý của bạn.",
            "This place is outside your area.",
        ),
        "unknown_period" => (
            "Không có kỳ báo cáo này: dùng kỳ kế hoạch (2021-2025), năm (2025) hoặc nửa năm (2025-H1).",
            "No such period: use a programme period (2021-2025), a year (2025) or a half-year (2025-H1).",
        ),
        "year_outside_period" => (
            "Năm này nằm ngoài kỳ kế hoạch.",
            "This year lies outside the programme period.",
        ),
        "stage_order" => (
            "Chưa qua giai đoạn trước: thứ tự là đào tạo, ký hợp đồng, xuất cảnh, làm việc, về nước.",
            "The previous stage is missing: training, contract, departure, working abroad, return.",
        ),
        "not_overseas" => (
            "Chỉ việc làm ở nước ngoài mới có các giai đoạn xuất khẩu lao động.",
            "Only overseas vacancies have the overseas stages.",
        ),
        "contract_needs_hire" => (
            "Ký hợp đồng, xuất cảnh và các giai đoạn sau cần người lao động đã được tuyển.",
            "Contract, departure and later stages need the worker hired.",
        ),
        "stage_recorded" => (
            "Giai đoạn này đã được ghi nhận.",
            "This stage is already recorded.",
        ),
        "already_departed" => (
            "Người lao động đã xuất cảnh: không thể hủy tuyển dụng.",
            "The worker has already left the country: the hire cannot be withdrawn.",
        ),
        "invalid_limit" => (
            "Số bản ghi mỗi trang phải từ 1 đến 200.",
            "A page holds 1 to 200 records.",
        ),
        "unknown_vacancy" => (
            "Không có vị trí tuyển dụng này.",
            "There is no such vacancy.",
        ),
        "vacancy_not_open" => (
            "Vị trí tuyển dụng này không còn mở.",
            "This vacancy is not open.",
        ),
        "no_consent" => (
            "Người lao động chưa đồng ý chia sẻ hồ sơ với doanh nghiệp.",
            "The worker has not agreed to share the profile with employers.",
        ),
        "only_when_rejected" => (
            "Chỉ ghi lý do từ chối khi từ chối.",
            "A rejection reason goes only with a rejection.",
        ),
        "concurrent_duplicate" => (
            "Một yêu cầu khác vừa ghi cùng dữ liệu này; tải lại để xem bản ghi đã có.",
            "Another request has just written the same record; reload to see it.",
        ),
        "course_full" => (
            "Khóa học đã đủ chỗ: không xác nhận thêm học viên được.",
            "The course is full: no more trainees can be confirmed.",
        ),
        "vacancy_full" => (
            "Vị trí tuyển dụng đã tuyển đủ người.",
            "Every position of this vacancy is already filled.",
        ),
        "invalid_number" => ("Không phải là số.", "Not a number."),
        "invalid_boolean" => (
            "Cần ghi có/không (x, có, 1 hoặc để trống, không, 0).",
            "Needs yes or no (x, yes, 1, or blank, no, 0).",
        ),
        "national_id_conflict" => (
            "Số CCCD này đã thuộc về một người khác (khác họ tên hoặc ngày sinh): hãy kiểm tra lại.",
            "This CCCD already belongs to someone else (another name or birth date): check it.",
        ),
        "only_when_interview" => (
            "Chỉ ghi thời gian phỏng vấn khi mời phỏng vấn.",
            "An interview time goes only with an interview.",
        ),
        "invalid_datetime" => (
            "Thời điểm phải có dạng YYYY-MM-DDTHH:MM (giờ Việt Nam).",
            "A time must look like YYYY-MM-DDTHH:MM (Vietnam time).",
        ),
        "too_many" => ("Tối đa {max} giá trị.", "At most {max} values."),
        "import_running" => (
            "Việc nhập dữ liệu vẫn đang chạy; hãy thử lại khi xong.",
            "The import is still running; try again when it has finished.",
        ),
        "not_failed" => (
            "Chỉ gửi lại được thư đã thất bại; thư này đã gửi đi hoặc đang được gửi.",
            "Only a failed message can be retried; this one was sent or is still being tried.",
        ),
        "report_too_large" => (
            "Báo cáo quá lớn để gửi kèm thư (trên 20 MB): hãy chọn một huyện hoặc một xã, hoặc tải báo cáo về.",
            "The report is too large to attach (over 20 MB): choose a district or a commune, or download it.",
        ),
        "invalid_search_limit" => (
            "Số kết quả mỗi trang phải từ 1 đến 100.",
            "A page holds 1 to 100 results.",
        ),
        "invalid_offset" => (
            "Vị trí bắt đầu phải từ 0 đến 10.000.",
            "The offset must be from 0 to 10,000.",
        ),
        _ => ("Giá trị không hợp lệ.", "Invalid value."),
    };
    let mut text = match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    };
    for (name, value) in params {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// `1234567` as `1.234.567` (Vietnamese) or `1,234,567`.
pub fn group_thousands(value: i64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    if value < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// An amount of đồng: `1.234.567 ₫`, or `1,234,567 VND` in English.
pub fn money(value: i64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} ₫", group_thousands(value, lang)),
        Lang::En => format!("{} VND", group_thousands(value, lang)),
    }
}

/// A day as Vietnamese write it, `27/11/2026`, in both languages: the dates on a Vietnamese
/// form or letter.
pub fn day(value: chrono::NaiveDate) -> String {
    value.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_the_vietnamese_way_by_default() {
        assert_eq!(group_thousands(1_234_567, Lang::Vi), "1.234.567");
        assert_eq!(group_thousands(100_000, Lang::En), "100,000");
        assert_eq!(group_thousands(999, Lang::Vi), "999");
        assert_eq!(money(-1_500_000, Lang::Vi), "-1.500.000 ₫");
        assert_eq!(money(2_000_000, Lang::En), "2,000,000 VND");
    }

    #[test]
    fn vietnamese_unless_english_is_preferred() {
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.5"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Vi);
    }

    #[test]
    fn fills_placeholders() {
        let text = field_message("too_long", Lang::En, &[("max", "200".into())]);
        assert_eq!(text, "Too long: at most 200 characters.");
        assert!(field_message("invalid_national_id", Lang::Vi, &[]).contains("12 chữ số"));
    }
}
