"""`vnnews dates`: one line in, one line out, through run() and as a module."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.commands.dates import run

REPO = Path(__file__).resolve().parents[3]

INPUT = "\n".join(
    [
        "Thứ tư, 22/10/2025, 19:25 (GMT+7)",
        "",
        "Đang cập nhật",
        "05/02/2024",
        "2h trước",
        "Ngày 10/8",
        "2026-10-07T07:49:01Z",
        "1784593076",
        "Th&#7913; s&#225;u, 28/12/2012, 14:46 GMT+7",
    ]
)
EXPECTED = [
    "2025-10-22T19:25+07:00",
    "",
    "",
    "2024-02-05",
    "2026-01-15T20:00+07:00",
    "2025-08-10",
    "2026-10-07T07:49:01+00:00",
    "2026-07-21T07:17:56+07:00",
    "2012-12-28T14:46+07:00",
]


def test_run_one_line_per_input() -> None:
    out = io.StringIO()
    status = run(["--now", "2026-01-15T22:00:00+07:00"], stdin=io.StringIO(INPUT + "\n"), stdout=out)
    assert status == 0
    assert out.getvalue().split("\n") == [*EXPECTED, ""]


def test_now_without_offset_is_local_time() -> None:
    out = io.StringIO()
    run(["--now", "2026-01-15T22:00"], stdin=io.StringIO("2h trước\n"), stdout=out)
    assert out.getvalue() == "2026-01-15T20:00+07:00\n"


def test_now_in_another_offset_is_the_same_instant() -> None:
    out = io.StringIO()
    run(["--now", "2026-01-15T15:00:00Z"], stdin=io.StringIO("2h trước\n"), stdout=out)
    assert out.getvalue() == "2026-01-15T20:00+07:00\n"


def test_last_line_without_newline_and_crlf() -> None:
    out = io.StringIO()
    run(["--now", "2026-01-15T22:00"], stdin=io.StringIO("05/02/2024\r\n19/12/2012 17:41"), stdout=out)
    assert out.getvalue() == "2024-02-05\n2012-12-19T17:41+07:00\n"


def test_bad_now_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["--now", "yesterday"], stdin=io.StringIO(""), stdout=io.StringIO())
    assert exit_info.value.code == 2
    assert "not an ISO datetime" in capsys.readouterr().err


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.commands.dates", "--now", "2026-01-15T22:00:00+07:00"],
        input=(INPUT + "\n").encode("utf-8"),
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").split("\n") == [*EXPECTED, ""]
