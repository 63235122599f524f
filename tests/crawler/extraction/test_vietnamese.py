"""Bylines, credits, datelines, captions and footer lines: the Vietnamese cleanup on plain text."""

from __future__ import annotations

import pytest

from crawler.extraction.vietnamese import (
    is_boilerplate_line,
    is_credit_line,
    parse_byline,
    split_caption,
    split_dateline,
    strip_end_mark,
    strip_title_suffix,
)

SITE = ("baotintuc", "baotintuc.vn", "Báo Tin tức")


@pytest.mark.parametrize(
    ("text", "authors", "credit"),
    [
        ("Giang Huy - Hoàng Phương", ["Giang Huy", "Hoàng Phương"], None),
        ("Mai Lan và Quốc Việt", ["Mai Lan", "Quốc Việt"], None),
        ("Tâm Hằng (TTXVN)", ["Tâm Hằng"], "TTXVN"),
        ("Tâm HằngTTXVN", ["Tâm Hằng"], "TTXVN"),
        ("Theo TTXVN", [], "TTXVN"),
        ("Theo Reuters", [], "Reuters"),
        ("Nguồn: Bộ Y tế", [], "Bộ Y tế"),
        ("Tin, ảnh: Vũ Phương Thảo", ["Vũ Phương Thảo"], None),
        ("Bài và ảnh: Lê Hà", ["Lê Hà"], None),
        ("baotintuc.vn", [], "baotintuc.vn"),
        ("Báo Tin tức", [], "Báo Tin tức"),
        ("(TTXVN/Vietnam+)", [], "TTXVN/Vietnam+"),
        ("Tuân-Tùng", ["Tuân", "Tùng"], None),
        ("Huỳnh Duy,", ["Huỳnh Duy"], None),
        ("Thế Duyệt, Đời sống Pháp luật", ["Thế Duyệt"], "Đời sống Pháp luật"),
        ("Theo Ngô Tùng", ["Ngô Tùng"], None),
        ("Theo Tiền Phong", [], "Tiền Phong"),
        ("ĐAN THUẦN", ["ĐAN THUẦN"], None),
        ("TP", ["TP"], None),
        ("H.V.", ["H.V."], None),
        ("Công an TP.HCM", [], "Công an TP.HCM"),
        ("Quốc Bảo", ["Quốc Bảo"], None),
        ("Văn Hùng", ["Văn Hùng"], None),
        ("Ảnh: Minh Trí", [], None),
        # A bracketed tail is a credit only when it names an agency or a source.
        ("Quỳnh Anh (tổng hợp)", ["Quỳnh Anh"], None),
        ("Nguyễn Văn An (Hà Nội)", ["Nguyễn Văn An"], None),
        ("(Còn nữa)", [], None),
        ("(Theo Reuters)", [], "Theo Reuters"),
        ("Minh Anh (NLĐO)", ["Minh Anh"], "NLĐO"),
        # A first word like "Ban" or "Trường" makes an organisation only with more behind it.
        ("Ban Mai", ["Ban Mai"], None),
        ("Trường Giang", ["Trường Giang"], None),
        ("Bộ Y tế", [], "Bộ Y tế"),
        ("Cục CSGT", [], "Cục CSGT"),
        ("Sở giáo dục", [], "Sở giáo dục"),
        # An unspaced hyphen joins a given name to a longer name; between alike sides it separates.
        ("Lê Thị Hồng-Nhung", ["Lê Thị Hồng-Nhung"], None),
        ("Lê Thị Hồng-Nhung - Minh Anh", ["Lê Thị Hồng-Nhung", "Minh Anh"], None),
        ("Giang Huy-Hoàng Phương", ["Giang Huy", "Hoàng Phương"], None),
    ],
)
def test_parse_byline(text: str, authors: list[str], credit: str | None) -> None:
    byline = parse_byline(text, site_names=SITE)
    assert (byline.authors, byline.credit) == (authors, credit)


def test_theo_at_the_end_of_a_body_is_a_source() -> None:
    assert parse_byline("Theo Ngô Tùng", theo_is_source=True).authors == []


