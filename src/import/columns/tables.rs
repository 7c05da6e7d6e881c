//! The columns of each list Ketnoi imports: the headings it recognises and what each cell must hold.

use super::*;

pub(super) const COMMUNE_NAMES: &[&str] = &[
    "xa",
    "ma xa",
    "xa phuong",
    "xa phuong thi tran",
    "ten xa",
    "commune",
    "commune code",
];
pub(super) const ETHNICITY_NAMES: &[&str] =
    &["dan toc", "ma dan toc", "ethnicity", "ethnicity code"];

pub(super) const COMMUNE: Column = column(
    "commune_code",
    Value::Commune,
    ["Mã xã", "Commune code"],
    COMMUNE_NAMES,
);

pub(super) const ETHNICITY: Column = column(
    "ethnicity_code",
    Value::Ethnicity,
    ["Dân tộc", "Ethnicity"],
    ETHNICITY_NAMES,
);

/// The record's own id, which exports of kinds without a reliable natural key carry.
pub(super) const ID: Column = column(
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
        Value::Occupations,
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
    column(
        "message_channel",
        Value::Choice(&MESSAGE_CHANNEL),
        ["Nhận thông báo qua", "Messages by"],
        &[
            "nhan thong bao",
            "nhan thong bao qua",
            "kenh nhan tin",
            "message channel",
        ],
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
        Value::Occupation,
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
        Value::Occupations,
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
