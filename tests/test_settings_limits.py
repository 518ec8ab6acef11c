"""Settings fail at load: nothing that is not a finite, sane value gets to a crawl, wherever it
was written (file or environment); `sitrep parse` reads no more than a crawl would."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.config import load
from sitrep.errors import ConfigError
from tests.conftest import run_sitrep

REFUSED_IN_FILE = [
    ("crawl", "download_delay", "nan"),
    ("crawl", "download_delay", "inf"),
    ("crawl", "download_delay", "1e308"),
    ("crawl", "time_limit", "nan"),
    ("crawl", "time_limit", "-inf"),
    ("crawl", "timeout", "1e9"),
    ("crawl", "concurrent_per_domain", "1000000000000000000"),
    ("crawl", "retries", "1000"),
    ("crawl", "max_size_mb", "1e12"),
    ("crawl", "memory_check_seconds", "inf"),
    ("crawl", "user_agent", '"sitrep {nope}"'),
    ("crawl", "user_agent", '"sitrep {0}"'),
    ("crawl", "user_agent", '"sitrep {version"'),
    ("crawl", "contact_url", '"mailto:me@example.org"'),
    ("crawl", "resolve", '{ "belarusinfocus.pro" = "not-an-ip" }'),
    ("crawl", "resolve", '{ "belarusinfocus.pro" = "127.0.0.256" }'),
    ("index", "lock_timeout", "nan"),
    ("search", "snippet_chars", "1000000000"),
]


@pytest.mark.parametrize(("section", "key", "value"), REFUSED_IN_FILE)
def test_impossible_values_in_the_file_are_refused_naming_the_key(
    tmp_path: Path, section: str, key: str, value: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f"[{section}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as err:
        load(path, environ={})
    assert err.value.key.startswith(f"{section}.{key}") and err.value.source == str(path)


@pytest.mark.parametrize(
    ("name", "value"),
    [("SITREP_CRAWL_DOWNLOAD_DELAY", "nan"), ("SITREP_CRAWL_TIME_LIMIT", "inf"), ("SITREP_CRAWL_TIMEOUT", "-nan")],
)
def test_nan_and_inf_are_refused_from_the_environment(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(None, environ={name: value})
    assert err.value.source == f"environment {name}" and "finite" in err.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://belarusinfocus.pro/analytics/",
        "https://example.org/analytics/",
        "belarusinfocus.pro/",
    ],
)
def test_start_urls_must_be_http_on_the_profile_hosts(tmp_path: Path, url: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'[sites.belarusinfocus]\nstart_urls = ["{url}"]\n')
    with pytest.raises(ConfigError) as err:
        load(path, environ={})
    assert err.value.key == "sites.belarusinfocus.start_urls"


def test_sane_values_still_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        "[crawl]\ndownload_delay = 3600.0\nconcurrent_per_domain = 64\n"
        'user_agent = "bot/{version} ({contact_url})"\nresolve = { "belarusinfocus.pro" = "::1" }\n'
        '[sites.belarusinfocus]\nstart_urls = ["http://belarusinfocus.info:8080/analytics/"]\n'
    )
    settings = load(path, environ={})
    assert settings.crawl.download_delay == 3600.0 and settings.crawl.resolve == {"belarusinfocus.pro": "::1"}


def test_a_bad_setting_is_one_line_and_exit_3(tmp_path: Path) -> None:
    done = run_sitrep("crawl", env={"SITREP_CRAWL_DOWNLOAD_DELAY": "nan"}, cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "crawl.download_delay" in done.stderr


def test_parse_refuses_input_over_the_size_limit(tmp_path: Path) -> None:
    url = "https://belarusinfocus.pro/security-issues/some-post/"
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"x" * (1024 * 1024 + 10))
    settings = tmp_path / "settings.toml"
    settings.write_text("[crawl]\nmax_size_mb = 1.0\n")
    done = run_sitrep("--settings", str(settings), "parse", str(big), "--url", url, timeout=60)
    assert done.returncode == 8 and "max_size_mb" in done.stderr and done.stderr.count("\n") == 1
    endless = run_sitrep("--settings", str(settings), "parse", "/dev/zero", "--url", url, timeout=60)
    assert endless.returncode == 8 and "max_size_mb" in endless.stderr
