//! The words pages, exports and import reasons show, in Vietnamese and English, and the formatting
//! helpers templates call. A key missing from the table shows as itself (a test checks that none
//! the pages use is missing).

use chrono::NaiveDate;

use super::format;
use crate::i18n::Lang;

/// A copyable value, or a reference to one, as templates hand them over.
pub trait Plain<T> {
    fn plain(self) -> T;
}

impl<T: Copy> Plain<T> for T {
    fn plain(self) -> T {
        self
    }
}

impl<T: Copy> Plain<T> for &T {
    fn plain(self) -> T {
        *self
    }
}

impl<T: Copy> Plain<T> for &&T {
    fn plain(self) -> T {
        **self
    }
}

/// Translator handed to every template.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// The text of `key`, or the key itself when the table lacks it.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text of `key`, or `fallback` (a value shown as stored).
    pub fn t_or<'a>(&self, key: &str, fallback: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(fallback)
    }

    /// The label of a stored value under `prefix` (`value`, `level` …), or the value itself.
    pub fn of<'a>(&self, prefix: &str, value: &'a str) -> &'a str {
        self.lookup(&format!("{prefix}.{value}")).unwrap_or(value)
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        let index = TEXTS
            .binary_search_by(|(entry, _, _)| entry.cmp(&key))
            .ok()?;
        let (_, vi, en) = TEXTS[index];
        Some(match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        })
    }

    pub fn num(&self, value: impl Plain<i64>) -> String {
        format::integer(value.plain(), self.lang)
    }

    pub fn dec(&self, value: impl Plain<f64>) -> String {
        format::decimal(value.plain(), self.lang)
    }

    pub fn vnd(&self, value: impl Plain<i64>) -> String {
        format::money(value.plain(), self.lang)
    }

    pub fn date(&self, value: impl Plain<NaiveDate>) -> String {
        format::date(value.plain())
    }

    pub fn vacancy_statuses(&self) -> Vec<(String, String)> {
        self.options("value", &["draft", "open"])
    }

    pub fn genders(&self) -> Vec<(String, String)> {
        self.options("value", &["female", "male"])
    }

    pub fn availabilities(&self) -> Vec<(String, String)> {
        self.options("value", crate::registry::workers::AVAILABILITIES)
    }

    pub fn education_levels(&self) -> Vec<(String, String)> {
        self.options("education", crate::registry::workers::EDUCATION_LEVELS)
    }

    pub fn options(&self, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
        values
            .iter()
            .map(|value| {
                let key = format!("{prefix}.{value}");
                (
                    (*value).to_owned(),
                    self.lookup(&key).unwrap_or(value).to_owned(),
                )
            })
            .collect()
    }
}

