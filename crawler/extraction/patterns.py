"""The generic layer's knowledge of Vietnamese news pages, as data (trafilatura's xpaths.py is the model).

Each pattern is matched, case-insensitively, against one element's `class`, `id`, `itemprop` and `rel`
joined by spaces (see `generic.hints_of`). The functions in crawler/extraction/generic.py only apply
them: a new CMS convention is one more alternative here, never a new branch of code.
"""

from __future__ import annotations

import re

# Boxes that are never the article a reader came for: related lists, comments, sidebars, footers, menus,
# most-read boxes, tag and share bars, fact boxes (a match's line-ups: not the running text).
# Nothing is read from inside them (dates, authors, leads, body).
OUTSIDE_ARTICLE = re.compile(
    r"relate|lien[-_]?quan|tin[-_]?khac|other[-_]?news|more[-_]?news|cung[-_]?chuyen[-_]?muc|"
    r"comment|binh[-_]?luan|y[-_]?kien|sidebar|side[-_]?bar|col[-_]?right|right[-_]?col|"
    r"footer|\bmenu|\bnav\b|navbar|navigation|most[-_]?(?:read|view|popular)|xem[-_]?nhieu|"
    r"doc[-_]?nhieu|tin[-_]?moi|newest|top[-_]?news|box[-_]?news|list[-_]?news|news[-_]?list|"
    r"\btags?\b|tag[-_]?list|keyword|tu[-_]?khoa|\bshare|social|advert|\bads?\b|banner|"
    r"\bpoll\b|subscribe|newsletter|note[-_]?box|fact[-_]?box",
    re.IGNORECASE,
)
INVISIBLE_TAGS = ("script", "style", "noscript", "template")  # their content is never text a reader sees
# Tags that are never the article, whatever their class.
OUTSIDE_TAGS = ("aside", "footer", "nav")  # not form: ASP.NET pages wrap everything in one

# Where the page shows its date: classes, ids and itemprops that say date or time.
DATE_HINT = re.compile(
    r"date|time|ngay|publish|post[-_]?time|posted|timestamp|pubdate|meta|info|thoigian|thoi[-_]?gian",
    re.IGNORECASE,
)
# A day with its year: what makes a text a date rather than a time of day or a score.
DATE_DAY = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b")
# The label that makes a displayed date the modified time: `Cập nhật`, `Updated`, `Sửa lúc`.
MODIFIED_LABEL = re.compile(r"cập\s*nhật|cap\s*nhat|updated?|last\s+modified|sửa\s+lúc|chỉnh\s+sửa", re.I)

# Elements that hold the headline when no `h1` does (old CMSs put the logo in the only h1).
TITLE_HINT = re.compile(r"title|tieu[-_]?de|headline|heading|\bhead\b", re.IGNORECASE)
TITLE_TAGS = ("h1", "h2", "h3", "div", "p", "td", "span", "strong", "b", "font")

# The lead (sapo): its class, id or itemprop.
LEAD_HINT = re.compile(
    r"sapo|\blead\b|lead[-_]|[-_]lead|summary|intro|\bdesc\b|desc[-_]|description|tom[-_]?tat|chap+eau|"
    r"excerpt|abstract|teaser|trich[-_]?dan|subtitle|short",
    re.IGNORECASE,
)
# Classes that look like a lead's but hold a caption or a picture.
NOT_LEAD = re.compile(r"caption|image|img|photo|thumb|picture|video|avatar|author", re.IGNORECASE)
LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "td", "section", "strong", "b")

# Author elements: `author`, `tacgia`, `tac-gia`, `byline`, `rel=author`, `itemprop=author`; and source
# lines (`nguontin`, `source`), where `Theo X` names a source, never a person.
_SOURCE_CLASSES = r"nguon[-_]?tin|\bnguon\b|\bsource\b|article[-_]?source|p[-_]?source"
AUTHOR_HINT = re.compile(
    r"author|tac[-_]?gia|byline|writer|reporter|phong[-_]?vien|nguoi[-_]?viet|signature|" + _SOURCE_CLASSES,
    re.IGNORECASE,
)
SOURCE_HINT = re.compile(_SOURCE_CLASSES, re.IGNORECASE)
# Buttons inside a byline or source line ("Copy link", share icons): not part of the names.
BYLINE_WIDGET = re.compile(r"\bbtn|button|copy|share|icon|tooltip", re.IGNORECASE)
# Authors' classes that are not a byline: the author's photo, a list of the author's other articles.
NOT_AUTHOR = re.compile(r"avatar|photo|image|img|thumb|list|more|other|box", re.IGNORECASE)

# Breadcrumb containers: `breadcrumb`, `bread-crumb`, `crumbs`, `duong-dan`, microdata BreadcrumbList.
BREADCRUMB_HINT = re.compile(
    r"bread[-_]?crumb|breakumb|crumbs?\b|duong[-_]?dan|navigation[-_]?path|path[-_]?nav|nav[-_]?path",
    re.IGNORECASE,
)
# A weaker sign, trusted only next to the headline (menus and "same category" boxes use it too): a class
# with a `cate`, `category` or `chuyen-muc` part (`detail-cate`, `the-article-category`, `cate-m`).
CATEGORY_HINT = re.compile(r"(?:^|[-_\s])(?:cate|category|chuyen[-_]?muc)(?:[-_\s]|$)", re.IGNORECASE)
# The current section highlighted in a menu: the category a reader sees when there is no breadcrumb.
ACTIVE_HINT = re.compile(r"\bactive\b|\bcurrent\b|\bselected\b|\bon\b", re.IGNORECASE)
# The site's section menu, where the highlighted item is the page's section.
MENU_HINT = re.compile(r"menu|\bnav|navigation|main[-_]?cate", re.IGNORECASE)
# Crumb separators shown as text between the links.
CRUMB_SEPARATORS = re.compile(r"^[\s>»›/|\-–—·•:]*$")

# Body lines after which the article has ended, when only short or link-only lines follow them.
END_OF_ARTICLE = re.compile(
    r"^\s*(?:(?:>>+|»+)\s*)?(?:tin\s+liên\s+quan|bài\s+liên\s+quan|bài\s+viết\s+liên\s+quan|tin\s+cùng\s+chuyên\s+mục|"
    r"xem\s+thêm|đọc\s+thêm|có\s+thể\s+bạn\s+quan\s+tâm|bạn\s+có\s+thể\s+quan\s+tâm|tin\s+khác|các\s+tin\s+khác|"
    r"tags?|từ\s+khóa|từ\s+khoá|chủ\s+đề|chia\s+sẻ|bình\s+luận|ý\s+kiến\s+bạn\s+đọc|gửi\s+ý\s+kiến)\b",
    re.IGNORECASE,
)
# A link-only body line that sends the reader elsewhere: `Xem thêm video: …`, `>> Đọc tiếp`, `Video: …`.
LINK_LINE = re.compile(
    r"^\s*(?:(?:>>+|»+)\s*)?(?:xem\s+thêm|xem\s+video|xem\s+tiếp|đọc\s+thêm|đọc\s+tiếp|video|clip|"
    r"tin\s+liên\s+quan|bài\s+liên\s+quan|>>|»)",
    re.IGNORECASE,
)
