"""Whoosh without the two imports it makes for features sitrep never uses.

Whoosh 2.7.4 imports ``urllib.request`` (and with it ``http.client``, ``email`` and ``ssl``)
only to re-export ``urlretrieve`` from ``whoosh.compat``, and ``whoosh.lang.morph_en`` (a few
hundred regular expressions compiled at import) only for the ``Variations`` query. Together
they are about a seventh of a ``sitrep search`` from start to output.

Importing this module defers them: every module of ours that imports Whoosh imports this one
first (ruff's import order has a section for it; ``tests/test_whoosh_imports.py`` checks). While
Whoosh's modules load, each of the two is a stand-in whose function imports the real module when
first called; the stand-ins are gone from ``sys.modules`` as soon as Whoosh has taken the
function, so any other import of them, ours or an embedding program's, gets the real module. A
program that imported them before us keeps its own; nothing changes for it.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

# module: the one name Whoosh takes from it
DEFERRED = {"urllib.request": "urlretrieve", "whoosh.lang.morph_en": "variations"}


def _on_first_call(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported when first called (sitrep.index.whoosh_imports)."
    return call


def defer() -> None:
    """Import Whoosh's modules with the two stand-ins in place (nothing if already imported)."""
    if "whoosh.query" in sys.modules:
        return
    placed = []
    for module, name in DEFERRED.items():
        if module not in sys.modules:
            stand_in = types.ModuleType(module, f"stand-in for {module} while Whoosh imports")
            setattr(stand_in, name, _on_first_call(module, name))
            sys.modules[module] = stand_in
            placed.append(module)
    try:
        import whoosh.compat
        import whoosh.query  # noqa: F401  (its terms module takes variations)
    finally:
        for module in placed:
            del sys.modules[module]


defer()
