"""Our own prose for the sample archive: texts shaped like the archive's, with every mention counted.

A text names one to three countries (most often one: Belarus in about two thirds of texts,
Russia in a third, Ukraine in a quarter), names Lukashenka in about 40 % of texts, and is about
one theme (sanctions in about a fifth, oil or an election in fewer than a tenth). Sentences come
from many templates with slots; each filled slot is one mention, so the generator's truth for
``countries`` and ``orgs`` is counted from what it placed, never by the tagger it checks. The
forms below are this module's own copies: a tagger table that loses a form shows up as a
mismatch with them.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter

# English forms per country: names, adjectives, capitals or metonyms. Each one names the country once.
EN = {
    "BY": (["Belarus"], ["Belarusian"], ["Minsk"]),
    "RU": (["Russia"], ["Russian"], ["Moscow", "the Kremlin"]),
    "UA": (["Ukraine"], ["Ukrainian"], ["Kyiv", "Kiev"]),
    "PL": (["Poland"], ["Polish"], ["Warsaw"]),
    "LT": (["Lithuania"], ["Lithuanian"], ["Vilnius"]),
    "LV": (["Latvia"], ["Latvian"], ["Riga"]),
    "AZ": (["Azerbaijan"], ["Azerbaijani", "Azeri"], ["Baku"]),
    "CN": (["China"], ["Chinese"], ["Beijing"]),
    "US": (["the United States", "the USA"], ["American"], ["Washington"]),
    "DE": (["Germany"], ["German"], ["Berlin"]),
    "KZ": (["Kazakhstan"], ["Kazakh"], ["Astana"]),
}
# nom, gen, ins, prep (after "о"), capital (nom), capital (prep), adjective (plural, capitalised)
RU = {
    "BY": ("Беларусь", "Беларуси", "Белоруссией", "Беларуси", "Минск", "Минске", "Белорусские"),
    "RU": ("Россия", "России", "Россией", "России", "Москва", "Москве", "Российские"),
    "UA": ("Украина", "Украины", "Украиной", "Украине", "Киев", "Киеве", "Украинские"),
    "PL": ("Польша", "Польши", "Польшей", "Польше", "Варшава", "Варшаве", "Польские"),
    "LT": ("Литва", "Литвы", "Литвой", "Литве", "Вильнюс", "Вильнюсе", "Литовские"),
    "AZ": ("Азербайджан", "Азербайджана", "Азербайджаном", "Азербайджане", "Баку", "Баку", "Азербайджанские"),
    "CN": ("Китай", "Китая", "Китаем", "Китае", "Пекин", "Пекине", "Китайские"),
    "KZ": ("Казахстан", "Казахстана", "Казахстаном", "Казахстане", "Астана", "Астане", "Казахстанские"),
}
BE = {
    "BY": ("Беларусь", "Беларусі", "Беларуссю", "Беларусі", "Мінск", "Мінску", "Беларускія"),
    "RU": ("Расія", "Расіі", "Расіяй", "Расіі", "Масква", "Маскве", "Расійскія"),
    "UA": ("Украіна", "Украіны", "Украінай", "Украіне", "Кіеў", "Кіеве", "Украінскія"),
    "PL": ("Польшча", "Польшчы", "Польшчай", "Польшчы", "Варшава", "Варшаве", "Польскія"),
    "LT": ("Літва", "Літвы", "Літвой", "Літве", "Вільня", "Вільні", "Літоўскія"),
    "AZ": ("Азербайджан", "Азербайджана", "Азербайджанам", "Азербайджане", "Баку", "Баку", "Азербайджанскія"),
    "CN": ("Кітай", "Кітая", "Кітаем", "Кітаі", "Пекін", "Пекіне", "Кітайскія"),
    "KZ": ("Казахстан", "Казахстана", "Казахстанам", "Казахстане", "Астана", "Астане", "Казахстанскія"),
}
CASES = ("nom", "gen", "ins", "prep", "cap", "cap_prep", "adj")
LEADER = {"en": "Lukashenka", "ru": "Лукашенко", "be": "Лукашэнка"}  # names Belarus once, as the tagger counts
ORGS = {  # org code: (en, ru, be) forms
    "EU": ("the European Union", "Евросоюз", "Еўрасаюз"),
    "NATO": ("NATO", "НАТО", "НАТО"),
    "IMF": ("the IMF", "МВФ", "МВФ"),
    "CSTO": ("the CSTO", "ОДКБ", "АДКБ"),
    "EAEU": ("the Eurasian Economic Union", "ЕАЭС", "ЕАЭС"),
    "OSCE": ("the OSCE", "ОБСЕ", "АБСЕ"),
}
# How often a country is named in a text besides Belarus (weights for the second and third slots)
OTHERS = {"RU": 44, "UA": 26, "PL": 8, "LT": 7, "US": 6, "CN": 4, "LV": 3, "DE": 3, "AZ": 2, "KZ": 2}
THEMES = {"sanctions": 0.2, "oil": 0.07, "election": 0.07}  # the rest: "politics", no marked word
AUTHORS = ["Anna Maroz", "Ihar Sluk", "Dzianis Lavor", "Volha Keda", "Pavel Rusak", "Maryna Lis"]

# Templates: {a} {b} are country slots with a form (name, adj, cap), {L} names Lukashenka,
# {org} an organisation. Generic ones carry none of the theme words.
EN_GENERIC = [
    "{a.cap} has not yet explained what it expects from the talks.",
    "The {a.adj} authorities chose to wait rather than respond at once.",
    "Officials in {a.cap} describe the week as calm, though few outside observers agree.",
    "In {a.name}, the decision was presented as routine.",
    "Relations between {a.name} and {b.name} have seldom looked so cautious.",
    "{a.cap} and {b.cap} traded statements but kept the door open.",
    "The {a.adj} side is counting on {b.adj} goodwill, which is far from guaranteed.",
    "Much now depends on how {b.cap} reads the signal sent from {a.cap}.",
    "For {a.name}, the visit to {b.name} was mostly symbolic.",
    "Delegations from {a.name} and {b.name} met twice, the second time without the press.",
    "{a.cap} is also waiting for a reply from {org} on the same question.",
    "The {a.adj} foreign ministry repeated its call for dialogue with {org}.",
    "Few in {a.cap} expect the arrangement to outlast the year.",
    "{L} used the meeting to repeat familiar claims about foreign interference.",
    "{L} signed the decree on Thursday, a week later than planned.",
    "According to {L}, the country needs no outside advice.",
    "{L} met the heads of the security agencies behind closed doors.",
    "The appointment was announced by {L} himself, which is unusual.",
    "{L} demanded that the government report on the results within a month.",
]
EN_NEUTRAL = [
    "The next steps remain unclear.",
    "Officials gave no comment.",
    "The decision is likely to be revised within a month.",
    "Analysts regard the move as tactical rather than a change of course.",
    "Details were posted on president.gov.by on Tuesday.",
    "Activists of Belaya Rus held a meeting on the same day.",
    "The state media barely mentioned the story.",
    "This pattern has held for several years.",
    "It is too early to say whether the trend will last.",
    "Repression against independent journalists continued.",
    "The number of political prisoners has not fallen.",
    "Regional administrations were told to cut spending again.",
    "Several officials lost their posts in the reshuffle.",
    "The nomenklatura appears to be waiting for clearer instructions.",
    "Public attention has shifted to prices and wages.",
    "Independent pollsters have no access to the country, so estimates vary widely.",
    "Court hearings were held behind closed doors.",
    "The army held unscheduled readiness checks in two regions.",
    "Border guards reported more attempts to cross outside official checkpoints.",
    "The official explanation, that the measure was planned long ago, convinces few, since nothing in the budget or in earlier statements pointed to it.",
    "Whatever the motives, the effect is the same: the space for independent initiatives keeps shrinking, and those who remain active do so at growing personal risk.",
    "The authorities appear to be testing how far they can go without provoking a reaction they would have to answer.",
    "Behind the formal language of the statement lies a familiar calculation about loyalty and reward within the state apparatus.",
    "In the short term, little is likely to change; in the longer run, the accumulated costs may force a rethink.",
    "Local officials, who bear the brunt of such campaigns, have learned to report success regardless of the results.",
]
EN_THEME = {
    "sanctions": [
        "The new package of sanctions targets potash exports and several state banks.",
        "{a.cap} insists that the sanctions have cost its economy little.",
        "The {a.adj} government is looking for ways around the sanctions through {b.name}.",
        "Sanctions from {org} have narrowed the choice of trading partners.",
    ],
    "oil": [
        "The dispute over oil supplies from {b.name} has not been settled.",
        "{a.cap} is seeking a long-term agreement on {b.adj} oil.",
        "Refineries in {a.name} cut output while the oil price talks dragged on.",
    ],
    "election": [
        "The campaign before the election is unusually quiet.",
        "{L} said the election would be held on schedule.",
        "Observers from {org} were not invited to watch the election.",
    ],
    "politics": [
        "The reshuffle touched the presidential administration as well.",
        "{a.cap} is weighing a new loan from {b.name}.",
        "The {a.adj} authorities reopened talks with {b.cap} on transit of goods.",
        "Cooperation on defence with {b.name} was raised again in {a.cap}.",
    ],
}
EN_BULLETS = [
    "talks in {a.cap} on transit of goods",
    "a new round of military exercises near the border",
    "the release of several political prisoners",
    "cuts to regional budgets",
    "a visit by an official delegation from {a.cap}",
    "new rules for non-governmental organisations",
    "pressure on independent media",
]
EN_TITLES = [
    "{L} tests the loyalty of the elite",
    "{a.cap} and {b.cap} keep talking, with little result",
    "A quiet week in {a.cap}",
    "The {a.adj} authorities tighten control",
    "{a.name} looks to {b.name} for support",
    "New appointments, old methods",
    "Pressure grows on independent media",
    "{L} reshuffles the security bloc",
    "The army prepares for new drills",
]
EN_THEME_TITLES = {
    "sanctions": ["Sanctions bite, slowly", "{a.name} adapts to sanctions"],
    "oil": ["The oil dispute with {b.name} drags on"],
    "election": ["The election campaign that is not one"],
}
SLAVIC = {
    "ru": {
        "generic": [
            "{a.cap} пока не объяснил, чего ждёт от переговоров.",
            "В {a.cap_prep} решение представили как обычное.",
            "Отношения с {b.ins} остаются настороженными.",
            "{a.adj} власти рассчитывают на поддержку {b.gen}.",
            "Делегации {a.gen} и {b.gen} встретились дважды.",
            "{a.cap} ждёт ответа {org} по этому вопросу.",
            "{L} подписал указ в четверг.",
            "По словам {L}, стране не нужны внешние советы.",
        ],
        "neutral": [
            "Ситуация остаётся напряжённой, а дальнейшие шаги неясны.",
            "Чиновники не дали комментариев.",
            "Аналитики считают этот шаг тактическим.",
            "Государственные СМИ почти не упоминали эту историю.",
            "Армия провела внеплановую проверку боеготовности.",
        ],
        "sanctions": [
            "Новые санкции затронули экспорт калия.",
            "{a.cap} утверждает, что санкции почти не повлияли на экономику.",
        ],
        "oil": ["Спор о поставках нефти из {b.gen} не урегулирован."],
        "election": ["Кампания перед выборами проходит тихо."],
        "politics": ["В {a.cap_prep} обсуждали новый кредит от {b.gen}."],
        "titles": ["{a.nom} и {b.nom}: переговоры без результата", "Тихая неделя в {a.cap_prep}", "{L} меняет кадры"],
    },
    "be": {
        "generic": [
            "{a.cap} пакуль не растлумачыў, чаго чакае ад перамоваў.",
            "У {a.cap_prep} рашэнне падалі як звычайнае.",
            "Адносіны з {b.ins} застаюцца насцярожанымі.",
            "{a.adj} улады разлічваюць на падтрымку {b.gen}.",
            "Дэлегацыі {a.gen} і {b.gen} сустрэліся двойчы.",
            "{a.cap} чакае адказу {org} па гэтым пытанні.",
            "{L} падпісаў указ у чацвер.",
            "Паводле {L}, краіне не патрэбныя знешнія парады.",
        ],
        "neutral": [
            "Сітуацыя застаецца напружанай, а далейшыя крокі незразумелыя.",
            "Чыноўнікі не далі каментароў.",
            "Аналітыкі лічаць гэты крок тактычным.",
            "Дзяржаўныя СМІ амаль не згадвалі гэтую гісторыю.",
            "Армія правяла пазапланавую праверку баяздольнасці.",
        ],
        "sanctions": [
            "Новыя санкцыі закранулі экспарт калію.",
            "{a.cap} сцвярджае, што санкцыі амаль не паўплывалі на эканоміку.",
        ],
        "oil": ["Спрэчка пра пастаўкі нафты з {b.gen} не вырашаная."],
        "election": ["Кампанія перад выбарамі праходзіць ціха."],
        "politics": ["У {a.cap_prep} абмяркоўвалі новы крэдыт ад {b.gen}."],
        "titles": ["{a.nom} і {b.nom}: перамовы без выніку", "Ціхі тыдзень у {a.cap_prep}", "{L} мяняе кадры"],
    },
}
_SLOT = re.compile(r"\{(a|b|L|org)(?:\.(\w+))?\}")


@dataclasses.dataclass
class Text:
    """The mentions a text carries, counted as its slots were filled."""

    countries: Counter[str] = dataclasses.field(default_factory=Counter)
    orgs: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, other: Text) -> None:
        self.countries.update(other.countries)
        self.orgs.update(other.orgs)


@dataclasses.dataclass
class Plan:
    """What one text is about: its countries (the first is its focus), Lukashenka or not, a theme."""

    lang: str
    countries: list[str]
    leader: bool
    theme: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def plan_text(rng: random.Random, lang: str) -> Plan:
    """One to three countries, most often one; Belarus in about two thirds, Lukashenka in 40 %."""
    pool = EN if lang == "en" else RU
    leader = rng.random() < 0.4
    k = rng.choices([1, 2, 3], weights=[62, 26, 12])[0]
    countries = ["BY"] if leader or rng.random() < 0.45 else []
    others = {c: w for c, w in OTHERS.items() if c in pool}
    while len(countries) < k:
        pick = rng.choices(list(others), weights=list(others.values()))[0]
        if pick not in countries:
            countries.append(pick)
    r, theme = rng.random(), "politics"
    for name, share in THEMES.items():
        if r < share:
            theme = name
            break
        r -= share
    if theme == "oil" and "AZ" in pool and "AZ" not in countries and rng.random() < 0.5:
        countries = [*countries[:2], "AZ"] if len(countries) > 1 else [*countries, "AZ"]  # Azeri crude, as in 2020
    return Plan(lang, countries, leader, theme)


class _Filler:
    """Fills one template's slots from a plan and counts every mention it writes."""

    def __init__(self, rng: random.Random, plan: Plan, mentions: Text) -> None:
        self.rng, self.plan, self.mentions = rng, plan, mentions

    def fits(self, template: str) -> bool:
        slots = {m.group(1) for m in _SLOT.finditer(template)}
        if "L" in slots and not self.plan.leader:
            return False
        if "b" in slots and len(self.plan.countries) < 2:
            return False
        return "a" not in slots or bool(self.plan.countries)

    def fill(self, template: str, a: str | None = None) -> str:
        """``template`` with its slots filled (``a`` forced when given), each mention counted."""
        cs = self.plan.countries
        a = a or (self.rng.choice(cs) if cs else None)
        b = self.rng.choice([c for c in cs if c != a]) if len(cs) > 1 else None
        chosen = {"a": a, "b": b}

        def one(m: re.Match[str]) -> str:
            slot, form = m.group(1), m.group(2)
            if slot == "L":
                self.mentions.countries["BY"] += 1
                return LEADER[self.plan.lang]
            if slot == "org":
                org = self.rng.choice(sorted(ORGS))
                self.mentions.orgs[org] += 1
                return ORGS[org][("en", "ru", "be").index(self.plan.lang)]
            code = chosen[slot]
            assert code is not None, template  # fits() was asked first
            self.mentions.countries[code] += 1
            return self._form(code, form or "name")

        text = _SLOT.sub(one, template)
        return _cap(text)

    def _form(self, code: str, form: str) -> str:
        if self.plan.lang == "en":
            names, adjs, caps = EN[code]
            return self.rng.choice({"name": names, "adj": adjs, "cap": caps}[form])
        forms = (RU if self.plan.lang == "ru" else BE)[code]
        return forms[CASES.index(form)]

    def pick(self, templates: list[str]) -> str:
        return self.fill(self.rng.choice([t for t in templates if self.fits(t)]))


