"""Whoosh's two unused imports are deferred (``sitrep.index.whoosh_imports``), and what they
stood for still works when called."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_search_api_loads_neither_deferred_module() -> None:
    out = run(
        """
        import sys
        import sitrep.search.api
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('http', 'email', 'ssl')
                     or m in ('urllib.request', 'whoosh.lang.morph_en')))
        """
    )
    assert out == "[]"


def test_what_whoosh_took_works_when_called(tmp_path: Path) -> None:
    source = tmp_path / "page.txt"
    source.write_text("a page")
    copy = tmp_path / "copy.txt"
    out = run(
        f"""
        import sys
        import sitrep.search.api
        from whoosh import compat
        from whoosh.query import terms
        compat.urlretrieve({source.as_uri()!r}, {str(copy)!r})
        words = terms.variations("run")
        import urllib.request
        print("running" in words, "ran" in words, hasattr(urllib.request, "urlopen"),
              type(sys.modules["whoosh.lang.morph_en"].variations).__name__)
        """
    )
    assert copy.read_text() == "a page"
    assert out == "True True True function"  # "run": "running", and the irregular "ran"


def test_a_program_that_imported_them_first_keeps_its_own() -> None:
    out = run(
        """
        import urllib.request
        import sitrep.search.api
        from whoosh import compat
        print(compat.urlretrieve is urllib.request.urlretrieve)
        """
    )
    assert out == "True"


def test_every_module_importing_whoosh_defers_first() -> None:
    late = []
    for folder in ("index", "search"):
        for path in sorted((ROOT / folder).glob("*.py")):
            names = [
                node.module or "" if isinstance(node, ast.ImportFrom) else node.names[0].name
                for node in ast.parse(path.read_text()).body
                if isinstance(node, (ast.Import, ast.ImportFrom))
            ]
            whoosh = [i for i, name in enumerate(names) if name.split(".")[0] == "whoosh"]
            if whoosh and "sitrep.index.whoosh_imports" not in names[: whoosh[0]]:
                late.append(path.name)
    assert late == []
