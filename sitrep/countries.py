"""Which countries and organisations a text is about, from English, Russian and Belarusian words.

The aliases are data (``sitrep/data/countries.toml`` plus ISO names from pycountry, plus
``[countries.*]`` in settings.toml). Texts are cut into tokens once and looked up in a dict,
longest phrase first, so tagging costs far less than parsing. A token that carries a dot
inside (``TUT.BY``, ``president.gov.by``, an e-mail) is one token that names nothing, which is
how domains never tag a country; ``U.S.`` is listed as such a token on purpose.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import itertools
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from sitrep.config import builtin_data

TOKEN = re.compile(r"\w+(?:[.@]\w+)+\.?|\w+(?:['’]\w+)*")
_WORD_AND_GAP = re.compile(r"(\w+(?:[.@]\w+)+\.?|\w+(?:['’]\w+)*)(\W*)")
_CYRILLIC = re.compile(r"[А-Яа-яЁёІіЎў]")
_POSSESSIVE = re.compile(r"['’]s$")
# pycountry names that are ordinary words or names too often to count without other evidence
AMBIGUOUS_NAMES = frozenset({"Georgia", "Jordan", "Chad", "Niger", "Mali", "Guinea", "Jersey", "Dominica", "Turkey"})


@functools.cache
def iso_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code (what ``country:BY`` may name), read from pycountry's own
    data file without importing pycountry: its import reads package metadata, which cost a
    command-line search a sixth of its start-up. Should the file move, pycountry answers."""
    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        data = Path(folder) / "databases" / "iso3166-1.json"
        if data.is_file():
            return frozenset(entry["alpha_2"] for entry in json.loads(data.read_text(encoding="utf-8"))["3166-1"])
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


@dataclasses.dataclass(frozen=True)
class Tags:
    """The countries (most named first, with counts) and organisations a text names."""

    countries: tuple[str, ...]
    country_counts: tuple[tuple[str, int], ...]
    orgs: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Alias:
    """What one name in the table stands for; a weak name counts only when the text also names
    the same country by a strong one."""

    kind: str  # "country" | "org" | "mask"
    code: str
    weak: bool = False


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def _expand(entry: str, endings: Mapping[str, str]) -> list[str]:
    """``"Росси|я,и"`` -> ["Россия", "России"]; each word of a phrase expands on its own."""
    words = []
    for word in entry.split():
        if "|" not in word:
            words.append([word])
            continue
        stem, ends = word.split("|", 1)
        if ends.startswith("@"):
            ends = endings[ends[1:]]
        words.append([stem + e for e in ends.split(",")])
    return [" ".join(combo) for combo in itertools.product(*words)]


