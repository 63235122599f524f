"""Settings live in one place: every setting the code reads is declared in crawler/settings.py, with a
meaning, and docs/settings.md is generated from that file."""

from __future__ import annotations

import re

from crawler.settings_doc import declared_settings, render
from tests.conftest import REPO_ROOT

# `settings.getint("NAME")`, `crawler.settings.get("NAME")`, `settings.getwithbase("NAME")` …
_READ = re.compile(r"settings\.get\w*\(\s*\"([A-Z][A-Z0-9_]+)\"")
CODE_DIRS = ("crawler", "spiders", "exporters")


def _read_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in CODE_DIRS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for name in _READ.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(REPO_ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_once_with_a_meaning() -> None:
    declared = declared_settings()
    names = [d.name for d in declared]
    assert len(names) == len(set(names)), "a setting is declared twice"
    missing = {name: where for name, where in _read_in_code().items() if name not in names}
    assert not missing, f"read but not declared in crawler/settings.py: {missing}"
    assert not [d.name for d in declared if not d.meaning], "declared without a one-line meaning"


def test_the_settings_doc_is_generated_from_the_settings_file() -> None:
    committed = (REPO_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == render(declared_settings()), "run: python -m crawler.settings_doc > docs/settings.md"
