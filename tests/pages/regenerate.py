"""Rewrite the expected JSON beside fixture pages from the current parser (`make fixtures`).

Review the diff before committing: this JSON is a regression guard, not a specification. Pages
listed under ``[reviewed]`` in urls.toml carry JSON a person wrote from the page text; they are
never rewritten here.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from sitrep.config import load  # noqa: E402
from sitrep.crawler.parsers import feed, listing, parse_article  # noqa: E402
from sitrep.crawler.parsers.common import decode  # noqa: E402

LISTING_YEAR = 2025  # the crawl year the listing fixtures are read in


def expected(name: str, url: str) -> object:
    site = load(path=None, environ={}).sites["belarusinfocus"]
    raw = (HERE / name).read_bytes()
    if name.startswith("feed/"):
        return [dataclasses.asdict(e) for e in feed.parse(url, raw)]
    if name.startswith("listing/"):
        return listing.parse(url, decode(raw), site, year=LISTING_YEAR).to_dict()
    return parse_article(url, decode(raw), site).to_dict()


def targets(table: dict[str, object]) -> dict[str, str]:
    """The pages whose JSON the parser may write: every listed page but the reviewed ones."""
    reviewed = set(table.get("reviewed", {}).get("pages", []))  # type: ignore[union-attr]
    return {n: u for n, u in table.items() if isinstance(u, str) and n not in reviewed}


def main() -> None:
    table = tomllib.loads((HERE / "urls.toml").read_text(encoding="utf-8"))
    for name, url in targets(table).items():
        target = (HERE / name).with_suffix(".json")
        target.write_text(json.dumps(expected(name, url), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", target.relative_to(HERE))


if __name__ == "__main__":
    main()
