"""Shared, real fixtures: the sample archive generated once, served on 127.0.0.1, crawled once
by a real `sitrep crawl` subprocess, and indexed on disk."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitrep.config import Settings, load
from sitrep.crawler.sample.generate import generate, read_truth
from sitrep.crawler.sample.server import SampleServer, serve, settings_toml
from sitrep.record import Record

ROOT = Path(__file__).resolve().parent.parent
SITREP = [sys.executable, "-m", "sitrep"]


def run_sitrep(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`sitrep ARGS` in a fresh process, as a user or cron would run it."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [*SITREP, *args], capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd or ROOT
    )


def free_port() -> int:
    """A loopback port free now, for a server that must be told its port before it starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, count=500)
    return out


@pytest.fixture(scope="session")
def truth(sample: Path) -> dict[str, Record]:
    return {r.id: r for r in read_truth(sample)}


@pytest.fixture(scope="session")
def server(sample: Path) -> Iterator[SampleServer]:
    with serve(sample / "site") as srv:
        yield srv


def sample_settings(server: SampleServer, data_dir: Path, path: Path) -> Path:
    path.write_text(settings_toml(server.port, data_dir), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def crawled(server: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data directory after one real crawl (subprocess) of the served sample, indexed."""
    folder = tmp_path_factory.mktemp("crawled")
    path = sample_settings(server, folder / "data", folder / "settings.toml")
    done = run_sitrep("--settings", str(path), "crawl")
    assert done.returncode == 0, done.stderr
    return load(path, environ={})
