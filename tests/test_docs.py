"""The README stays true: every command, setting and exit code it documents exists, and back."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sitrep import config
from sitrep.cli.main import cli
from sitrep.errors import ExitStatus
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    for name in cli.list_commands(None):
        assert f"sitrep {name}" in README, name


def test_every_setting_is_in_the_settings_table() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", README, re.M))
    actual = {f"{s}.{f.name}" for s, cls in config.SECTIONS.items() for f in dataclasses.fields(cls)}
    assert documented == actual


def test_exit_codes_table_matches_the_code() -> None:
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", README, re.M)}
    assert documented == {int(s) for s in ExitStatus}


def test_the_two_commands_and_ci() -> None:
    assert "make demo" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "set -euo pipefail" in ci


def test_every_method_the_python_api_section_names_exists() -> None:
    """README's "Python API" names Archive's methods as `name(…)`; a newcomer called one that
    was documented and missing. Names of the other documented types are listed here."""
    from sitrep import Archive

    section = README.split("### Python API", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)\(", section))
    others = {"share", "describe", "to_dict", "summarise"}  # PeriodCounts, Streak, Trends, search.trends
    assert len(named) > 15
    assert [n for n in sorted(named - others) if not callable(getattr(Archive, n, None))] == []


def test_the_example_ids_are_records_of_the_demo(tmp_path: Path) -> None:
    """A reader tries README's and `-h`'s `show`, `cite`, `archived` and `diff` examples after `make demo`:
    each id is a record of the demo's sample (the command's default count, the generator's seed)."""
    from sitrep.crawler.sample.generate import generate, read_truth

    helps = [cli.get_command(None, name).help or "" for name in ("show", "cite", "archived", "diff")]  # type: ignore[arg-type, union-attr]
    named = set(re.findall(r"sitrep (?:show|cite|archived|diff) ([0-9a-f]{6,16})\b", "\n".join([README, *helps])))
    default = next(p.default for p in cli.commands["demo"].params if p.name == "count")
    generate(tmp_path, count=default)
    ids = [r.id for r in read_truth(tmp_path)]
    assert len(named) >= 2
    assert [n for n in sorted(named) if sum(i.startswith(n) for i in ids) != 1] == []