@pytest.mark.parametrize(
    ("text", "dateline", "rest"),
    [
        ("(Dân trí) - Đến tối 17/7, mưa lớn kéo dài.", "(Dân trí)", "Đến tối 17/7, mưa lớn kéo dài."),
        ("(NLĐO) - Sáng nay, thành phố ra quân dọn rác.", "(NLĐO)", "Sáng nay, thành phố ra quân dọn rác."),
        ("TTXVN - Ngày 10/8, ông A cho biết như vậy.", "TTXVN", "Ngày 10/8, ông A cho biết như vậy."),
        ("Hà Nội (TTXVN) - Ngày 10/8, hội nghị khai mạc.", "Hà Nội (TTXVN)", "Ngày 10/8, hội nghị khai mạc."),
        ("TPO - Hội đồng quản trị vừa họp bất thường.", "TPO", "Hội đồng quản trị vừa họp bất thường."),
        ("(TNO) Sáng nay đoàn công tác đã lên đường.", "(TNO)", "Sáng nay đoàn công tác đã lên đường."),
        ("EU - Mỹ đạt thỏa thuận thương mại mới.", None, "EU - Mỹ đạt thỏa thuận thương mại mới."),
        (
            "Theo phóng viên TTXVN tại Lào, hội chợ mở cửa.",
            None,
            "Theo phóng viên TTXVN tại Lào, hội chợ mở cửa.",
        ),
    ],
)
def test_split_dateline(text: str, dateline: str | None, rest: str) -> None:
    assert split_dateline(text) == (dateline, rest)


@pytest.mark.parametrize(
    ("shown", "caption", "credit"),
    [
        ("Toàn cảnh phiên họp. Ảnh tư liệu: AFP/TTXVN", "Toàn cảnh phiên họp.", "AFP/TTXVN"),
        (
            "Lực lượng cứu hộ tại hiện trường (Ảnh: Nguyễn Cường/TTXVN)",
            "Lực lượng cứu hộ tại hiện trường",
            "Nguyễn Cường/TTXVN",
        ),
        ("Hàng giả bị thu giữ - Ảnh: Công an TP.HCM", "Hàng giả bị thu giữ", "Công an TP.HCM"),
        ("Người dân xếp hàng. (Ảnh minh hoạ)", "Người dân xếp hàng.", "Ảnh minh hoạ"),
        ("Hiện trường vụ cháy. Video: Hùng Lê", "Hiện trường vụ cháy.", "Hùng Lê"),
        ("Quốc lộ bị chia cắt", "Quốc lộ bị chia cắt", None),
        ("Ảnh: Đức Hùng", None, "Đức Hùng"),
        (
            "Clip: Trang trại nơi xảy ra vụ tai nạn lao động làm nhiều người bị thương.",
            "Clip: Trang trại nơi xảy ra vụ tai nạn lao động làm nhiều người bị thương.",
            None,
        ),
    ],
)
def test_split_caption(shown: str, caption: str | None, credit: str | None) -> None:
    assert split_caption(shown) == (caption, credit)


@pytest.mark.parametrize(
    "line",
    [
        "Xem thêm: Nhiều xã vùng cao vẫn thiếu cầu",
        "Tin liên quan",
        "Đọc thêm: Giá vàng hôm nay",
        ">> Xem thêm video",
        "» Đọc thêm",
        "Xem video:",
        "Tin nổi bật",
        "Xem tiếp >>",
        "Mời quý độc giả xem video dưới đây",
        "Chia sẻ",
        "Bạn thấy bài viết thế nào?",
        "Theo dõi Báo ABC trên Google News",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Đọc thêm sách giúp trẻ phát triển ngôn ngữ, theo các chuyên gia giáo dục đã nhiều lần "
        "khuyến cáo trong các hội thảo về phương pháp nuôi dạy con được tổ chức suốt nhiều năm "
        "qua ở các thành phố lớn và vùng nông thôn.",
        "Người dân chia sẻ niềm vui khi có cầu mới.",
        # Short sentences that open with a navigation phrase are still article text.
        "Xem video, nhiều người bày tỏ bức xúc trước hành động của nam thanh niên.",
        "Đọc thêm sách giúp trẻ phát triển ngôn ngữ.",
        "Tin nổi bật nhất tuần qua là việc thông xe cao tốc.",
        "Xem tiếp phần hai, khán giả sẽ hiểu vì sao nhân vật rời làng.",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_credit_lines_and_end_mark() -> None:
    assert is_credit_line("(Ảnh: Thanh Tuấn/TTXVN)")
    assert is_credit_line("Ảnh tư liệu: AFP/TTXVN")
    assert not is_credit_line("Ảnh hưởng của bão khiến nhiều tuyến đường ngập sâu.")
    assert strip_end_mark("Hội nghị kết thúc trong ngày./.") == "Hội nghị kết thúc trong ngày."
    assert strip_end_mark("Câu bình thường.") == "Câu bình thường."


def test_title_suffixes() -> None:
    assert strip_title_suffix("Ukraine có Thủ tướng mới | baotintuc.vn", SITE) == "Ukraine có Thủ tướng mới"
    assert strip_title_suffix("Cháy rừng - VnExpress", ("VnExpress",)) == "Cháy rừng"
    assert (
        strip_title_suffix("Nghe podcasts | Điểm tin 6h: A | B - Báo VnExpress", ("VnExpress",))
        == "Điểm tin 6h: A | B"
    )
    assert strip_title_suffix("Mỹ - Trung nối lại đàm phán", ("VnExpress",)) == "Mỹ - Trung nối lại đàm phán"