def _tables(lang: str) -> dict[str, list[str]]:
    if lang == "en":
        return {"generic": EN_GENERIC, "neutral": EN_NEUTRAL, **EN_THEME}
    return SLAVIC[lang]


def text(rng: random.Random, plan: Plan, mentions: Text) -> tuple[str, list[str]]:
    """A title and paragraphs (lead first): several hundred words, often with a bulleted list.

    Every country of the plan is named at least once; Lukashenka at least once when planned.
    """
    f = _Filler(rng, plan, mentions)
    tables = _tables(plan.lang)
    titles = EN_THEME_TITLES.get(plan.theme, []) + EN_TITLES if plan.lang == "en" else tables["titles"]
    title = f.pick([t for t in titles if f.fits(t)] or ["New appointments, old methods"])
    themed = [t for t in tables[plan.theme] if f.fits(t)]
    # a lead opens with substance, never a stock line ("Ситуация остаётся…" alone reads as a verdict)
    lead = [f.pick(themed or tables["generic"])]
    if rng.random() < 0.5:
        lead.append(f.pick(tables["generic"] + tables["neutral"]))
    paragraphs = [" ".join(lead)]
    for _ in range(rng.randint(4, 6)):
        sentences = []
        for _ in range(rng.randint(3, 5)):
            kind = rng.choices(["generic", "neutral", "theme"], weights=[5, 4, 1 if themed else 0])[0]
            sentences.append(f.pick(themed if kind == "theme" else tables[kind]))
        paragraphs.append(" ".join(sentences))
    if plan.lang == "en" and rng.random() < 0.4:
        at = rng.randint(2, len(paragraphs) - 1)  # a list never opens the body: some chromes read that as a teaser
        items = rng.sample([b for b in EN_BULLETS if f.fits(b)], rng.randint(2, 3))
        paragraphs[at:at] = [f"- {f.fill(item)}" for item in items]
    missing = [c for c in plan.countries if not mentions.countries[c]]
    if plan.leader and not _named_leader(plan, title, paragraphs):
        missing.append("L")
    for code in missing:  # every planned country named at least once, in a closing sentence
        paragraphs.append(_closing(f, plan, code))
    return title, paragraphs


def _named_leader(plan: Plan, title: str, paragraphs: list[str]) -> bool:
    return any(LEADER[plan.lang] in p for p in [title, *paragraphs])


def _closing(f: _Filler, plan: Plan, code: str) -> str:
    if code == "L":
        template = {
            "en": "{L} has not commented yet.",
            "ru": "{L} пока не комментировал.",
            "be": "{L} пакуль не каментаваў.",
        }
        return f.fill(template[plan.lang])
    template = {
        "en": "The reaction in {a.cap} will be worth watching.",
        "ru": "Стоит следить за реакцией в {a.cap_prep}.",
        "be": "Варта сачыць за рэакцыяй у {a.cap_prep}.",
    }
    return f.fill(template[plan.lang], a=code)
