//! The texts of generated employers, vacancies and courses. Occupation names come from the
//! reference data; this adds what users would write about them.

/// Skills a worker of this occupation writes in their profile, and an employer asks for.
pub fn skill_phrases(occupation_code: &str) -> &'static [&'static str] {
    match occupation_code {
        "8153" => &[
            "may công nghiệp",
            "vận hành máy may một kim",
            "may hoàn thiện áo sơ mi",
        ],
        "7533" => &["thêu tay", "dệt thổ cẩm", "may trang phục dân tộc"],
        "8212" => &[
            "lắp ráp linh kiện điện tử",
            "kiểm tra ngoại quan sản phẩm",
            "hàn thiếc",
        ],
        "9329" => &[
            "công nhân sản xuất",
            "đóng gói sản phẩm",
            "làm việc theo ca",
        ],
        "6111" => &["trồng rau an toàn", "trồng ngô", "sử dụng phân bón hữu cơ"],
        "6112" => &[
            "trồng và chăm sóc chè",
            "trồng cà phê",
            "trồng xoài, nhãn, mận hậu",
        ],
        "6121" => &["chăn nuôi bò", "chăn nuôi lợn", "phòng bệnh cho gia súc"],
        "6122" => &["chăn nuôi gà", "chăn nuôi vịt", "ấp trứng"],
        "6210" => &["trồng rừng", "chăm sóc rừng", "khai thác gỗ rừng trồng"],
        "7411" => &["điện dân dụng", "lắp đặt đường dây điện trong nhà"],
        "7412" => &["sửa chữa động cơ điện", "bảo dưỡng máy móc"],
        "7112" => &["xây trát", "thợ nề", "đọc bản vẽ đơn giản"],
        "7115" => &["thợ mộc", "đóng đồ gỗ"],
        "7231" => &["sửa chữa ô tô", "sửa chữa xe máy"],
        "8322" => &["lái xe hạng B2", "giao hàng"],
        "8332" => &["lái xe tải hạng C"],
        "5120" => &["nấu ăn", "phụ bếp nhà hàng", "chế biến món ăn Tây Bắc"],
        "5131" => &["phục vụ nhà hàng", "giao tiếp với khách"],
        "5223" => &["bán hàng", "tư vấn khách hàng", "thu ngân"],
        "9313" => &["phụ hồ", "lao động xây dựng"],
        "9333" => &["bốc xếp hàng hóa", "vận hành xe nâng"],
        "9112" => &["tạp vụ", "vệ sinh công nghiệp"],
        "5322" => &["chăm sóc người già", "giúp việc gia đình"],
        _ => &[],
    }
}

/// A course title for the occupation it leads to.
pub fn course_title(occupation_code: &str, occupation_name: &str) -> String {
    let title = match occupation_code {
        "8153" => "May công nghiệp",
        "7533" => "Thêu ren và dệt thổ cẩm",
        "8212" => "Lắp ráp linh kiện điện tử",
        "6111" => "Kỹ thuật trồng rau an toàn",
        "6112" => "Kỹ thuật trồng và chăm sóc chè, cà phê, cây ăn quả",
        "6121" => "Chăn nuôi gia súc và phòng bệnh",
        "6122" => "Chăn nuôi gia cầm",
        "7411" => "Điện dân dụng",
        "7112" => "Kỹ thuật xây dựng",
        "7231" => "Sửa chữa ô tô, xe máy",
        "8322" => "Lái xe ô tô hạng B2",
        "5120" => "Kỹ thuật chế biến món ăn",
        "5131" => "Nghiệp vụ nhà hàng",
        _ => return format!("Đào tạo nghề: {occupation_name}"),
    };
    title.to_owned()
}

/// Where workers of the province go to factories: industrial zones of other provinces.
pub const INDUSTRIAL_ZONES: &[&str] = &[
    "Khu công nghiệp Quế Võ, tỉnh Bắc Ninh",
    "Khu công nghiệp Yên Phong, tỉnh Bắc Ninh",
    "Khu công nghiệp Vân Trung, tỉnh Bắc Giang",
    "Khu công nghiệp Quang Châu, tỉnh Bắc Giang",
    "Khu công nghiệp Phố Nối A, tỉnh Hưng Yên",
    "Khu công nghiệp Thăng Long, thành phố Hà Nội",
    "Khu công nghiệp VSIP, tỉnh Bình Dương",
    "Khu công nghiệp Amata, tỉnh Đồng Nai",
];

pub const FACTORY_TRADES: &[(&str, &[&str])] = &[
    ("May", &["8153", "7533", "9329"]),
    ("Điện tử", &["8212", "9329", "7412"]),
    ("Giày da", &["9329", "8153"]),
    ("Linh kiện", &["8212", "8219", "9329"]),
    ("Chế biến thực phẩm", &["8160", "9329", "9333"]),
];

pub const COMPANY_NAMES: &[&str] = &[
    "Tân Phú",
    "Hưng Thịnh",
    "Phúc An",
    "Minh Long",
    "Đại Việt",
    "Thành Công",
    "Kim Sơn",
    "Hoàng Gia",
    "An Khang",
    "Trường Thịnh",
    "Việt Tiến",
    "Hòa Bình",
    "Bảo Minh",
    "Nam Việt",
    "Đông Á",
    "Phương Bắc",
];

pub const COOPERATIVE_TRADES: &[(&str, &[&str])] = &[
    ("chè", &["6112", "9211"]),
    ("cà phê", &["6112", "9211"]),
    ("rau an toàn", &["6111", "9211"]),
    ("chăn nuôi bò", &["6121", "9212"]),
    ("mận hậu", &["6112", "9211"]),
    ("dệt thổ cẩm", &["7533"]),
    ("trồng rừng", &["6210", "9215"]),
];

pub const HOUSEHOLD_TRADES: &[(&str, &[&str])] = &[
    ("Cơ sở may", &["8153", "7533"]),
    ("Nhà hàng", &["5120", "5131"]),
    ("Cơ sở sửa chữa xe", &["7231"]),
    ("Cửa hàng", &["5223"]),
    ("Đội xây dựng", &["7112", "9313"]),
];

/// Countries of overseas contract work (ISO 3166-1 alpha-2), with the trades they recruit.
pub const OVERSEAS_MARKETS: &[(&str, &str, &[&str])] = &[
    ("KR", "Hàn Quốc (EPS)", &["6111", "6121", "9329", "8212"]),
    (
        "JP",
        "Nhật Bản (thực tập sinh kỹ năng)",
        &["8153", "7112", "6111", "5120", "9329"],
    ),
    ("TW", "Đài Loan", &["9329", "8212", "5322"]),
];

pub const COURSE_PROVIDERS: &[&str] = &[
    "Trung tâm Dịch vụ việc làm",
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên",
    "Trường Cao đẳng",
    "Trường Trung cấp nghề",
    "Hội Nông dân",
];