/// `(key, Vietnamese, English)`, sorted by key for binary search.
const TEXTS: &[(&str, &str, &str)] = &[
    ("audit.archive", "Lưu trữ", "Archived"),
    ("audit.create", "Tạo mới", "Created"),
    ("audit.read", "Xem hồ sơ", "Record read"),
    ("audit.update", "Cập nhật", "Updated"),
    ("catalogue.found", "khóa học đang mở", "open courses"),
    ("catalogue.search", "Tìm khóa học", "Search courses"),
    (
        "catalogue.search_hint",
        "ví dụ: may công nghiệp",
        "e.g. industrial sewing",
    ),
    ("catalogue.title", "Khóa học nghề", "Vocational courses"),
    ("common.actions", "Thao tác", "Actions"),
    ("common.edit", "Sửa", "Edit"),
    ("common.next", "Trang sau", "Next"),
    ("common.no", "Không", "No"),
    ("common.none", "Không có mục nào.", "Nothing here."),
    ("common.page", "Trang", "Page"),
    ("common.pages", "Phân trang", "Pages"),
    ("common.previous", "Trang trước", "Previous"),
    ("common.save", "Lưu", "Save"),
    ("common.search", "Tìm", "Search"),
    ("common.years", "tuổi", "years old"),
    ("common.yes", "Có", "Yes"),
    (
        "course.closed",
        "Khóa học không còn nhận đăng ký.",
        "This course no longer takes applications.",
    ),
    ("course.dates", "Thời gian", "Dates"),
    (
        "course.enrol_by_cccd",
        "Số CCCD của người lao động đã đăng ký",
        "CCCD of a registered worker",
    ),
    ("course.enrol_worker", "Ghi danh", "Enrol"),
    ("course.enrollments", "Học viên đăng ký", "Enrolments"),
    ("course.free", "Miễn phí", "Free"),
    (
        "course.identity_unconfirmed",
        "Ngày sinh không khớp hồ sơ: kiểm tra giấy tờ trước khi xác nhận",
        "Birth date does not match the record: check the papers before confirming",
    ),
    ("course.progress", "Tiến độ", "Progress"),
    ("dashboard.as_of", "số liệu đến ngày", "figures as of"),
    (
        "dashboard.chart_alt",
        "Biểu đồ số người được kết nối việc làm theo nửa năm so với mục tiêu",
        "Chart of workers connected to a job by half-year against the target",
    ),
    (
        "dashboard.chart_caption",
        "Người lao động được kết nối việc làm, cộng dồn theo nửa năm.",
        "Workers connected to a job, cumulative by half-year.",
    ),
    ("dashboard.met", "đã đạt", "met"),
    (
        "dashboard.newest",
        "Vị trí tuyển dụng mới nhất",
        "Newest vacancies",
    ),
    ("dashboard.not_met", "chưa đạt", "not yet met"),
    (
        "dashboard.overdue",
        "Theo dõi sau tuyển quá hạn",
        "Overdue follow-ups",
    ),
    ("dashboard.period", "Giai đoạn", "Period"),
    (
        "dashboard.projection",
        "Dự báo cuối giai đoạn theo tốc độ hiện tại",
        "Projected at the period's end at the current pace",
    ),
    ("dashboard.share_done", "Tỷ lệ hoàn thành", "Share done"),
    (
        "dashboard.stale",
        "Giới thiệu chưa được doanh nghiệp trả lời",
        "Referrals the employer has not answered",
    ),
    (
        "dashboard.targets",
        "Tiến độ so với mục tiêu",
        "Progress toward the targets",
    ),
    ("dashboard.title", "Tổng quan", "Dashboard"),
    ("education.college", "Cao đẳng", "College"),
    (
        "education.lower_secondary",
        "Trung học cơ sở",
        "Lower secondary",
    ),
    ("education.none", "Chưa qua đào tạo", "None"),
    ("education.primary", "Tiểu học", "Primary"),
    ("education.university", "Đại học", "University"),
    (
        "education.upper_secondary",
        "Trung học phổ thông",
        "Upper secondary",
    ),
    (
        "education.vocational_elementary",
        "Sơ cấp nghề",
        "Elementary vocational",
    ),
    (
        "education.vocational_intermediate",
        "Trung cấp nghề",
        "Intermediate vocational",
    ),
    (
        "employer.candidates",
        "Ứng viên được giới thiệu",
        "Referred candidates",
    ),
    ("employer.close", "Đóng tin", "Close"),
    ("employer.mark_hired", "Đã tuyển", "Hired"),
    ("employer.mark_interview", "Mời phỏng vấn", "Interview"),
    ("employer.mark_rejected", "Không tuyển", "Rejected"),
    (
        "employer.pending",
        "Tài khoản doanh nghiệp đang chờ cán bộ Trung tâm xác minh. Sau khi được xác minh, doanh nghiệp có thể đăng tin tuyển dụng.",
        "The employer account is awaiting verification by the job centre. Once verified, it can post vacancies.",
    ),
    (
        "employer.vacancies",
        "Tin tuyển dụng của doanh nghiệp",
        "Your vacancies",
    ),
    ("employers.title", "Doanh nghiệp", "Employers"),
    ("employers.verify", "Xác minh", "Verify"),
    (
        "enrol.done",
        "Đã nhận đăng ký của bạn. Cán bộ sẽ liên hệ để xác nhận.",
        "Your application is received. Staff will contact you to confirm it.",
    ),
    (
        "enrol.intro",
        "Điền thông tin để đăng ký học. Số CCCD giúp không đăng ký một người hai lần.",
        "Fill in your details to apply. The CCCD number keeps a person from being registered twice.",
    ),
    ("enrol.submit", "Gửi đăng ký", "Apply"),
    (
        "enrol.throttled",
        "Đã có quá nhiều lượt đăng ký từ đây. Vui lòng thử lại sau {minutes} phút, hoặc đến trung tâm dịch vụ việc làm.",
        "Too many applications have been sent from here. Try again in {minutes} minutes, or visit the employment service centre.",
    ),
    ("enrol.title", "Đăng ký học", "Apply"),
    (
        "error.forbidden",
        "Bạn không có quyền xem trang này.",
        "You may not see this page.",
    ),
    ("error.home", "Về trang chủ", "Home"),
    (
        "error.not_found",
        "Không tìm thấy trang hoặc hồ sơ.",
        "No such page or record.",
    ),
    ("error.title", "Có lỗi", "Something went wrong"),
    (
        "error.unexpected",
        "Đã có lỗi ngoài ý muốn; xin thử lại sau.",
        "An unexpected error occurred; please try again later.",
    ),
    ("field.address", "Địa chỉ", "Address"),
    ("field.age", "Tuổi", "Age"),
    ("field.availability", "Tình trạng việc làm", "Availability"),
    ("field.birth_date", "Ngày sinh", "Date of birth"),
    ("field.capacity", "Số chỗ", "Capacity"),
    ("field.code", "Mã hộ", "Household code"),
    ("field.commune_code", "Xã, phường", "Commune"),
    (
        "field.consent_to_share",
        "Đồng ý chia sẻ hồ sơ với doanh nghiệp",
        "Consents to share the profile with employers",
    ),
    (
        "field.contact_email",
        "E-mail liên hệ (dùng để đăng nhập)",
        "Contact e-mail (used to sign in)",
    ),
    ("field.contact_name", "Người liên hệ", "Contact person"),
    ("field.contact_phone", "Điện thoại liên hệ", "Contact phone"),
    (
        "field.country",
        "Nước (mã 2 chữ, ví dụ KR)",
        "Country (2-letter code, e.g. KR)",
    ),
    ("field.deadline", "Hạn nộp hồ sơ", "Deadline"),
    ("field.deprivations", "Chỉ số thiếu hụt", "Deprivations"),
    ("field.description", "Mô tả", "Description"),
    (
        "field.desired_occupations",
        "Nghề mong muốn (mã nghề, cách nhau bằng dấu phẩy)",
        "Desired occupations (codes, comma-separated)",
    ),
    ("field.disability", "Khuyết tật", "Disability"),
    ("field.education_level", "Trình độ học vấn", "Education"),
    ("field.email", "E-mail", "E-mail"),
    ("field.ethnicity_code", "Dân tộc", "Ethnic group"),
    (
        "field.expected_wage_vnd",
        "Mức lương mong muốn (₫/tháng)",
        "Expected wage (₫/month)",
    ),
    ("field.fee_vnd", "Học phí", "Fee"),
    ("field.full_name", "Họ và tên", "Full name"),
    ("field.gender", "Giới tính", "Gender"),
    ("field.head_name", "Chủ hộ", "Head of household"),
    ("field.household_id", "Hộ gia đình", "Household"),
    ("field.household_status", "Diện hộ", "Household status"),
    (
        "field.income_per_person_vnd",
        "Thu nhập bình quân (₫/người/tháng)",
        "Income per person (₫/month)",
    ),
    ("field.is_overseas", "Làm việc ở nước ngoài", "Work abroad"),
    ("field.kind", "Loại hình", "Kind"),
    (
        "field.left_reason",
        "Lý do nghỉ việc (nếu đã nghỉ)",
        "Why the worker left (if so)",
    ),
    ("field.level", "Trình độ đào tạo", "Level"),
    ("field.max_age", "Tuổi tối đa", "Maximum age"),
    ("field.members", "Số nhân khẩu", "Members"),
    ("field.min_age", "Tuổi tối thiểu", "Minimum age"),
    ("field.name", "Tên doanh nghiệp", "Employer name"),
    ("field.national_id", "Số CCCD", "CCCD number"),
    ("field.note", "Ghi chú", "Note"),
    (
        "field.occupation_code",
        "Mã nghề (4 chữ số)",
        "Occupation code (4 digits)",
    ),
    ("field.outcome", "Kết quả", "Outcome"),
    (
        "field.override_reason",
        "Lý do chọn người ngoài danh sách",
        "Why this person, off the list",
    ),
    ("field.password", "Mật khẩu", "Password"),
    ("field.phone", "Số điện thoại", "Phone"),
    ("field.positions", "Số lượng cần tuyển", "Positions"),
    (
        "field.previous_status",
        "Diện hộ kỳ trước",
        "Previous status",
    ),
    (
        "field.qualifications",
        "Bằng cấp, chứng chỉ",
        "Qualifications",
    ),
    ("field.rejection_reason", "Lý do", "Reason"),
    ("field.review_year", "Năm rà soát", "Review year"),
    ("field.sector", "Ngành nghề", "Sector"),
    ("field.skills", "Kỹ năng", "Skills"),
    (
        "field.skills_required",
        "Kỹ năng yêu cầu",
        "Skills required",
    ),
    ("field.start_date", "Ngày bắt đầu làm", "Start date"),
    ("field.status", "Trạng thái", "Status"),
    ("field.support_vnd", "Hỗ trợ", "Support"),
    ("field.tax_code", "Mã số thuế", "Tax code"),
    ("field.title", "Vị trí", "Title"),
    ("field.urban", "Thành thị", "Urban"),
    ("field.verified", "Đã xác minh", "Verified"),
    ("field.wage", "Lương từ", "Wage from"),
    (
        "field.wage_max_vnd",
        "Lương tối đa (₫/tháng)",
        "Maximum wage (₫/month)",
    ),
    (
        "field.wage_min_vnd",
        "Lương tối thiểu (₫/tháng)",
        "Minimum wage (₫/month)",
    ),
    (
        "field.willing_overseas",
        "Sẵn sàng đi làm việc ở nước ngoài",
        "Willing to work abroad",
    ),
    (
        "field.willing_to_relocate",
        "Sẵn sàng đi làm xa",
        "Willing to relocate",
    ),
    (
        "field.work_place",
        "Nơi làm việc ngoài tỉnh",
        "Place of work outside the province",
    ),
    (
        "follow_ups.months",
        "tháng sau khi bắt đầu",
        "months after the start",
    ),
    ("follow_ups.record", "Ghi kết quả", "Record"),
    ("follow_ups.show_all", "Xem tất cả", "Show all"),
    ("follow_ups.show_overdue", "Chỉ xem quá hạn", "Overdue only"),
    ("follow_ups.title", "Theo dõi sau tuyển dụng", "Follow-ups"),
    (
        "footer.text",
        "Ketnoi — kết nối việc làm cho hộ nghèo, hộ cận nghèo.",
        "Ketnoi — job connection for poor and near-poor households.",
    ),
    (
        "household.members_link",
        "Thành viên đã đăng ký",
        "Registered members",
    ),
    ("households.edit", "Sửa thông tin hộ", "Edit the household"),
    ("households.found", "hộ", "households"),
    ("households.new", "Thêm hộ gia đình", "Add a household"),
    (
        "households.search",
        "Tìm theo tên chủ hộ hoặc mã hộ",
        "Search by head's name or code",
    ),
    (
        "households.status_derived",
        "Diện hộ (nghèo, cận nghèo) được tính từ thu nhập và các chỉ số thiếu hụt theo chuẩn nghèo của giai đoạn.",
        "The status (poor, near-poor) is derived from income and deprivations by the period's poverty standard.",
    ),
    ("households.title", "Hộ gia đình", "Households"),
    ("import.courses", "Khóa học", "Courses"),
    ("import.employers", "Doanh nghiệp", "Employers"),
    ("import.households", "Hộ gia đình", "Households"),
    ("import.vacancies", "Vị trí tuyển dụng", "Vacancies"),
    ("import.workers", "Người lao động", "Workers"),
    ("imports.again", "Nhập tệp khác", "Import another file"),
    ("imports.column", "Cột", "Column"),
    ("imports.committed", "Đã nhập xong.", "Imported."),
    ("imports.created", "Thêm mới", "Created"),
    (
        "imports.dry_run",
        "Chỉ kiểm tra, không lưu",
        "Check only, keep nothing",
    ),
    (
        "imports.dry_run_done",
        "Đã kiểm tra xong, chưa lưu gì.",
        "Checked; nothing was kept.",
    ),
    (
        "imports.errors_file",
        "Tải các dòng lỗi (.xlsx) để sửa",
        "Download the rejected rows (.xlsx) to fix",
    ),
    ("imports.exports", "Xuất danh sách", "Export"),
    (
        "imports.failed",
        "Không nhập được tệp",
        "The file could not be imported",
    ),
    ("imports.file", "Tệp", "File"),
    (
        "imports.intro",
        "Tải lên danh sách của xã (.xlsx, .ods, .csv). Dòng tiêu đề có thể viết tiếng Việt có dấu hoặc không dấu; mỗi dòng lỗi được nêu rõ cột và lý do.",
        "Upload a commune's list (.xlsx, .ods, .csv). Headers may be Vietnamese with or without accents; every bad row is named with its column and reason.",
    ),
    ("imports.job", "Nhập dữ liệu", "Import"),
    ("imports.kind", "Loại danh sách", "List of"),
    ("imports.mode", "Cách nhập", "Mode"),
    (
        "imports.nothing_kept",
        "Có dòng lỗi nên không lưu dòng nào (nhập tất cả hoặc không).",
        "Some rows were rejected, so nothing was kept (all or nothing).",
    ),
    ("imports.reason", "Lý do", "Reason"),
    ("imports.rejected", "Bị từ chối", "Rejected"),
    ("imports.row", "Dòng", "Row"),
    ("imports.rows", "Số dòng", "Rows"),
    ("imports.running", "Đang nhập…", "Importing…"),
    ("imports.submit", "Tải lên", "Upload"),
    (
        "imports.title",
        "Nhập danh sách từ Excel",
        "Import lists from Excel",
    ),
    ("imports.unchanged", "Không đổi", "Unchanged"),
    ("imports.updated", "Cập nhật", "Updated"),
    ("imports.value", "Giá trị", "Value"),
    ("kind.company", "Doanh nghiệp", "Company"),
    ("kind.cooperative", "Hợp tác xã", "Cooperative"),
    ("kind.fdi", "Doanh nghiệp FDI", "Foreign-invested company"),
    (
        "kind.household_business",
        "Hộ kinh doanh",
        "Household business",
    ),
    (
        "kind.overseas_agency",
        "Doanh nghiệp đưa người lao động đi làm việc ở nước ngoài",
        "Overseas-labour agency",
    ),
    ("lang.other", "English", "Tiếng Việt"),
    ("lang.other_code", "en", "vi"),
    ("level.college", "Cao đẳng", "College"),
    ("level.elementary", "Sơ cấp", "Elementary"),
    ("level.intermediate", "Trung cấp", "Intermediate"),
    ("level.under_3_months", "Dưới 3 tháng", "Under 3 months"),
    (
        "login.failed",
        "Sai e-mail hoặc mật khẩu.",
        "Wrong e-mail or password.",
    ),
    ("login.submit", "Đăng nhập", "Sign in"),
    (
        "login.throttled",
        "Đăng nhập sai quá nhiều lần; thử lại sau {seconds} giây.",
        "Too many failed attempts; try again in {seconds} seconds.",
    ),
    ("login.title", "Đăng nhập", "Sign in"),
    (
        "mode.all-or-nothing",
        "Tất cả hoặc không: có dòng lỗi thì không lưu gì",
        "All or nothing: any bad row keeps nothing",
    ),
    (
        "mode.valid-rows",
        "Lưu các dòng hợp lệ, báo các dòng lỗi",
        "Keep the valid rows, report the rest",
    ),
    (
        "my.not_linked",
        "Tài khoản chưa gắn với hồ sơ người lao động; hãy đăng ký một khóa học để tạo hồ sơ.",
        "This login is not linked to a worker record yet; apply for a course to create one.",
    ),
    ("my.title", "Khóa học đã đăng ký", "My enrolments"),
    ("nav.courses", "Khóa học", "Courses"),
    ("nav.dashboard", "Tổng quan", "Dashboard"),
    ("nav.employer", "Cổng doanh nghiệp", "Employer portal"),
    (
        "nav.employer_signup",
        "Doanh nghiệp đăng ký",
        "Employer sign-up",
    ),
    ("nav.employers", "Doanh nghiệp", "Employers"),
    ("nav.follow_ups", "Theo dõi", "Follow-ups"),
    ("nav.households", "Hộ gia đình", "Households"),
    ("nav.imports", "Nhập, xuất Excel", "Excel import, export"),
    ("nav.label", "Điều hướng chính", "Main navigation"),
    ("nav.login", "Đăng nhập", "Sign in"),
    ("nav.logout", "Đăng xuất", "Sign out"),
    ("nav.my_enrollments", "Khóa học của tôi", "My enrolments"),
    ("nav.new_vacancy", "Đăng tin tuyển dụng", "Post a vacancy"),
    ("nav.outbox", "Hộp thư đi", "Outbox"),
    ("nav.outreach", "Tiếp cận hộ", "Outreach"),
    ("nav.referrals", "Giới thiệu", "Referrals"),
    ("nav.reports", "Báo cáo", "Reports"),
    (
        "nav.skip",
        "Bỏ qua, đến nội dung chính",
        "Skip to the content",
    ),
    ("nav.vacancies", "Tuyển dụng", "Vacancies"),
    ("nav.workers", "Người lao động", "Workers"),
    ("outbox.attempts", "Số lần gửi", "Attempts"),
    ("outbox.failed", "Gửi không được", "Failed"),
    ("outbox.message", "Thư", "Message"),
    ("outbox.pending", "Chờ gửi", "Pending"),
    ("outbox.recipient", "Người nhận", "Recipient"),
    ("outbox.retry", "Gửi lại", "Retry"),
    ("outbox.sent", "Đã gửi", "Sent"),
    ("outbox.title", "Hộp thư đi", "Outbox"),
    (
        "outreach.found",
        "hộ chưa có thành viên có việc làm bền vững",
        "households without a member in sustainable work",
    ),
    (
        "outreach.not_confirmed",
        "Có việc, chưa xác nhận sau 6 tháng",
        "Placed, not confirmed at 6 months",
    ),
    (
        "outreach.not_placed",
        "Đã đăng ký, chưa có việc",
        "Registered, not placed",
    ),
    (
        "outreach.not_registered",
        "Chưa có thành viên đăng ký",
        "No member registered",
    ),
    ("outreach.reason", "Lý do", "Why"),
    (
        "outreach.title",
        "Danh sách hộ cần tiếp cận",
        "Outreach list",
    ),
    ("reason.distance", "Khoảng cách", "Distance"),
    ("reason.no_show", "Không đến", "No show"),
    ("reason.other", "Lý do khác", "Other"),
    ("reason.position_filled", "Đã đủ người", "Position filled"),
    ("reason.skills", "Chưa đủ kỹ năng", "Skills"),
    ("reason.wage", "Không thống nhất lương", "Wage"),
    ("records.counted_on", "Ngày tính", "Counted on"),
    ("records.found", "bản ghi", "records"),
    ("records.title", "Danh sách", "Records"),
    ("referrals.title", "Giới thiệu việc làm", "Referrals"),
    ("reports.half", "6 tháng", "Half-year"),
    (
        "reports.intro",
        "Báo cáo định kỳ 6 tháng và cả giai đoạn, tải về dạng Excel hoặc CSV.",
        "The 6-monthly and whole-period reports, as Excel or CSV.",
    ),
    ("reports.period", "Kỳ báo cáo", "Reporting period"),
    ("reports.title", "Báo cáo", "Reports"),
    ("reports.whole_period", "Cả giai đoạn", "Whole period"),
    (
        "score.congestion",
        "Giảm do nhiều giới thiệu đang mở",
        "Damping for many open referrals",
    ),
    ("score.distance", "Khoảng cách", "Distance"),
    ("score.occupation", "Nghề phù hợp", "Occupation"),
    (
        "score.policy_priority",
        "Ưu tiên chính sách",
        "Policy priority",
    ),
    (
        "score.text_relevance",
        "Kỹ năng, mô tả phù hợp",
        "Text relevance",
    ),
    ("score.training", "Đã học khóa phù hợp", "Relevant course"),
    (
        "signup.intro",
        "Doanh nghiệp đăng ký tài khoản; cán bộ Trung tâm sẽ xác minh trước khi doanh nghiệp đăng tin.",
        "Employers sign up here; the job centre verifies the employer before it posts vacancies.",
    ),
    (
        "signup.received",
        "Đã nhận đăng ký. Đăng nhập bằng e-mail và mật khẩu vừa đặt; doanh nghiệp đăng được tin tuyển dụng sau khi cán bộ Trung tâm xác minh.",
        "Your sign-up is received. Sign in with the e-mail and password you chose; vacancies can be posted once staff have verified the business.",
    ),
    ("signup.sign_in", "Đăng nhập", "Sign in"),
    ("signup.submit", "Đăng ký", "Sign up"),
    ("signup.title", "Doanh nghiệp đăng ký", "Employer sign-up"),
    (
        "target.connected_target_share",
        "Tỷ lệ thuộc hộ nghèo, cận nghèo, mới thoát nghèo",
        "Share from target households",
    ),
    (
        "target.connected_workers",
        "Lao động được kết nối việc làm",
        "Workers connected to a job",
    ),
    (
        "target.counselled",
        "Được tư vấn, hỗ trợ tìm việc",
        "Counselled",
    ),
    (
        "target.household_employment",
        "Hộ có thành viên việc làm bền vững",
        "Households with sustainable work",
    ),
    (
        "target.overseas_contract",
        "Đi làm việc ở nước ngoài theo hợp đồng",
        "Overseas contracts",
    ),
    (
        "target.trained_poor_districts",
        "Lao động vùng nghèo được đào tạo",
        "Trained from poor areas",
    ),
    (
        "template.enrolment_confirmed",
        "Xác nhận nhập học",
        "Enrolment confirmed",
    ),
    (
        "template.enrolment_received",
        "Đã nhận đăng ký học",
        "Enrolment received",
    ),
    (
        "template.hire_confirmation",
        "Xác nhận tuyển dụng",
        "Hire confirmation",
    ),
    (
        "template.interview_invitation",
        "Mời phỏng vấn",
        "Interview invitation",
    ),
    (
        "template.progress_report",
        "Báo cáo tiến độ",
        "Progress report",
    ),
    (
        "template.referral_new",
        "Giới thiệu ứng viên mới",
        "New referral",
    ),
    (
        "template.staff_digest",
        "Tổng hợp cho cán bộ",
        "Staff digest",
    ),
    ("vacancies.found", "vị trí", "vacancies"),
    ("vacancies.search", "Tìm theo tên vị trí", "Search by title"),
    ("vacancies.title", "Vị trí tuyển dụng", "Vacancies"),
    (
        "vacancy.components",
        "Các thành phần điểm",
        "Score components",
    ),
    ("vacancy.edit", "Sửa tin tuyển dụng", "Edit the vacancy"),
    ("vacancy.matches", "Ứng viên phù hợp", "Matching candidates"),
    ("vacancy.new", "Đăng tin tuyển dụng", "Post a vacancy"),
    (
        "vacancy.no_matches",
        "Chưa có ứng viên phù hợp.",
        "No matching candidates yet.",
    ),
    (
        "vacancy.off_list",
        "Giới thiệu người ngoài danh sách xếp hạng",
        "Refer someone not on the ranked list",
    ),
    (
        "vacancy.off_list_hint",
        "Việc giới thiệu người ngoài danh sách xếp hạng được ghi lại cùng lý do.",
        "A referral of someone off the ranked list is recorded with its reason.",
    ),
    (
        "vacancy.off_list_reason",
        "Ngoài danh sách, lý do",
        "Off the list, because",
    ),
    ("vacancy.positions_short", "chỗ", "positions"),
    ("vacancy.rank", "Hạng", "Rank"),
    ("vacancy.refer", "Giới thiệu", "Refer"),
    ("vacancy.referred", "Đã giới thiệu", "Referred"),
    (
        "vacancy.referred_notice",
        "Đã giới thiệu người lao động tới doanh nghiệp.",
        "The worker has been referred to the employer.",
    ),
    ("vacancy.score", "Điểm phù hợp", "Match score"),
    ("value.applied", "Đã đăng ký", "Applied"),
    ("value.attending", "Đang học", "Attending"),
    ("value.certified", "Đã cấp chứng chỉ", "Certified"),
    ("value.closed", "Đã đóng", "Closed"),
    ("value.completed", "Đã hoàn thành", "Completed"),
    ("value.draft", "Bản nháp", "Draft"),
    ("value.dropped", "Bỏ học", "Dropped"),
    ("value.employed", "Đang có việc", "Employed"),
    ("value.enrolled", "Đã nhập học", "Enrolled"),
    ("value.female", "Nữ", "Female"),
    ("value.filled", "Đã tuyển đủ", "Filled"),
    ("value.hired", "Đã tuyển", "Hired"),
    ("value.in_training", "Đang học nghề", "In training"),
    ("value.interview", "Phỏng vấn", "Interview"),
    ("value.left", "Đã nghỉ việc", "Left"),
    ("value.male", "Nam", "Male"),
    ("value.near_poor", "Hộ cận nghèo", "Near-poor"),
    (
        "value.newly_escaped",
        "Hộ mới thoát nghèo",
        "Newly escaped poverty",
    ),
    ("value.not_poor", "Không thuộc diện", "Not poor"),
    ("value.not_seeking", "Không tìm việc", "Not seeking"),
    ("value.open", "Đang tuyển", "Open"),
    ("value.pending", "Chưa đến hạn", "Pending"),
    ("value.poor", "Hộ nghèo", "Poor"),
    ("value.referred", "Đã giới thiệu", "Referred"),
    ("value.rejected", "Không tuyển", "Rejected"),
    ("value.seeking", "Đang tìm việc", "Seeking work"),
    ("value.shortlisted", "Trong danh sách chọn", "Shortlisted"),
    (
        "value.still_employed",
        "Vẫn đang làm việc",
        "Still employed",
    ),
    ("value.withdrawn", "Đã rút", "Withdrawn"),
    (
        "worker.consent_withdrawn",
        "Người này đã rút lại sự đồng ý: hồ sơ không được chia sẻ, không được ghép việc và không gửi tin nhắn nào cho họ.",
        "This person withdrew their consent: the profile is not shared or matched, and nothing is sent to them.",
    ),
    ("worker.enrollments", "Khóa học", "Courses"),
    ("worker.history", "Lịch sử hồ sơ", "Record history"),
    ("worker.personal_data", "Dữ liệu cá nhân", "Personal data"),
    (
        "worker.personal_data_download",
        "Tải toàn bộ dữ liệu đang lưu về người này (một tệp, có ghi nhật ký)",
        "Download everything held about this person (one file, logged)",
    ),
    ("worker.referrals", "Giới thiệu việc làm", "Referrals"),
    (
        "worker.withdraw_consent",
        "Ghi nhận người này rút lại sự đồng ý",
        "Record that this person withdrew consent",
    ),
    (
        "workers.edit",
        "Sửa hồ sơ người lao động",
        "Edit the worker",
    ),
    ("workers.found", "người", "people"),
    ("workers.new", "Đăng ký người lao động", "Register a worker"),
    (
        "workers.search",
        "Tìm theo tên, kỹ năng (gõ có dấu hoặc không dấu)",
        "Search by name or skills (with or without accents)",
    ),
    ("workers.search_hint", "ví dụ: lo thi on", "e.g. lo thi on"),
    ("workers.title", "Người lao động", "Workers"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique_so_lookups_find_every_key() {
        for pair in TEXTS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} then {}", pair[0].0, pair[1].0);
        }
        let tr = Tr { lang: Lang::Vi };
        for (key, vi, en) in TEXTS {
            assert_eq!(tr.t(key), *vi);
            assert_eq!(Tr { lang: Lang::En }.t(key), *en);
        }
        assert_eq!(tr.t("missing_key"), "missing_key");
        assert_eq!(tr.of("value", "poor"), "Hộ nghèo");
        assert_eq!(tr.of("value", "unlisted"), "unlisted");
    }

    /// Every literal key the templates and page handlers ask for is in the table.
    #[test]
    fn every_key_the_pages_use_is_translated() -> Result<(), Box<dyn std::error::Error>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut folders = vec![root.join("templates"), root.join("src/routes/html")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path
                    .extension()
                    .is_some_and(|ext| ext == "html" || ext == "rs")
                {
                    files.push(path);
                }
            }
        }
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            for (index, _) in text.match_indices("t(\"") {
                let preceded = text[..index].chars().last();
                if !matches!(preceded, Some('.')) {
                    continue;
                }
                let rest = &text[index + 3..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                if key.contains('{') || !key.contains('.') {
                    continue;
                }
                seen += 1;
                if TEXTS
                    .binary_search_by(|(entry, _, _)| entry.cmp(&key))
                    .is_err()
                {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        assert!(seen > 100, "the scan found only {seen} keys");
        assert!(missing.is_empty(), "untranslated keys: {missing:#?}");
        Ok(())
    }
}
