"""What `pip install` puts on a machine: one top-level package, `sitrep`, that works from any
folder, whatever files sit beside the user's script (issue: a wheel of three generic names)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("sitrep_archive-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (not editable); its dependencies come from ours."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return venv


def run_installed(venv: Path, args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # Our own site-packages lend the dependencies; sitrep itself can only come from the venv (the
    # editable install here is a .pth hook, which PYTHONPATH entries do not run).
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "NO_COLOR": "1"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_wheel_installs_one_top_level_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"sitrep"}
    for stage in (
        "crawler/spiders/situation.py",
        "index/store.py",
        "search/api.py",
        "cli/main.py",
        "data/countries.toml",
    ):
        assert f"sitrep/{stage}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(entry_points).decode()
    assert "sitrep = sitrep.cli:main" in text
    assert "settings = sitrep.crawler.settings" in text  # Scrapy and Scrapyd find the settings here


def test_files_named_like_the_stages_beside_a_script_do_not_shadow_sitrep(installed: Path, tmp_path: Path) -> None:
    for name in ("index.py", "search.py", "crawler.py"):
        (tmp_path / name).write_text("raise SystemExit('the user file was imported instead of sitrep')\n")
    script = (
        "import sitrep\n"
        "from sitrep import Archive, QueryError, Record\n"
        "assert 'site-packages' in sitrep.__file__ and sitrep.__file__.startswith(sys.prefix), sitrep.__file__\n"
        "try:\n    Archive.open('no-such-data')\nexcept sitrep.IndexMissing as exc:\n    print('missing:', exc.one_line())\n"
    )
    done = run_installed(installed, [str(installed / "bin" / "python"), "-c", "import sys\n" + script], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("missing: ")


def test_the_installed_command_runs_help_and_the_demo_from_another_folder(installed: Path, tmp_path: Path) -> None:
    sitrep = str(installed / "bin" / "sitrep")
    done = run_installed(installed, [sitrep, "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "search" in done.stdout and "crawl" in done.stdout
    module = run_installed(installed, [str(installed / "bin" / "python"), "-m", "sitrep", "--version"], tmp_path)
    assert module.returncode == 0 and module.stdout.startswith("sitrep, version "), module.stderr
    demo = run_installed(installed, [sitrep, "demo", "--count", "60"], tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    found = run_installed(installed, [sitrep, "--data-dir", "demo-data", "search", "--json", "sanctions"], tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["ok"] is True
