"""Settings: precedence, and every kind of bad setting as one exact line."""

from __future__ import annotations

import dataclasses
import importlib.metadata
from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.errors import ConfigError
from tests.conftest import ROOT, run_sitrep


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_settings_file_lists_exactly_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./settings.toml here: defaults only
    defaults = load(path=None, environ={})
    assert defaults.source == "defaults"
    from_file = load(ROOT / "settings.toml", environ={})
    assert dataclasses.replace(from_file, source="") == dataclasses.replace(defaults, source="")


def test_precedence_defaults_file_environment_flags(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ndownload_delay = 2.5\nretries = 5\n[storage]\ndata_dir = 'from-file'\n")
    assert load(None, environ={}).crawl.download_delay == 1.0
    from_file = load(path, environ={})
    assert (from_file.crawl.download_delay, from_file.crawl.retries, from_file.storage.data_dir) == (
        2.5,
        5,
        "from-file",
    )
    env = {"SITREP_CRAWL_DOWNLOAD_DELAY": "4", "SITREP_STORAGE_DATA_DIR": "from-env"}
    from_env = load(path, environ=env)
    assert (from_env.crawl.download_delay, from_env.crawl.retries, from_env.storage.data_dir) == (4.0, 5, "from-env")
    from_flag = load(path, environ=env, overrides={"storage.data_dir": "from-flag"})
    assert from_flag.storage.data_dir == "from-flag"
    assert load(None, environ={"SITREP_SETTINGS": str(path)}).crawl.retries == 5


def test_site_profile_keys_override_the_built_in_profile(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[sites.belarusinfocus]\nlast_year = 2025\n[sites.belarusinfocus.labels.ru.trends]\n'Ситуация стабильна' = 'unchanged'\n",
    )
    site = load(path, environ={}).site
    assert site.last_year == 2025 and site.labels["ru"].trends["Ситуация стабильна"] == "unchanged"
    assert site.labels["ru"].trends["Ситуация ухудшилась"] == "worsened", "the rest of the table stays"


BAD = [
    ("[crawl]\ndelay = 1\n", "crawl.delay: unknown setting (known: "),
    ("[crawl]\ndownload_delay = 'slow'\n", "crawl.download_delay: expected a number, found string 'slow'"),
    ("[crawl]\ndownload_delay = -1\n", "crawl.download_delay: expected a value >= 0.0, found -1.0"),
    ("[crawl]\nobey_robots = 'yes'\n", "crawl.obey_robots: expected true or false, found string 'yes'"),
    ("[crawl]\nretries = 1.5\n", "crawl.retries: expected an integer, found number 1.5"),
    ("[crawl]\nmax_failed_ratio = 2\n", "crawl.max_failed_ratio: expected a share from 0 to 1, found 2.0"),
    ("[crawl]\nsite = 'nowhere'\n", "crawl.site: unknown site 'nowhere' (profiles: belarusinfocus)"),
    (
        "[search]\nfacets = ['weather']\n",
        "search.facets: expected facets from countries, orgs, topic, trend, lang, author, year, month, found 'weather'",
    ),
    ("[search]\nfacets = 'countries'\n", "search.facets: expected a list of strings, found string 'countries'"),
    ("[indexing]\nx = 1\n", "indexing: unknown section (known: storage, crawl, index, search, sites, countries)"),
    ("crawl = 3\n", "crawl: expected a table, found integer 3"),
    ("[crawl\n", "-: not valid TOML ("),
    (
        "[sites.belarusinfocus]\nscheme = 'ftp'\n",
        "sites.belarusinfocus.scheme: expected 'http' or 'https', found 'ftp'",
    ),
    (
        "[sites.belarusinfocus.labels.en.trends]\n'Better' = 'great'\n",
        "sites.belarusinfocus.labels.en.trends: expected improved/worsened/unchanged, found 'great' for 'Better'",
    ),
    ("[sites.other]\nname = 'Other'\n", "sites.other.canonical_host: expected a string, found nothing"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_settings_stop_with_one_line_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path, environ={})
    line = caught.value.one_line()
    assert line.startswith(f"{path}: {message}") and "\n" not in line


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load(None, environ={"SITREP_CRAWL_TIMEOUT": "soon"})
    assert (
        str(caught.value) == "environment SITREP_CRAWL_TIMEOUT: crawl.timeout: expected a number, found string 'soon'"
    )
    with pytest.raises(ConfigError) as caught:
        load(None, environ={"SITREP_CRAWL_DOWNLOAD_DELAY": "-3"})
    assert (
        str(caught.value)
        == "environment SITREP_CRAWL_DOWNLOAD_DELAY: crawl.download_delay: expected a value >= 0.0, found -3.0"
    )
    with pytest.raises(ConfigError, match="SITREP_NOPE_X: unknown setting"):
        load(None, environ={"SITREP_NOPE_X": "1"})


def test_cli_bad_settings_exit_3_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawl]\ndownload_delay = -1\n")
    done = run_sitrep("--settings", str(path), "stats")
    assert done.returncode == 3
    assert (
        done.stderr
        == f"Error: {path}: crawl.download_delay: expected a value >= 0.0, found -1.0 (fix the setting and run again)\n"
    )


def test_help_and_version() -> None:
    help_text = run_sitrep("-h").stdout
    for command in ("crawl", "reparse", "index", "search", "show", "facets", "stats", "timeline", "parse", "demo"):
        assert f"  {command} " in help_text
    assert run_sitrep("--version").stdout.strip() == f"sitrep, version {importlib.metadata.version('sitrep-archive')}"
    assert "--country" in run_sitrep("search", "-h").stdout
