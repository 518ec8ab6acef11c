"""What the layout promises: the record and the schema agree, imports point one way, the search
path never loads Scrapy or Twisted, and only index/ and search/ import Whoosh."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import sitrep
from sitrep.index.schema import FACET_FIELDS, MAPPED, NOT_INDEXED, schema
from sitrep.record import field_names
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


def test_search_imports_only_what_it_needs(crawled) -> None:  # type: ignore[no-untyped-def]
    """`sitrep search` starts in well under a second: no crawler, no WARC reader, no web stack,
    no other command's module (README, Performance: start-up is most of a CLI search); nor
    importlib.resources (sitrep's data files are a folder here) or the page parsers' date
    patterns (``dates.compiled``: the search needs week labels only)."""
    code = (
        "import sys; from sitrep.cli.main import main\n"
        f"sys.argv = ['sitrep', '--settings', {str(crawled.source)!r}, 'search', 'oil', '--country', 'AZ']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = ('scrapy', 'twisted', 'warcio', 'starlette', 'uvicorn', 'jinja2', 'lxml', 'bs4', 'numpy', 'pycountry')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "             or m.startswith(('sitrep.crawler', 'sitrep.web')) or m in (\n"
        "             'sitrep.cli.export', 'sitrep.cli.cite', 'sitrep.cli.watch', 'sitrep.cli.serve', 'sitrep.cli.demo',\n"
        "             'importlib.resources'))\n"
        "assert not bad, bad\n"
        "from sitrep import dates\n"
        "assert dates.compiled.cache_info().currsize == 0, 'date patterns compiled'\n"
        "print('clean')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("clean")


def test_only_index_and_search_import_whoosh() -> None:
    """Of the product's packages; tests and benchmarks may drive Whoosh directly."""
    offenders = sorted(
        module
        for module, imported in import_graph().items()
        if any(name.split(".")[0] == "whoosh" for name in imported) and stage_of(module) not in ("index", "search")
    )
    assert offenders == []


def test_kernel_loads_no_scrapy_and_no_stage() -> None:
    code = (
        "import sys, sitrep, sitrep.record, sitrep.config, sitrep.dates, sitrep.countries, sitrep.errors\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted', 'whoosh')"
        " or m.startswith(('sitrep.crawler', 'sitrep.index', 'sitrep.search', 'sitrep.cli')))\n"
        "print(loaded)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


# --- the import graph, read from the source (ast) ----------------------------------------------

# Where each part of the package lives in the repository: the card's stage folders sit at the top
# and are mapped into ``sitrep`` (pyproject.toml, [tool.setuptools.package-dir]).
FOLDERS = {"sitrep": "sitrep", "sitrep.crawler": "crawler", "sitrep.index": "index", "sitrep.search": "search"}
KERNEL = ("sitrep", "sitrep.record", "sitrep.config", "sitrep.errors", "sitrep.dates", "sitrep.countries")
# Which parts each part may import (itself included). The application shell may import anything.
ALLOWED = {
    "kernel": {"kernel"},
    "crawler": {"kernel", "crawler", "index"},
    "index": {"kernel", "index"},
    "search": {"kernel", "index", "search"},
    "cli": {"kernel", "crawler", "index", "search", "cli", "web"},
    "web": {"kernel", "search", "web"},  # the application layer beside the CLI: the Python API only
}


def stage_of(module: str) -> str:
    if module in KERNEL:
        return "kernel"
    if module == "sitrep.__main__":
        return "cli"
    return module.split(".")[1]


def _module_name(path: Path) -> str:
    for package, folder in sorted(FOLDERS.items(), key=lambda kv: -len(kv[0])):
        base = ROOT / folder
        if path.is_relative_to(base):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join([package, *parts])
    raise AssertionError(path)


def _runtime_imports(tree: ast.AST) -> Iterator[str]:
    """Every module an import statement names, skipping ``if TYPE_CHECKING:`` blocks."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for folder in FOLDERS.values():
        for path in (ROOT / folder).rglob("*.py"):
            graph[_module_name(path)] = set(_runtime_imports(ast.parse(path.read_text(encoding="utf-8"))))
    return graph


def _part_of(name: str) -> str | None:
    """Which part of sitrep an imported name belongs to (None: not sitrep's)."""
    if name.split(".")[0] != "sitrep":
        return None
    if name.count(".") == 1 and name.split(".")[1] in sitrep._API:  # a lazy API name, e.g. sitrep.Archive
        name = sitrep._API[name.split(".")[1]]
    for prefix in ("sitrep.crawler", "sitrep.index", "sitrep.search", "sitrep.cli", "sitrep.web", "sitrep.__main__"):
        if name == prefix or name.startswith(prefix + "."):
            return stage_of(prefix if prefix != "sitrep.__main__" else name)
    return "kernel"  # sitrep, sitrep.record, ..., and names imported from them


def test_imports_point_one_way() -> None:
    """kernel → nothing; index → kernel; search → index and kernel; crawler → index (the store's
    API) and kernel; only the application shell sees everything."""
    graph = import_graph()
    assert {
        "sitrep.record",
        "sitrep.crawler.spiders.situation",
        "sitrep.index.store",
        "sitrep.search.api",
        "sitrep.web.app",
    } <= set(graph)
    wrong = sorted(
        (module, name)
        for module, imported in graph.items()
        for name in imported
        if (part := _part_of(name)) is not None and part not in ALLOWED[stage_of(module)]
    )
    assert wrong == []


def test_the_graph_check_sees_a_wrong_import() -> None:
    """The checker itself: an index module that imported the crawler would be caught."""
    tree = ast.parse("import os\nfrom sitrep.crawler.assemble import assemble\n")
    names = set(_runtime_imports(tree))
    assert any(_part_of(n) == "crawler" for n in names)
    assert "crawler" not in ALLOWED[stage_of("sitrep.index.store")]
    assert {"crawler", "index"}.isdisjoint(ALLOWED[stage_of("sitrep.web.app")])  # the web reads the API only
    hidden = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sitrep.search.api import Archive\n"
    )
    assert {_part_of(n) for n in _runtime_imports(hidden)} == {None}
    assert _part_of("sitrep.Archive") == "search"  # the lazy facade does not hide a stage


def test_every_dataclass_says_what_it_is() -> None:
    """A dataclass without a docstring gets one built by ``inspect.signature`` as the class is
    created: a fraction of a millisecond each, paid by every ``sitrep search`` start."""
    import dataclasses
    import importlib
    import inspect

    missing = []
    for module in import_graph():
        if module.startswith(("sitrep.web", "sitrep.crawler.spiders")) or module == "sitrep.__main__":
            continue
        for name, value in vars(importlib.import_module(module)).items():
            made = inspect.isclass(value) and value.__module__ == module and dataclasses.is_dataclass(value)
            if made and (value.__doc__ or "").startswith(f"{value.__name__}("):
                missing.append(f"{module}.{name}")
    assert missing == []
