"""docs/settings.md, generated from crawler/settings.py so the two never disagree.

`python -m crawler.settings_doc > docs/settings.md` rewrites it; a test checks that the committed file
is what this prints and that every setting the code reads is declared, with a meaning, in settings.py.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = Path(__file__).with_name("settings.py")


@dataclass(frozen=True)
class Declared:
    name: str
    default: str  # the value as written in settings.py
    meaning: str
    section: str


def _comments(source: str) -> dict[int, str]:
    """Line number → the comment on that line."""
    found: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def declared_settings(path: Path = SETTINGS_FILE) -> list[Declared]:
    """Every upper-case assignment of the settings file, with its trailing (or preceding) comment."""
    source = path.read_text(encoding="utf-8")
    comments = _comments(source)
    lines = source.splitlines()
    section = ""
    out: list[Declared] = []
    sections = {n: c.strip("- ").strip() for n, c in comments.items() if c.startswith("--")}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if not name.isupper():
            continue
        section = next((sections[n] for n in sorted(sections, reverse=True) if n < node.lineno), section)
        default = _shown_default(source, node.value)
        meaning = comments.get(node.lineno, "")
        above = node.lineno - 1
        if not meaning and above >= 1 and lines[above - 1].lstrip().startswith("#"):
            meaning = "" if above in sections else comments.get(above, "")
        out.append(Declared(name, default, meaning, section))
    return out


def _shown_default(source: str, value: ast.expr) -> str:
    """The default as written; a dict of components shows each class name and its order number."""
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        return ", ".join(
            f"{str(k.value).rsplit('.', 1)[-1]}: {ast.get_source_segment(source, v)}"  # type: ignore[union-attr]
            for k, v in zip(value.keys, value.values, strict=True)
        )
    return " ".join((ast.get_source_segment(source, value) or "").split())


def render(settings: list[Declared]) -> str:
    rows = [
        "# Settings",
        "",
        "Generated from `crawler/settings.py` by `python -m crawler.settings_doc > docs/settings.md`; do not",
        "edit by hand. Any setting can be given on the command line (`scrapy crawl X -s NAME=value`).",
    ]
    section = None
    for item in settings:
        if item.section != section:
            section = item.section
            rows += ["", f"## {section or 'project'}", "", "| setting | default | meaning |", "|---|---|---|"]
        default = item.default.replace("|", "\\|")
        rows.append(f"| `{item.name}` | `{default}` | {item.meaning.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    sys.stdout.write(render(declared_settings()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
