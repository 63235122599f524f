"""Adding an outlet is one file: declared in a temporary folder, served by the replay, crawled, stored.

The outlet (Lao Động, not among the project's outlets) is declared in one module outside the package,
found through VNNEWS_OUTLET_DIRS; its mirrored page is ours. The crawl runs the real spider generated
for it, and the stored article shows its rules were applied: the byline and category come from its own
selectors, and the box its `drop` rule names is not in the body.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.spiders.conftest import crawl, outlet_stats

OUTLET_FILE = '''
"""Lao Động: a test outlet declared outside the package."""

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="laodong",
    name="Lao Động",
    domains=("laodong.vn",),
    article_pattern=rf"/{SLUG}/{SLUG}-\\d{{6,}}\\.ldo",
    feeds=("https://laodong.vn/rss/home.rss",),
    listings=(Listing("https://laodong.vn/xa-hoi"),),
    home="https://laodong.vn/",
    rules=Rules(
        site_name="Lao Động",
        title=("h1.art-title",),
        lead=("div.chappeau",),
        body=("div.art-body",),
        byline=("div.art-author span.ten",),
        category=("ul.ld-breadcrumb li.leaf a",),
        drop=("div.ld-box-lienquan",),
    ),
)
'''

URL = "https://laodong.vn/xa-hoi/cong-nhan-khu-cong-nghiep-duoc-ho-tro-nha-o-1234567.ldo"
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Công nhân khu công nghiệp được hỗ trợ nhà ở | Báo Lao Động</title>
<meta property="article:published_time" content="2026-10-20T08:15:00+07:00"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a> <a href="/kinh-te">Kinh tế</a></nav>
<ul class="ld-breadcrumb"><li><a href="/">Trang chủ</a></li>
<li class="leaf"><a href="/cong-doan">Công đoàn</a></li></ul>
<h1 class="art-title">Công nhân khu công nghiệp được hỗ trợ nhà ở</h1>
<div class="chappeau">Hơn hai nghìn công nhân sẽ được thuê nhà ở xã hội với giá ưu đãi từ đầu năm tới.</div>
<div class="art-body">
<p>Công đoàn tỉnh cho biết dự án nhà ở xã hội đầu tiên đã hoàn thành phần thô.</p>
<div class="ld-box-lienquan"><p>Đọc thêm: Giá thuê trọ quanh khu công nghiệp tăng mạnh trong quý ba</p></div>
<p>Mỗi căn hộ rộng khoảng bốn mươi mét vuông, có chỗ để xe và sân chơi cho trẻ em.</p>
<p>Người lao động có thể đăng ký tại văn phòng công đoàn cơ sở từ tuần sau.</p>
</div>
<div class="art-author">Bài: <span class="ten">Hoài Thu</span></div>
<footer>Trang viết riêng cho bộ replay của vnnews: nội dung hư cấu.</footer>
</body></html>"""


@pytest.fixture
def new_outlet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The outlet's one declaration file and its mirrored page with a manifest, outside the checkout."""
    outlets = tmp_path / "outlets"
    outlets.mkdir()
    (outlets / "laodong.py").write_text(OUTLET_FILE, encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "cong-nhan.html").write_text(PAGE, encoding="utf-8")
    manifest = pages / "MANIFEST.tsv"
    manifest.write_text(
        f"file\toutlet\turl\tkind\ncong-nhan.html\tlaodong\t{URL}\tarticle\n", encoding="utf-8"
    )
    monkeypatch.setenv("VNNEWS_OUTLET_DIRS", str(outlets))
    return manifest


def _serve(manifest: Path) -> tuple[subprocess.Popen[str], str]:
    """The replay of the manifest's pages in its own process (which sees the new outlet too)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.replay", "--corpus", str(manifest)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    first = server.stdout.readline()
    assert " at http://127.0.0.1:" in first, first
    return server, first.rsplit(" at ", 1)[1].strip()


def test_an_outlet_declared_in_one_file_is_crawled_with_its_rules(
    new_outlet: Path, tmp_path: Path, mongo_server: str, mongo_db
) -> None:
    server, replay_url = _serve(new_outlet)
    try:
        stats = crawl(tmp_path, replay_url, mongo_server, mongo_db.name, ["laodong"])
    finally:
        server.terminate()
        server.wait(timeout=10)
        assert server.stdout is not None
        server.stdout.close()
    assert outlet_stats(stats, "laodong").get("fetched") == 1, stats
    doc = mongo_db.articles.find_one({"_id": URL})
    assert doc is not None, list(mongo_db.articles.find({}, {"_id": 1}))
    assert doc["outlet"] == "laodong"
    assert doc["extraction"]["method"] == "rules:laodong"
    assert doc["authors"] == ["Hoài Thu"]
    assert doc["category"] == "Công đoàn"
    assert doc["title"] == "Công nhân khu công nghiệp được hỗ trợ nhà ở"
    assert "Đọc thêm" not in doc["body"] and doc["body"].count("\n") == 2
    assert doc["published_at"].isoformat() == "2026-10-20T01:15:00+00:00"
