"""Vietnamese news conventions: bylines, agency credits, datelines, photo credits, footer boilerplate.

Everything here works on plain text so that every outlet (and the generic path) gets the same
cleanup. The vocabulary is data at the top of the module; the functions only apply it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Agencies, outlets and other organisations that appear where a person's name is expected.
ORGANISATIONS = (
    "TTXVN",
    "VNA",
    "Thông tấn xã Việt Nam",
    "Vietnam+",
    "VietnamPlus",
    "Báo Tin tức",
    "Bnews",
    "Reuters",
    "AFP",
    "AP",
    "Bloomberg",
    "Xinhua",
    "Tân Hoa Xã",
    "TASS",
    "Sputnik",
    "Kyodo",
    "Yonhap",
    "BBC",
    "CNN",
    "CNBC",
    "The Guardian",
    "New York Times",
    "Forbes",
    "VOV",
    "VTV",
    "VTC",
    "VnExpress",
    "Tuổi Trẻ",
    "Tuổi Trẻ Online",
    "Thanh Niên",
    "Dân trí",
    "Tiền Phong",
    "Nhân Dân",
    "Vietnamnet",
    "Znews",
    "Zing",
    "Kenh14",
    "CafeF",
    "GenK",
    "Soha",
    "Người Lao Động",
    "Lao Động",
    "Đời sống Pháp luật",
    "Pháp luật TP.HCM",
    "Sài Gòn Giải Phóng",
    "Công an nhân dân",
    "Quân đội nhân dân",
    "Infonet",
    "Vietnam Finance",
    "Người đưa tin",
    "Báo Mới",
    "Ngôi sao",
    "Nhóm PV",
    "PV",
    "CTV",
    "BTV",
)
# First words that make a name an organisation, not a person.
_ORG_WORDS = frozenset(
    ("báo", "đài", "bộ", "sở", "ubnd", "ban", "trường", "viện", "nhóm", "phòng", "cục", "quỹ", "hội")
)
# Two-word openings of organisation names whose first word alone can be a given name (Công, Thông).
_ORG_OPENINGS = (
    "công an",
    "công ty",
    "thông tấn",
    "tạp chí",
    "bệnh viện",
    "tập đoàn",
    "ngân hàng",
    "cổng thông tin",
    "trung tâm",
    "tổng công ty",
    "văn phòng",
)
# Where an author slot starts with one of these, the name after it is the author.
_AUTHOR_LABEL = re.compile(
    r"^(?:tin\s*(?:,|và|và\s+ảnh|&)?\s*ảnh|bài\s*(?:,|và|&)?\s*ảnh|bài\s+viết|bài|tin|tác\s+giả|"
    r"thực\s+hiện|nhóm\s+thực\s+hiện|ghi|ghi\s+chép|phóng\s+viên|pv)\s*:\s*",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(r"^(?:nguồn|source)\s*:\s*", re.IGNORECASE)
_THEO = re.compile(r"^theo\s+", re.IGNORECASE)
_PHOTO_LABEL = re.compile(r"^(?:ảnh|video|clip|đồ\s*họa|đồ\s*hoạ|infographic|photo)\s*:", re.IGNORECASE)
_GLUED_AGENCY = re.compile(r"^(.*[a-zà-ỹđ])([A-ZĐ][A-ZĐ+/]{2,}(?:/[\w+ ]+)?)$")
_PERSON_SEPARATORS = re.compile(r"\s+[-–—]\s+|\s*[,;&]\s*|\s+và\s+|\s+and\s+")
# A hyphen with no spaces: "Tuân-Tùng" (two people) or "Lê Thị Hồng-Nhung" (one hyphenated name).
_NAME_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
# Lower-case words a person's name may hold: "Ursula von der Leyen", "Mohammed bin Salman".
_NAME_PARTICLES = ("d'", "de", "der", "du", "da", "van", "von", "bin", "ibn", "al-")
_BRACKETED_TAIL = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]+)[)\]]\s*[.,]?$")
_AGENCY_CODE = re.compile(r"^[A-ZĐ][A-ZĐ&+]{1,9}$")  # "TTXVN", "NLĐO", "GD&TĐ"
_WORD_OK = re.compile(
    r"^(?:[A-ZÀ-ỸĐ][\w'’.]*(?:-[A-ZÀ-ỸĐ][\w'’.]*)*|[A-ZĐ]\.(?:[A-ZĐ]\.)*[A-ZĐ]?\.?|d'|de|van|von|bin|al-\w+)$"
)

# Lead prefixes: "(Dân trí) - ", "Hà Nội (TTXVN) - ", "TPO - ", "(TNO) ".
_DATELINE_CODES = (
    r"TTXVN|VNA|TPO|TT|TNO|NLĐO|PLO|SGGPO|ANTĐ|CAND|QĐND|NDO|VOV|VTV|VTC|GDVN|KTĐT|HNMO|DNVN|TBTCO|"
    r"Bnews|BNEWS|Infonet|Zing|GD&TĐ|ĐS&PL|TG&VN|VnExpress|Vietnam\+|VietnamPlus|Dân trí|Soha\.vn"
)
_DATELINE = re.compile(
    r"^\s*("
    r"\((?:[^()\n]{1,30})\)"  # (Dân trí)
    r"|(?:[A-ZÀ-ỸĐ][\wÀ-ỹ.]*\s){0,4}\((?:[A-ZÀ-ỸĐ][^()\n]{1,30})\)"  # Hà Nội (TTXVN)
    r"|(?:[A-ZÀ-ỸĐ][\wÀ-ỹ.]*\s){0,3}(?:" + _DATELINE_CODES + r")(?=\s*[-–—:])"  # TPO -, Hà Nội TTXVN -
    r")\s*(?:[-–—:]\s*|(?=[A-ZÀ-ỸĐ\"“]))"
)
_END_MARK = re.compile(r"\s*\.?/\.\s*$")

# Credits at the end of a caption: "… ở Kiev. Ảnh tư liệu: AFP/TTXVN", "… (Ảnh: Công an Lạng Sơn).",
# "… - Ảnh: Công an TP.HCM", "… (Ảnh minh hoạ)".
_CREDIT_WORDS = (
    r"(?:ảnh|ảnh\s+tư\s+liệu|ảnh\s+minh\s+họa|ảnh\s+minh\s+hoạ|ảnh\s+chụp\s+màn\s+hình|video|clip|nguồn|"
    r"đồ\s+họa|đồ\s+hoạ|infographic|photo|thiết\s+kế)"
)
_CAPTION_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…\"”])\s*|\s+[-–—]\s+|\s*)[(\[]?\s*("
    + _CREDIT_WORDS
    + r"(?:\s*:\s*(?:[^()\[\],;!?.\s]|\.(?=\S)|\s(?!\s)){1,45})?)\s*[)\]]?\s*\.?\s*$",
    re.IGNORECASE,
)

# Lines that are navigation, not the article. The phrases also open real sentences ("Xem video, nhiều
# người bày tỏ…", "Đọc thêm sách giúp trẻ…"), so a line is navigation only in a navigation form: an
# arrow before the phrase (">> Xem thêm video"), or a colon, arrow or the end of the line after it.
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?P<arrow>(?:>>+|»+)\s*)?(?:xem\s+thêm|tin\s+liên\s+quan|đọc\s+thêm|xem\s+tiếp|bài\s+liên\s+quan|"
    r"tin\s+cùng\s+chuyên\s+mục|có\s+thể\s+bạn\s+quan\s+tâm|đọc\s+tiếp|video\s+đang\s+được\s+quan\s+tâm|"
    r"cùng\s+chuyên\s+mục|bạn\s+có\s+thể\s+quan\s+tâm|tin\s+nổi\s+bật|xem\s+video)\b"
    r"(?P<form>\s*(?::|>>|»|\.{3}|…|[.!]?\s*$))?",
    re.IGNORECASE,
)
# A line addressed to the reader ("Mời quý độc giả xem video dưới đây") is never reporting.
_READER_INVITATION = re.compile(
    r"^\s*(?:(?:>>+|»+)\s*)?mời\s+(?:quý\s+)?(?:bạn\s+)?(?:độc\s+giả|bạn\s+đọc)\b", re.IGNORECASE
)
_WIDGET_LINE = re.compile(
    r"^\s*(?:chia\s+sẻ(?:\s+bài\s+viết)?|chia\s+sẻ\s+facebook|chia\s+sẻ\s+zalo|bình\s+luận(?:\s*\(\d+\))?|"
    r"lưu\s+(?:bài\s+viết|tin)|bản\s+in|in\s+bài|copy\s+link|lấy\s+link|link\s+bài\s+gốc|facebook|twitter|zalo|"
    r"gửi\s+mail|tặng\s+sao.*|bạn\s+thấy\s+bài\s+viết\s+(?:thế\s+nào|này).*|đánh\s+giá\s+bài\s+viết.*|"
    r"theo\s+dõi\s+.{1,40}\s+trên\s+google\s+news.*|quảng\s+cáo|advertisement)\s*[:.]?\s*$",
    re.IGNORECASE,
)


def squash(text: str | None) -> str:
    """One line of text: NFC, whitespace (incl. NBSP) collapsed, trimmed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


