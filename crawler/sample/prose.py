"""Our own prose for the sample archive: sentences that mention countries in known ways.

Every sentence is built from a template and the forms of the countries it names, and says how
many times it names each country and organisation, so the generator's ground truth for
``countries`` and ``orgs`` is counted here, independently of the tagger it checks.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

# Forms per country and language. en: name, adjective, capital or metonym; ru/be: case forms.
EN = {
    "BY": (["Belarus"], ["Belarusian"], ["Minsk", "Brest", "Hrodna", "Grodno", "Homel", "Gomel", "Mogilev", "Vitebsk"]),
    "RU": (["Russia"], ["Russian"], ["Moscow", "the Kremlin"]),
    "UA": (["Ukraine"], ["Ukrainian"], ["Kyiv", "Kiev"]),
    "PL": (["Poland"], ["Polish"], ["Warsaw"]),
    "LT": (["Lithuania"], ["Lithuanian"], ["Vilnius"]),
    "LV": (["Latvia"], ["Latvian"], ["Riga"]),
    "AZ": (["Azerbaijan"], ["Azerbaijani", "Azeri"], ["Baku"]),
    "TR": (["Turkey"], ["Turkish"], ["Ankara"]),
    "CN": (["China"], ["Chinese"], ["Beijing"]),
    "US": (["the United States", "the U.S.", "the USA"], ["American"], ["Washington"]),
    "DE": (["Germany"], ["German"], ["Berlin"]),
    "KZ": (["Kazakhstan"], ["Kazakh"], ["Astana"]),
    "AM": (["Armenia"], ["Armenian"], ["Yerevan"]),
}
# nom, gen, ins, capital (nom), capital (prep), adjective (plural, capitalised)
RU = {
    "BY": ("Беларусь", "Беларуси", "Беларусью", "Минск", "Минске", "Белорусские"),
    "RU": ("Россия", "России", "Россией", "Москва", "Москве", "Российские"),
    "UA": ("Украина", "Украины", "Украиной", "Киев", "Киеве", "Украинские"),
    "PL": ("Польша", "Польши", "Польшей", "Варшава", "Варшаве", "Польские"),
    "LT": ("Литва", "Литвы", "Литвой", "Вильнюс", "Вильнюсе", "Литовские"),
    "AZ": ("Азербайджан", "Азербайджана", "Азербайджаном", "Баку", "Баку", "Азербайджанские"),
    "CN": ("Китай", "Китая", "Китаем", "Пекин", "Пекине", "Китайские"),
    "KZ": ("Казахстан", "Казахстана", "Казахстаном", "Астана", "Астане", "Казахстанские"),
}
BE = {
    "BY": ("Беларусь", "Беларусі", "Беларуссю", "Мінск", "Мінску", "Беларускія"),
    "RU": ("Расія", "Расіі", "Расіяй", "Масква", "Маскве", "Расійскія"),
    "UA": ("Украіна", "Украіны", "Украінай", "Кіеў", "Кіеве", "Украінскія"),
    "PL": ("Польшча", "Польшчы", "Польшчай", "Варшава", "Варшаве", "Польскія"),
    "LT": ("Літва", "Літвы", "Літвой", "Вільня", "Вільні", "Літоўскія"),
    "AZ": ("Азербайджан", "Азербайджана", "Азербайджанам", "Баку", "Баку", "Азербайджанскія"),
    "CN": ("Кітай", "Кітая", "Кітаем", "Пекін", "Пекіне", "Кітайскія"),
    "KZ": ("Казахстан", "Казахстана", "Казахстанам", "Астана", "Астане", "Казахстанскія"),
}
SUBJECTS = {
    "en": [
        "oil supply",
        "the army",
        "military exercises",
        "potash exports",
        "the nuclear power plant",
        "local elections",
        "sanctions",
        "the budget",
        "political prisoners",
        "border trade",
        "gas prices",
        "the currency market",
        "state media",
        "trade unions",
        "the opposition",
        "loan talks",
        "transit of goods",
        "air defence",
    ],
    "ru": [
        "поставки нефти",
        "армия",
        "военные учения",
        "экспорт калия",
        "выборы",
        "санкции",
        "бюджет",
        "переговоры о кредите",
    ],
    "be": [
        "пастаўкі нафты",
        "армія",
        "вайсковыя вучэнні",
        "экспарт калію",
        "выбары",
        "санкцыі",
        "бюджэт",
        "перамовы пра крэдыт",
    ],
}
ORGS = {  # org code: (en form, ru form, be form)
    "EU": ("the European Union", "Евросоюз", "Еўрасаюз"),
    "NATO": ("NATO", "НАТО", "НАТО"),
    "IMF": ("the IMF", "МВФ", "МВФ"),
    "CSTO": ("the CSTO", "ОДКБ", "АДКБ"),
    "EAEU": ("the Eurasian Economic Union", "ЕАЭС", "ЕАЭС"),
    "OSCE": ("the OSCE", "ОБСЕ", "АБСЕ"),
}
NEUTRAL = {
    "en": [
        "The situation remains tense, and the next steps are unclear.",
        "Relations with the West remain frozen for now.",
        "Officials gave no comment on the matter.",
        "The decision is likely to be revised within a month.",
        "Analysts regard the move as a tactical one.",
        "Details were posted on president.gov.by on Tuesday.",
        "Activists of Belaya Rus held a meeting on the same day.",
    ],
    "ru": [
        "Ситуация остаётся напряжённой, а дальнейшие шаги неясны.",
        "Отношения с Западом по-прежнему заморожены.",
        "Чиновники не дали комментариев.",
        "Аналитики считают этот шаг тактическим.",
    ],
    "be": [
        "Сітуацыя застаецца напружанай, а далейшыя крокі незразумелыя.",
        "Адносіны з Захадам па-ранейшаму замарожаныя.",
        "Чыноўнікі не далі каментароў.",
        "Аналітыкі лічаць гэты крок тактычным.",
    ],
}
AUTHORS = ["Anna Maroz", "Ihar Sluk", "Dzianis Lavor", "Volha Keda", "Pavel Rusak", "Maryna Lis"]


@dataclasses.dataclass
class Text:
    """Sentences and the mentions they carry."""

    countries: Counter[str] = dataclasses.field(default_factory=Counter)
    orgs: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, other: Text) -> None:
        self.countries.update(other.countries)
        self.orgs.update(other.orgs)


def _en_sentence(rng: random.Random, a: str, b: str, subject: str, mentions: Text) -> str:
    na, aa, ca = (rng.choice(forms) for forms in EN[a])
    nb, ab, cb = (rng.choice(forms) for forms in EN[b])
    org = rng.choice(list(ORGS))
    choices = [
        (f"{_cap(ca)} and {cb} discussed {subject} this week.", [a, b], []),
        (f"The {aa} authorities are counting on support from {nb} on {subject}.", [a, b], []),
        (f"{_cap(na)} is seeking a long-term agreement on {ab} oil supplies.", [a, b], []),
        (f"Talks in {ca} on {subject} ended without a result.", [a], []),
        (f"Analysts expect {na} to respond to pressure from {cb}.", [a, b], []),
        (f"{_cap(ca)} also hopes for support from {ORGS[org][0]} on {subject}.", [a], [org]),
        (f"The debate on {subject} in {na} reflects a wider {ab} concern.", [a, b], []),
    ]
    text, cs, os_ = rng.choice(choices)
    mentions.countries.update(cs)
    mentions.orgs.update(os_)
    return text


def _slavic_sentence(rng: random.Random, lang: str, a: str, b: str, subject: str, mentions: Text) -> str:
    fa, fb = (RU if lang == "ru" else BE)[a], (RU if lang == "ru" else BE)[b]
    org = rng.choice(list(ORGS))
    oname = ORGS[org][1 if lang == "ru" else 2]
    if lang == "ru":
        choices = [
            (f"Отношения между {fa[2]} и {fb[2]} зависят от темы «{subject}».", [a, b], []),
            (f"{fa[3]} добивается новых договорённостей с {fb[2]}.", [a, b], []),
            (f"В {fa[4]} обсуждали тему «{subject}» без участия {fb[1]}.", [a, b], []),
            (f"{fa[5]} власти рассчитывают на поддержку {fb[1]}.", [a, b], []),
            (f"{fa[3]} также ждёт решения {oname} по теме «{subject}».", [a], [org]),
        ]
    else:
        choices = [
            (f"Адносіны паміж {fa[2]} і {fb[2]} залежаць ад тэмы «{subject}».", [a, b], []),
            (f"{fa[3]} дамагаецца новых дамоўленасцяў з {fb[2]}.", [a, b], []),
            (f"У {fa[4]} абмяркоўвалі тэму «{subject}» без удзелу {fb[1]}.", [a, b], []),
            (f"{fa[5]} улады разлічваюць на падтрымку {fb[1]}.", [a, b], []),
            (f"{fa[3]} таксама чакае рашэння {oname} па тэме «{subject}».", [a], [org]),
        ]
    text, cs, os_ = rng.choice(choices)
    mentions.countries.update(cs)
    mentions.orgs.update(os_)
    return text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def paragraph(rng: random.Random, lang: str, mentions: Text, focus: str) -> str:
    """Two to four sentences, most naming Belarus and one other country (``focus`` often)."""
    pool = list(EN if lang == "en" else RU)
    sentences = []
    for _ in range(rng.randint(2, 4)):
        if rng.random() < 0.25:
            sentences.append(rng.choice(NEUTRAL[lang]))
            continue
        a = "BY" if rng.random() < 0.6 else rng.choice(pool)
        b = focus if rng.random() < 0.5 else rng.choice(pool)
        if b == a:
            b = rng.choice([c for c in pool if c != a])
        subject = rng.choice(SUBJECTS[lang])
        if lang == "en":
            sentences.append(_en_sentence(rng, a, b, subject, mentions))
        else:
            sentences.append(_slavic_sentence(rng, lang, a, b, subject, mentions))
    return " ".join(sentences)


def title(rng: random.Random, lang: str, mentions: Text, focus: str) -> str:
    subject = rng.choice(SUBJECTS[lang])
    if lang == "en":
        name = rng.choice(EN[focus][0])
        mentions.countries[focus] += 1
        verb = rng.choice(["may change", "puts pressure on", "tests", "reshapes", "slows", "revives"])
        return _cap(f"{subject} {verb} ties with {name}")
    forms = (RU if lang == "ru" else BE)[focus]
    mentions.countries[focus] += 1
    word = "и" if lang == "ru" else "і"
    return f"{_cap(subject)} {word} {forms[0]}"
