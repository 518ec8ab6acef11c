"""What the layout promises: the record and the schema agree, imports point one way, the search
path never loads Scrapy or Twisted, and only index/ and search/ import Whoosh."""

from __future__ import annotations

import re
import subprocess
import sys

from crawler.record import field_names
from index.schema import FACET_FIELDS, MAPPED, NOT_INDEXED, schema
from tests.conftest import ROOT


def test_every_record_field_is_mapped_or_explicitly_left_out() -> None:
    fields = set(field_names())
    assert set(MAPPED) | set(NOT_INDEXED) == fields, (
        "a Record field was added or removed without updating index/schema.py"
    )
    assert not set(MAPPED) & set(NOT_INDEXED)
    names = set(schema().names())
    for targets in MAPPED.values():
        assert set(targets) <= names
    assert set(FACET_FIELDS) <= names


def test_search_never_imports_scrapy_or_twisted(crawled) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; from search.cli import main\n"
        f"sys.argv = ['sitrep', '--settings', {str(crawled.source)!r}, 'search', 'oil', '--country', 'AZ']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted'))\n"
        "assert not bad, bad\nprint('clean')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("clean")


def test_only_index_and_search_import_whoosh() -> None:
    """Of the product's packages; tests and benchmarks may drive Whoosh directly."""
    offenders = []
    for path in (ROOT / "crawler").rglob("*.py"):
        rel = path.relative_to(ROOT)
        if re.search(r"^\s*(from|import) whoosh", path.read_text(encoding="utf-8"), re.M):
            offenders.append(str(rel))
    assert offenders == []


def test_crawler_package_init_loads_no_scrapy() -> None:
    code = "import sys, crawler, crawler.record, crawler.config, crawler.dates; assert 'scrapy' not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_imports_point_one_way() -> None:
    """index/ never imports search/; crawler/ never imports search/ (the CLI lives in search/)."""
    for package, forbidden in (("crawler", ("search",)), ("index", ("search",))):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for name in forbidden:
                assert not re.search(rf"^\s*(from|import) {name}\b", text, re.M), path