class _FoldTable(dict[int, int | str | None]):
    """`str.translate` table of `fold`, one entry per character met: the letters and digits of the
    character's canonical decomposition (`ệ` → `e`, `,` → nothing), `đ` and `Đ` read as `d` and `D`.

    Per character is the same as decomposing the whole text: decomposition is per character, and the
    reordering that follows moves combining marks only, which are never letters or digits.
    """

    def __missing__(self, key: int) -> int | str | None:
        char = chr(key)
        kept = "".join(c for c in unicodedata.normalize("NFD", char) if c.isalnum())
        value: int | str | None = key if kept == char else kept or None
        self[key] = value
        return value


_FOLD = _FoldTable({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    """Lower-case, diacritics and punctuation removed: for comparing names, never for output."""
    return text.translate(_FOLD).lower()


_ORG_FOLDS = frozenset(fold(o) for o in ORGANISATIONS)


def is_organisation(name: str, site_names: tuple[str, ...] = ()) -> bool:
    """True for agencies, outlets, domains and institutions: names that are never an author."""
    name = squash(name)
    folded = fold(name)
    if not folded:
        return True
    if folded in _ORG_FOLDS or re.search(r"\.(?:vn|com|net|org|info)\b", name, re.IGNORECASE):
        return True
    for site in site_names:
        site_fold = fold(site)
        if site_fold and (folded == site_fold or (len(site_fold) >= 5 and site_fold in folded)):
            return True
    lowered = name.casefold()
    if lowered.startswith(_ORG_OPENINGS):
        return True
    words = name.split()
    if words[0].casefold() not in _ORG_WORDS or len(words) < 2:
        return False
    # "Bộ Y tế", "Báo Nhân Dân", "Cục CSGT", "Sở giáo dục" are organisations; "Ban Mai" and "Trường Giang"
    # are people: two capitalised words are a name unless the second is an acronym or an organisation.
    second = words[1]
    return (
        len(words) >= 3
        or not second[:1].isupper()
        or (not words[0].isupper() and second.isupper() and len(fold(second)) >= 2)
        or fold(second) in _ORG_FOLDS
    )


def is_person_name(name: str, site_names: tuple[str, ...] = ()) -> bool:
    """A plausible displayed person name: 1–6 capitalised words, no digits, not an organisation."""
    name = squash(name)
    if not name or len(name) > 50 or re.search(r"[\d@:/|<>{}=]|https?", name):
        return False
    words = name.split()
    if len(words) > 6 or is_organisation(name, site_names):
        return False
    # `[A-ZÀ-ỸĐ]` spans lower-case letters too (á, đ): a name's words start upper-case, particles aside.
    return all(_WORD_OK.match(w) and (w[:1].isupper() or w.startswith(_NAME_PARTICLES)) for w in words)


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    credit: str | None = None

    def merge(self, other: Byline) -> None:
        for a in other.authors:
            if a not in self.authors:
                self.authors.append(a)
        self.credit = self.credit or other.credit


def _strip_name(text: str) -> str:
    text = squash(text).strip(" ,;:-–—|*\"'“”")
    if not re.search(r"(?:^|[\s.])[A-ZĐ]\.$", text):  # keep the dot of a final initial: "H.V."
        text = text.rstrip(".")
    return text.strip()


def parse_byline(text: str, *, site_names: tuple[str, ...] = (), theo_is_source: bool = False) -> Byline:
    """People and the agency credit in one byline string.

    `Giang Huy - Hoàng Phương` → two authors; `Tâm Hằng (TTXVN)` → author + credit TTXVN;
    `Theo Reuters` → credit only; `Tin, ảnh: X` → author X; `Tâm HằngTTXVN` (glued JSON-LD) → author +
    credit. In an author slot `Theo X` names a person unless X is an organisation; at the end of a body
    (`theo_is_source`) it is always a source.
    """
    result = Byline()
    text = _strip_name(text)
    if not text or _PHOTO_LABEL.match(text):
        return result
    if _SOURCE_LABEL.match(text):
        result.credit = _strip_name(_SOURCE_LABEL.sub("", text)) or None
        return result
    text = _AUTHOR_LABEL.sub("", text)
    if _THEO.match(text):
        rest = _strip_name(_THEO.sub("", text))
        head, credit = _split_credit(rest, site_names)
        if (
            theo_is_source
            or not head
            or is_organisation(head, site_names)
            or not _all_people(head, site_names)
        ):
            result.credit = rest or None
            return result
        text, result.credit = head, credit
    else:
        text, result.credit = _split_credit(text, site_names)
    for part in _split_people(text):
        part = _strip_name(part)
        if not part:
            continue
        if is_person_name(part, site_names):
            if part not in result.authors:
                result.authors.append(part)
        elif is_organisation(part, site_names) and result.credit is None:
            result.credit = part
    return result


def _split_people(text: str) -> list[str]:
    """Name by name. An unspaced hyphen separates people only when both sides are alike: one word
    each (`Tuân-Tùng`) or several each (`Giang Huy-Hoàng Phương`); `Lê Thị Hồng-Nhung` is one name."""
    people: list[str] = []
    for part in _PERSON_SEPARATORS.split(text):
        pieces = _NAME_HYPHEN.split(part)
        if len({len(p.split()) > 1 for p in pieces}) > 1:
            pieces = [part]
        people.extend(pieces)
    return people


def _all_people(text: str, site_names: tuple[str, ...]) -> bool:
    parts = [_strip_name(p) for p in _split_people(text)]
    return all(is_person_name(p, site_names) for p in parts if p)


def _is_credit(text: str, site_names: tuple[str, ...]) -> bool:
    """An agency or source: `TTXVN`, `TTXVN/Vietnam+`, `Theo Reuters`, `Nguồn: VTV`; not `tổng hợp`."""
    text = _strip_name(text)
    if _THEO.match(text) or _SOURCE_LABEL.match(text):
        return True
    parts = [p.strip() for p in text.split("/") if p.strip()]
    return any(is_organisation(p, site_names) or _AGENCY_CODE.match(p) for p in parts)


def _split_credit(text: str, site_names: tuple[str, ...]) -> tuple[str, str | None]:
    """`Name (TTXVN)`, `(TTXVN/Vietnam+)`, `Name/TTXVN`, `Tâm HằngTTXVN` → (names, credit).

    A bracketed tail that is not an agency or source (`Quỳnh Anh (tổng hợp)`, `Nguyễn Văn An (Hà Nội)`,
    `(Còn nữa)`) is a note: it is not a credit and is left out of the names.
    """
    match = _BRACKETED_TAIL.match(text)
    if match:
        tail = _strip_name(match.group(2))
        return _strip_name(match.group(1)), tail if tail and _is_credit(tail, site_names) else None
    if "/" in text:
        head, _, tail = text.partition("/")
        if is_organisation(tail.strip(), site_names) or tail.strip().isupper():
            return _strip_name(head), _strip_name(tail) or None
    glued = _GLUED_AGENCY.match(text)
    if glued and is_organisation(glued.group(2).split("/")[0], site_names):
        return _strip_name(glued.group(1)), glued.group(2)
    return text, None


def split_dateline(text: str) -> tuple[str | None, str]:
    """(`(Dân trí)`, rest) for a lead or first paragraph that starts with a dateline, else (None, text)."""
    match = _DATELINE.match(text)
    if not match:
        return None, text
    rest = text[match.end() :].lstrip()
    if len(rest) < 10:
        return None, text
    return squash(match.group(1)), rest


def strip_end_mark(text: str) -> str:
    """Remove the agency end mark `./.` that closes TTXVN copy."""
    return _END_MARK.sub(".", text).rstrip() if _END_MARK.search(text) else text


def split_caption(text: str) -> tuple[str | None, str | None]:
    """(caption, credit) from a displayed caption: the credit tail is kept apart."""
    text = squash(text)
    if not text:
        return None, None
    match = _CAPTION_CREDIT.search(text)
    if match and match.start(1) > 0:
        caption = text[: match.start()].rstrip(" -–—(")
        credit = squash(re.sub(r"^" + _CREDIT_WORDS + r"\s*:\s*", "", match.group(1), flags=re.IGNORECASE))
        return caption or None, credit or squash(match.group(1))
    if match and match.start(1) == 0 and ":" in match.group(1):  # the whole line is a credit
        return None, squash(match.group(1).split(":", 1)[1]) or None
    return text, None


def is_boilerplate_line(line: str) -> bool:
    """`Xem thêm: …`, `Tin liên quan`, share and rating widgets: lines a reader skips."""
    line = squash(line)
    if _WIDGET_LINE.match(line):
        return True
    if _READER_INVITATION.match(line):
        return len(line) < 200
    match = _BOILERPLATE_LINE.match(line)
    return match is not None and (match.group("arrow") is not None or match.group("form") is not None)


def is_credit_line(line: str) -> bool:
    """A photo credit standing alone in the body: `Ảnh: X`, `(Ảnh: X)`, `Ảnh tư liệu: AFP/TTXVN`."""
    line = squash(line).strip("()[] .")
    return bool(re.match(r"^" + _CREDIT_WORDS + r"\s*:", line, re.IGNORECASE)) and len(line) < 100


def strip_title_suffix(title: str, site_names: tuple[str, ...]) -> str:
    """`Tiêu đề | baotintuc.vn`, `Tiêu đề - VnExpress`, `Nghe podcasts | Tiêu đề` → `Tiêu đề`."""
    title = squash(title)
    for _ in range(2):
        parts = re.split(r"\s+[|–—-]\s+", title)
        if len(parts) < 2:
            break
        if _is_site_label(parts[-1], site_names):
            title = title[: title.rfind(parts[-1])].rstrip(" |–—-")
        elif _is_site_label(parts[0], site_names) or fold(parts[0]) in {"nghepodcasts", "podcast", "video"}:
            title = title[len(parts[0]) :].lstrip(" |–—-")
        else:
            break
    return title


def _is_site_label(text: str, site_names: tuple[str, ...]) -> bool:
    folded = fold(text)
    if not folded:
        return True
    if re.search(r"\.(?:vn|com|net)\s*$", text.strip(), re.IGNORECASE):
        return True
    names = [fold(s) for s in site_names if fold(s)]
    return any(
        folded == n or folded == "bao" + n or (len(n) >= 5 and n in folded and len(folded) < 30)
        for n in names
    )