class Tagger:
    """Counts country and organisation mentions in a text."""

    def __init__(self, table: Mapping[str, object]) -> None:
        endings = dict(table.get("endings", {}))  # type: ignore[arg-type]
        self.latin: dict[tuple[str, ...], Alias] = {}
        self.cyrillic: dict[tuple[str, ...], Alias] = {}
        self.max_len = 1
        self.starts: dict[str, set[int]] = {}  # a phrase's first word -> the lengths it comes in
        mask = table.get("mask", {})
        for lang_entries in dict(mask).values():  # type: ignore[call-overload]
            for entry in lang_entries:
                self._add(entry, Alias("mask", ""), endings)
        self._add_pycountry(table, endings)
        for code, langs in table.items():
            if code in ("endings", "mask", "orgs"):
                continue
            self._add_langs(code, langs, "country", endings)  # type: ignore[arg-type]
        for code, langs in dict(table.get("orgs", {})).items():  # type: ignore[call-overload]
            self._add_langs(code, langs, "org", endings)

    def _add_pycountry(self, table: Mapping[str, object], endings: Mapping[str, str]) -> None:
        import pycountry

        weak = {w for langs in table.values() if isinstance(langs, dict) for w in langs.get("weak", [])}
        for country in pycountry.countries:
            for name in {getattr(country, "common_name", None), country.name}:
                if name and "," not in name and "(" not in name and name not in weak and name not in AMBIGUOUS_NAMES:
                    self._add(name, Alias("country", country.alpha_2), endings, keep=True)
            name = country.name
            if name in AMBIGUOUS_NAMES and name not in weak:
                self._add(name, Alias("country", country.alpha_2, weak=True), endings, keep=True)

    def _add_langs(self, code: str, langs: Mapping[str, Iterable[str]], kind: str, endings: Mapping[str, str]) -> None:
        for lang, entries in langs.items():
            for entry in entries:
                self._add(entry, Alias(kind, code, weak=lang == "weak"), endings)

    def _add(self, entry: str, alias: Alias, endings: Mapping[str, str], keep: bool = False) -> None:
        for form in _expand(entry, endings):
            words = tuple(m.group(0) for m in _tokens(form))
            if not words:
                continue
            cyrillic = bool(_CYRILLIC.search(form))
            key = tuple(w.casefold() for w in words) if cyrillic else words
            target = self.cyrillic if cyrillic else self.latin
            if keep and key in target:
                continue  # hand-written aliases win over pycountry's
            target[key] = alias
            self.max_len = max(self.max_len, len(key))
            self.starts.setdefault(key[0], set()).add(len(key))

    def _lookup(self, words: list[str]) -> Alias | None:
        if _CYRILLIC.search(words[0]):
            return self.cyrillic.get(tuple(w.casefold() for w in words))
        key = tuple(words)
        found = self.latin.get(key)
        if found is None and _POSSESSIVE.search(key[-1]):
            found = self.latin.get((*key[:-1], _POSSESSIVE.sub("", key[-1])))
        if found is None and key[-1].endswith(".") and len(key[-1]) > 1:
            found = self.latin.get((*key[:-1], key[-1][:-1]))
        return found

    def tag(self, text: str, lang: str | None = None) -> Tags:
        """Mentions counted per country (most first) and organisations mentioned, from ``text``."""
        del lang  # every language's aliases apply: English texts quote Russian names and back
        pairs = _WORD_AND_GAP.findall(text)  # (token, what follows it up to the next token)
        words = [w for w, _ in pairs]
        joined = [not gap.strip() for _, gap in pairs]  # token i and i+1 stand apart only by space
        strong: Counter[str] = Counter()
        weak: Counter[str] = Counter()
        orgs: Counter[str] = Counter()
        starts = self.starts
        i = 0
        while i < len(words):
            word = words[i]
            lengths = starts.get(word)
            if lengths is None:
                if "\u0400" <= word[0] <= "\u04ff":  # Cyrillic: case-insensitive
                    lengths = starts.get(word.casefold())
                elif "'" in word or "’" in word:
                    lengths = starts.get(_POSSESSIVE.sub("", word))
                elif word.endswith("."):
                    lengths = starts.get(word[:-1])
                if lengths is None:
                    i += 1
                    continue
            for n in sorted(lengths, reverse=True):
                if i + n > len(words):
                    continue
                if n > 1 and not all(joined[i : i + n - 1]):
                    continue  # a phrase never spans punctuation
                alias = self._lookup(words[i : i + n])
                if alias is None:
                    continue
                if alias.kind == "country":
                    (weak if alias.weak else strong)[alias.code] += 1
                elif alias.kind == "org":
                    orgs[alias.code] += 1
                i += n - 1
                break
            i += 1
        for code, n in weak.items():
            if strong[code]:
                strong[code] += n
        ranked = sorted(((c, n) for c, n in strong.items() if n), key=lambda kv: (-kv[1], kv[0]))
        return Tags(
            countries=tuple(c for c, _ in ranked),
            country_counts=tuple(ranked),
            orgs=tuple(o for o, _ in sorted(orgs.items(), key=lambda kv: (-kv[1], kv[0]))),
        )


def builtin_table() -> dict[str, object]:
    return tomllib.loads((builtin_data() / "countries.toml").read_text(encoding="utf-8"))


def merged_table(extra: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, object]:
    """The built-in table with a user's ``[countries.XX]`` aliases added (``orgs.X`` for orgs)."""
    table = builtin_table()
    for code, langs in extra.items():
        if code.startswith("orgs."):
            target = table.setdefault("orgs", {}).setdefault(code[5:], {})  # type: ignore[union-attr]
        else:
            target = table.setdefault(code.upper(), {})
        for lang, entries in langs.items():
            target.setdefault(lang, [])  # type: ignore[union-attr]
            target[lang] = [*target[lang], *entries]  # type: ignore[index]
    return table


@functools.cache
def default_tagger() -> Tagger:
    return Tagger(builtin_table())


def tagger_for(extra: Mapping[str, Mapping[str, Iterable[str]]]) -> Tagger:
    return Tagger(merged_table(extra)) if extra else default_tagger()
