"""The package as a user gets it: the lock covers what pyproject.toml declares, and the wheel, installed
into a fresh venv outside the checkout, runs `vnnews demo` and `scrapy crawl`.

No network: the wheel is built with the checkout's setuptools (no isolated build env to download), and
the fresh venv sees its dependencies through a path entry to this venv's site-packages, whose versions
the first test checks against requirements.lock. vnnews itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pymongo
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from crawler.replay import ReplayServer, ReplaySite, load_corpus
from tests.conftest import REPO_ROOT

LOCK = REPO_ROOT / "requirements.lock"
SOURCES = ("pyproject.toml", "README.md", "crawler", "spiders", "exporters")  # what the wheel is built from
DEMO_OUTLETS = "vnexpress,dantri"


def _locked() -> dict[str, Version]:
    """{name: pinned version} of requirements.lock (markers ignored: the pin for this Python wins)."""
    pins: dict[str, Version] = {}
    for line in LOCK.read_text().splitlines():
        if "==" not in line or line.lstrip().startswith("#"):
            continue
        req = Requirement(line.split("#", 1)[0].strip())
        if req.marker is None or req.marker.evaluate():
            pins[canonicalize_name(req.name)] = Version(str(req.specifier).removeprefix("=="))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [
        Requirement(r)
        for r in [*project["dependencies"], *extras.get("embedded", []), *extras.get("test", [])]
    ]


def test_lock_pins_every_declared_dependency_within_its_bounds():
    locked = _locked()
    missing = [str(r) for r in _declared() if canonicalize_name(r.name) not in locked]
    assert not missing, f"not in requirements.lock (run ./run lock): {missing}"
    outside = [
        f"{r} (locked {locked[canonicalize_name(r.name)]})"
        for r in _declared()
        if not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"requirements.lock is older than pyproject.toml (run ./run lock): {outside}"


def test_this_venv_runs_the_locked_versions():
    """The fresh venv of the next test borrows these packages: they must be the lock's versions."""
    from importlib.metadata import PackageNotFoundError, version

    differ = []
    for req in _declared():
        try:
            installed = Version(version(req.name))
        except PackageNotFoundError:
            differ.append(f"{req.name}: not installed")
            continue
        if installed != _locked()[canonicalize_name(req.name)]:
            differ.append(
                f"{req.name}: {installed} installed, {_locked()[canonicalize_name(req.name)]} locked"
            )
    assert not differ, f"reinstall from the lock (./run tests does): {differ}"


def _build_wheel(tmp_path: Path) -> Path:
    """The wheel, built from a copy of the sources (no build/ or egg-info left in the checkout)."""
    src = tmp_path / "src"
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "--wheel-dir", str(tmp_path / "dist"), str(src)], check=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("vnnews-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies: this venv's site-packages as a plain path (its own .pth files, among them the
    # editable install of the checkout, are not read from there)
    Path(purelib, "_locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    subprocess.run([*install, "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    return venv


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    drop = ("PYTHONPATH", "MONGODB_URI", "VNNEWS_REPLAY_URL", "SCRAPY_SETTINGS_MODULE", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "VNNEWS_HOME": str(tmp_path / "home"), **extra}


def test_wheel_in_a_fresh_venv_runs_the_demo_and_scrapy_crawl(tmp_path, mongo_server, mongo_db_name):
    pytest.importorskip("secantus")
    wheel = _build_wheel(tmp_path)
    venv = _fresh_venv(tmp_path, wheel)
    python, away = venv / "bin" / "python", tmp_path / "elsewhere"
    away.mkdir()

    where = subprocess.run(
        [python, "-c", "import crawler; print(crawler.__file__)"],
        cwd=away,
        env=_env(tmp_path),
        text=True,
        capture_output=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "vnnews must come from the wheel"

    demo = subprocess.run(
        [venv / "bin" / "vnnews", "demo", "--corpus", "own", "--outlets", DEMO_OUTLETS],
        cwd=away,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )  # the embedded store: no MONGODB_URI
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "3 articles in vnnews.articles" in demo.stdout, demo.stdout[-2000:]

    env = _env(tmp_path, MONGODB_URI=mongo_server, MONGODB_DATABASE=mongo_db_name)
    with ReplayServer(ReplaySite(load_corpus(["own"], outlets=["vnexpress"]))) as replay:
        crawl = subprocess.run(
            [
                python,
                "-m",
                "scrapy",
                "crawl",
                "vnexpress",
                "-s",
                f"REPLAY_URL={replay.url}",
                "-s",
                "LOG_LEVEL=INFO",
            ],
            cwd=away,
            env={**env, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "exit 0: vnexpress 0 ok" in crawl.stderr.strip().splitlines()[-1]
    with pymongo.MongoClient(mongo_server) as client:
        assert client[mongo_db_name].articles.count_documents({"outlet": "vnexpress"}) == 1

    entry_points = subprocess.run(
        [
            python,
            "-c",
            "from importlib.metadata import entry_points as e; import json; "
            "print(json.dumps([p.value for p in e(group='scrapy', name='settings')]))",
        ],
        cwd=away,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(entry_points.stdout) == ["crawler.settings"]  # what Scrapyd reads
