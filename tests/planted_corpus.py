"""A corpus of open answers with planted identifying details, generated from parts.

Nothing here is a list the de-identification could learn: every detail is a random
combination of parts (syllables, first names, surnames, nouns, digits), drawn with a seed,
and placed in a random sentence. Used by ``tests/test_deid_recall.py`` to measure recall
(the share of details removed) and how many clean answers are changed.

``python tests/planted_corpus.py [SEED]`` prints a sample.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# Parts. First names are common Dutch and Dutch-Moroccan/Turkish names (deduce knows most of
# them; that is the point of a first-name list), surnames are built from parts so that most
# are on no list.
FIRST = [
    "ilse",
    "sanne",
    "ahmed",
    "fleur",
    "daan",
    "noor",
    "youssef",
    "lotte",
    "bram",
    "yara",
    "emre",
    "femke",
    "joost",
    "anouk",
    "mehmet",
    "iris",
    "thijs",
    "latifa",
    "ruben",
    "esra",
    "wouter",
    "marloes",
    "kevin",
    "naima",
    "bas",
    "eline",
    "hamza",
    "inge",
    "sven",
    "ayse",
]
SUR_PARTS_A = [
    "Van",
    "Ver",
    "Bos",
    "Berg",
    "Kool",
    "Mol",
    "Brink",
    "Dijk",
    "Hout",
    "Rijn",
    "Smeer",
    "Vel",
    "Graaf",
    "Kamp",
    "Stoel",
    "Wal",
    "Klein",
    "Groot",
    "Zand",
    "Mees",
]
SUR_PARTS_B = [
    "man",
    "huis",
    "hoven",
    "stra",
    "inga",
    "ink",
    "ers",
    "beek",
    "kens",
    "tjes",
    "ing",
    "sma",
    "lo",
    "werf",
    "steeg",
]
TURKISH_SUR = ["Yildiz", "Demir", "Kaya", "Ozturk", "Aydin", "El Idrissi", "Bouzid", "Amrani", "Benali"]
PARTICLES = ["", "", "de ", "van ", "van der ", "van den ", "ter "]
PLACE_A = [
    "Vlier",
    "Linde",
    "Eiken",
    "Berken",
    "Klaver",
    "Rozen",
    "Laak",
    "Duiven",
    "Water",
    "Bloem",
    "Vogel",
    "Heide",
    "Harnas",
    "Vruchten",
    "Bomen",
    "Schilders",
    "Zeehelden",
    "Regenten",
    "Molen",
    "Kraaien",
    "Spoor",
    "Bloemen",
    "Wilgen",
    "Appel",
    "Ganzen",
]
PLACE_B = ["wijk", "buurt", "polder", "haven", "kwartier", "park", "hof", "dorp", "veld"]
STREET_B = ["straat", "laan", "weg", "plein", "kade", "gracht", "singel"]
NOUNS = [
    "Zeester",
    "Vlinder",
    "Regenboog",
    "Kameleon",
    "Zonnebloem",
    "Wervelwind",
    "Vuurtoren",
    "Klimop",
    "Eekhoorn",
    "Dolfijn",
    "Kompas",
    "Lichtbaken",
    "Ooievaar",
    "Walvis",
    "Zwaluw",
    "Parel",
    "Anker",
]
PAINTERS = [
    "Picasso",
    "Rembrandt",
    "Vermeer",
    "Mondriaan",
    "Escher",
    "Hals",
    "Appel",
    "Steen",
    "Erasmus",
    "Spinoza",
    "Huygens",
    "Comenius",
    "Montessori",
    "Dalton",
]
SCHOOL_AFTER = ["Lyceum", "College", "Gymnasium", "Scholengemeenschap"]
SCHOOL_BEFORE = ["basisschool", "Basisschool", "kindcentrum", "school"]
TEAM_WORD = ["Team", "team", "Gezinsteam", "gezinsteam", "Wijkteam", "Jeugdteam", "leefgroep"]
ORG_HEAD = ["Stichting", "stichting", "Praktijk", "praktijk"]
ORG_TAIL = ["Zorg", "Jeugdzorg", "Groep", "Instituut"]
CUES = [
    "collega",
    "mijn collega",
    "teamleider",
    "onze gedragswetenschapper",
    "cliënt",
    "moeder",
    "jongere",
    "mijn leidinggevende",
    "stagiaire",
    "mevrouw",
]
DOMAINS_A = ["jeugd", "zorg", "wijk", "team", "gezin", "hulp", "kind"]
DOMAINS_B = ["plus", "punt", "net", "kracht", "huis", "web"]
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

# Sentences; {x} is the detail. Some start with it (a capital at the start of a sentence).
CONTEXTS = [
    "Ik werk bij {x} en de werkdruk is daar veel te hoog.",
    "Sinds de reorganisatie bij {x} is er geen tijd meer voor intervisie.",
    "{x} heeft ons echt geholpen om de regels te begrijpen.",
    "Vorige week heb ik met {x} een lastige casus besproken.",
    "Voor vragen kun je terecht bij {x}, dat werkt goed.",
    "De samenwerking met {x} loopt stroef door alle administratie.",
    "Graag meer ruimte voor reflectie, zoals bij {x}.",
    "Het contact met {x} kost veel tijd maar levert weinig op.",
    "In {x} zien we steeds meer gezinnen met schulden.",
    "Meer personeel zou helpen; {x} kan dat bevestigen.",
]
CLEAN = [
    "De werkdruk is te hoog en er zijn te veel regels.",
    "Meer tijd voor de cliënt en minder administratie.",
    "Een sterk en stabiel team met ruimte voor reflectie.",
    "Betere ondersteuning vanuit de organisatie.",
    "Een lagere caseload zou veel schelen.",
    "Minder verantwoording en meer vertrouwen in de professional.",
    "Ik mis tijd om te investeren in de relatie met jongeren en ouders.",
    "Onderweg naar huisbezoeken verlies ik veel tijd.",
    "Het beleid van de gemeente verandert te vaak.",
    "Goede intervisie en een leidinggevende die achter je staat.",
    "Vandaag weer drie uur aan rapportages gewerkt.",
    "Wachtlijsten zorgen ervoor dat gezinnen te lang wachten op hulp.",
    "Collega's vallen uit en het werk blijft liggen.",
    "Het werkveld vraagt steeds meer van ons zonder extra middelen.",
    "Ruimte om te doen wat nodig is, niet wat het protocol voorschrijft.",
    "Te veel overleg over dossiers en te weinig tijd met het gezin.",
    "Scholing en coaching op de werkvloer helpen echt.",
    "De jeugdbescherming moet beter samenwerken met het onderwijs.",
    "Halverwege het jaar is het budget al op.",
    "Meer waardering en een beter salaris.",
]
CLEAN_JOIN = ["", " Daarnaast: ", " Verder: ", " En ook: "]


@dataclass(frozen=True)
class Planted:
    """One planted detail: its kind, as written, and the parts that must not survive."""

    kind: str
    text: str
    must_go: tuple[str, ...]


def _surname(rng: random.Random) -> tuple[str, str]:
    """(surname as written with its particle, the surname word(s) that identify)."""
    if rng.random() < 0.25:
        s = rng.choice(TURKISH_SUR)
        return s, s
    s = rng.choice(SUR_PARTS_A) + rng.choice(SUR_PARTS_B)
    p = rng.choice(PARTICLES)
    return p + s, s


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _group(rng: random.Random, digits: str, sizes: list[int]) -> str:
    out, i = [], 0
    for s in sizes:
        out.append(digits[i : i + s])
        i += s
    return rng.choice([" ", "-", ""]).join(out)


def make_detail(kind: str, rng: random.Random) -> Planted:
    """A random detail of one kind."""
    first = rng.choice(FIRST)
    if kind == "person_full":
        sur, core = _surname(rng)
        t = f"{first.capitalize()} {sur}"
        return Planted(kind, t, (first, *core.split()))
    if kind == "person_lower_after_cue":
        return Planted(kind, f"{rng.choice(CUES)} {first}", (first,))
    if kind == "person_capital_after_cue":
        return Planted(kind, f"{rng.choice(CUES)} {first.capitalize()}", (first,))
    if kind == "email":
        sur, core = _surname(rng)
        local = f"{first[0]}.{core.lower().replace(' ', '')}"
        dom = rng.choice(DOMAINS_A) + rng.choice(DOMAINS_B) + rng.choice([".nl", ".nl", ".com"])
        t = f"{local}@{dom}"
        return Planted(kind, t, (t, local))
    if kind == "phone_mobile":
        d = "06" + _digits(rng, 8)
        t = rng.choice([_group(rng, d, [2, 8]), _group(rng, d, [2, 2, 2, 2, 2]), "+31 6 " + d[2:]])
        return Planted(kind, t, (d[2:],))
    if kind == "phone_landline":
        d = rng.choice(["070", "079", "015", "010"]) + _digits(rng, 7)
        t = rng.choice([_group(rng, d, [3, 3, 4]), _group(rng, d, [3, 7]), f"({d[:3]}) {d[3:6]} {d[6:]}"])
        return Planted(kind, t, (d[3:],))
    if kind == "postcode":
        t = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRTVWXZ')}{rng.choice('ABCDEGHJKLMNPRTVWXZ')}"
        return Planted(kind, "postcode " + t, (t,))
    if kind == "date_of_birth":
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2005, 2020)
        t = rng.choice([f"{d}-{m}-{y}", f"{d:02d}-{m:02d}-{y}", f"{d} {MONTHS[m - 1]} {y}"])
        return Planted(kind, f"een kind geboren op {t}", (t,))
    if kind == "case_number":
        n = f"{rng.randint(2018, 2025)}-{_digits(rng, 5)}" if rng.random() < 0.5 else _digits(rng, 7)
        return Planted(kind, f"{rng.choice(['dossiernummer', 'zaaknummer', 'cliëntnummer'])} {n}", (n,))
    if kind == "street_address":
        name = rng.choice(PLACE_A) + rng.choice(STREET_B)
        t = f"{name} {rng.randint(1, 250)}"
        return Planted(kind, "de " + t, (name,))
    if kind == "neighbourhood":
        name = rng.choice(PLACE_A) + rng.choice(PLACE_B)
        return Planted(kind, "de " + name, (name,))
    if kind == "team":
        noun = rng.choice(NOUNS)
        word = rng.choice(TEAM_WORD)
        t = f"{word} {rng.choice(['', '', 'De ', 'de '])}{noun}"
        return Planted(kind, t, (noun,))
    if kind == "school":
        if rng.random() < 0.5:
            name = rng.choice(PAINTERS)
            t = f"het {name} {rng.choice(SCHOOL_AFTER)}"
        else:
            name = rng.choice(NOUNS)
            t = f"{rng.choice(SCHOOL_BEFORE)} {rng.choice(['De ', 'de ', 'Het '])}{name}"
        return Planted(kind, t, (name,))
    if kind == "organisation":
        name = rng.choice(PLACE_A) + rng.choice(["kracht", "zorg", "hulp", "plus", "stroom", "licht"])
        t = rng.choice([f"{rng.choice(ORG_HEAD)} {name}", f"{name} {rng.choice(ORG_TAIL)}"])
        return Planted(kind, t, (name,))
    raise ValueError(kind)


KINDS = (
    "person_full",
    "person_lower_after_cue",
    "person_capital_after_cue",
    "email",
    "phone_mobile",
    "phone_landline",
    "postcode",
    "date_of_birth",
    "case_number",
    "street_address",
    "neighbourhood",
    "team",
    "school",
    "organisation",
)
#: Kinds for which the target is 100%: names, contact details and numbers.
STRICT = (
    "person_full",
    "person_lower_after_cue",
    "person_capital_after_cue",
    "email",
    "phone_mobile",
    "phone_landline",
    "postcode",
    "date_of_birth",
    "case_number",
)


def generate(seed: int = 11, per_kind: int = 20, n_clean: int = 200) -> tuple[list[tuple[str, Planted]], list[str]]:
    """``per_kind`` answers per kind, each with one planted detail, and ``n_clean`` clean answers."""
    rng = random.Random(seed)
    planted = []
    for kind in KINDS:
        for _ in range(per_kind):
            p = make_detail(kind, rng)
            planted.append((rng.choice(CONTEXTS).replace("{x}", p.text), p))
    clean = []
    for _ in range(n_clean):
        a, b = rng.sample(CLEAN, 2)
        clean.append(a + rng.choice(CLEAN_JOIN) + (b[0].lower() + b[1:] if rng.random() < 0.5 else b))
    rng.shuffle(planted)
    # An answer that starts with the detail starts with a capital, as people write.
    planted = [(a[0].upper() + a[1:], p) for a, p in planted]
    return planted, clean


def survives(part: str, output: str) -> bool:
    """Whether a part of a detail is still in the de-identified answer (whole word, any case)."""
    if re.fullmatch(r"[\d\s\-]+", part):
        return part.replace(" ", "").replace("-", "") in re.sub(r"[\s\-()+]", "", output)
    return re.search(rf"(?<![\w@.]){re.escape(part)}(?![\w@])", output, re.IGNORECASE) is not None


if __name__ == "__main__":  # pragma: no cover
    import sys

    answers, clean = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
    for a, p in answers[:30]:
        print(f"{p.kind:26} {a}")
