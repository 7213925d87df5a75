"""Synthetic demo exports of the three PEO waves (2021, 2022, 2023).

The real raw exports are personal data and never leave the research team. The repository
therefore ships three SYNTHETIC exports, one per wave, that look and misbehave like real
ones, so that the whole pipeline (validate, clean, analyse, publish) runs from a clean
clone. ``python -m peo synth`` writes them; with the fixed :data:`DEMO_SEED` the files are
byte-identical on every run and on every machine with the locked packages.

How the answers are made
------------------------
Every respondent gets a latent *experienced professional space* ``S ~ N(mu_g, 1)`` whose
mean depends on the employer type ``g`` (GI, JZ, LT), and a latent workload that falls as
``S`` rises. Each ordinal item is a noisy copy of its driver::

    y*_ij = loading_j * driver_i + shift_jg + sqrt(1 - loading_j**2) * e_ij

cut into answer codes at thresholds. The thresholds are the sample quantiles of ``y*``
among the respondents who will survive cleaning, at the cumulative target shares of the
codes (:data:`ITEM_MODEL`, and :data:`WAVE_TARGETS` for the headline items). So the
headline shares of the analysed respondents hit the published 2022 figures to within
rounding, whatever the seed, while group differences (``shift_jg``) and the links between
items and outcomes come from the latent model. Multiple-choice options are logistic in
the latent variables; numeric items are drawn from plausible distributions.

On top of the respondents who survive cleaning each export holds the rows cleaning must
exclude (no consent, incomplete, exact duplicates, a new id with a copied answer pattern,
speeders, no employer type) and, among the valid respondents, values cleaning must set to
missing ("weet niet", out-of-range codes, text in a number field, an impossible number).
Open answers are built from Dutch sentence fragments; the invented identifying details of
``peo/data/demo_pii.yml`` are planted in them, as are HTML and spreadsheet formulas, so
that de-identification and the publication scan have something to find.

The three export shapes (described in ``data/raw/README.md``):

* 2021: an SPSS ``.sav`` file with value labels and variable labels;
* 2022: a survey-tool (Qualtrics) CSV: UTF-8 with BOM, three header rows;
* 2023: a plain semicolon-separated cp1252 CSV with Dutch column names.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import dataclasses
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml

from peo import paths
from peo.survey.codebook import Codebook, load_codebook
from peo.survey.config import _resolve_codebook
from peo.errors import ConfigError, PeoError

DEMO_SEED = 20220401
"""The fixed seed of the bundled demo exports."""


def _load_pii() -> dict[str, list[str]]:
    text = resources.files("peo").joinpath("data/demo_pii.yml").read_text(encoding="utf-8")
    return {str(k): [str(v) for v in vals] for k, vals in yaml.safe_load(text).items()}


PII: dict[str, list[str]] = _load_pii()
"""The invented identifying details planted in the open answers (``peo/data/demo_pii.yml``)."""

GROUPS = ("GI", "JZ", "LT")  # employer types, codes 1, 2, 3 of the codebook's group item

# --------------------------------------------------------------------------- the model

# Mean of the latent professional space per employer type.
SPACE_MEAN = {"GI": -0.15, "JZ": 0.0, "LT": 0.10}
# Correlation of the latent workload with the latent space (less space, more workload).
WORKLOAD_SPACE_CORR = -0.55


@dataclass(frozen=True)
class OrdinalModel:
    """Latent model of one ordinal item.

    ``driver`` is ``"space"`` or ``"workload"``; ``probs`` are the target shares of the
    substantive codes in scale order (they sum to 1); ``shift`` adds a group effect on
    the latent scale.
    """

    driver: str
    loading: float
    probs: tuple[float, ...]
    shift: dict[str, float] = field(default_factory=dict)


ITEM_MODEL: dict[str, OrdinalModel] = {
    # core: professional space (probs here are the 2022 targets; see WAVE_TARGETS)
    "ps_general": OrdinalModel("space", 0.70, (0.01, 0.03, 0.06, 0.58, 0.32), {"GI": -0.10, "LT": 0.05}),
    "ps_relation": OrdinalModel("space", 0.78, (0.11, 0.36, 0.19, 0.28, 0.06), {"GI": -0.50, "JZ": 0.10, "LT": 0.15}),
    "ps_needed": OrdinalModel("space", 0.78, (0.09, 0.35, 0.21, 0.29, 0.06), {"GI": -0.55, "JZ": 0.15, "LT": 0.05}),
    "ps_reflection": OrdinalModel("space", 0.70, (0.07, 0.29, 0.22, 0.34, 0.08), {"GI": 0.15, "JZ": -0.50, "LT": 0.20}),
    # core: the aspects (asp_rules is worded the other way round: negative loading)
    "asp_autonomy": OrdinalModel("space", 0.62, (0.03, 0.15, 0.22, 0.45, 0.15)),
    "asp_learning": OrdinalModel("space", 0.58, (0.04, 0.16, 0.22, 0.44, 0.14)),
    "asp_competence": OrdinalModel("space", 0.55, (0.02, 0.10, 0.20, 0.50, 0.18)),
    "asp_craft": OrdinalModel("space", 0.65, (0.04, 0.20, 0.25, 0.40, 0.11)),
    "asp_fit": OrdinalModel("space", 0.65, (0.05, 0.22, 0.25, 0.38, 0.10), {"GI": -0.20}),
    "asp_reflection": OrdinalModel("space", 0.58, (0.07, 0.27, 0.23, 0.34, 0.09), {"JZ": -0.30}),
    "asp_change": OrdinalModel("space", 0.55, (0.08, 0.30, 0.30, 0.27, 0.05)),
    "asp_rules": OrdinalModel("space", -0.55, (0.04, 0.16, 0.25, 0.37, 0.18), {"GI": 0.20}),
    # outcomes
    "work_pleasure": OrdinalModel("space", 0.50, (0.03, 0.12, 0.35, 0.40, 0.10)),
    "workload": OrdinalModel("workload", 0.95, (0.01, 0.04, 0.35, 0.42, 0.18)),
    "stay": OrdinalModel("space", 0.45, (0.05, 0.13, 0.42, 0.40), {"GI": -0.15}),
    # theme 2021
    "t21_admin_time": OrdinalModel("space", -0.40, (0.02, 0.08, 0.18, 0.45, 0.27)),
    "t21_rules_help": OrdinalModel("space", 0.40, (0.08, 0.30, 0.30, 0.27, 0.05)),
    "t21_deviate": OrdinalModel("space", 0.45, (0.08, 0.27, 0.25, 0.33, 0.07), {"GI": -0.25}),
    # theme 2022
    "t22_workload_clients": OrdinalModel("workload", 0.60, (0.04, 0.14, 0.20, 0.45, 0.17)),
    "t22_overtime": OrdinalModel("workload", 0.50, (0.05, 0.17, 0.18, 0.40, 0.20)),
    # theme 2023
    "t23_expect_realistic": OrdinalModel("space", 0.30, (0.20, 0.45, 0.20, 0.13, 0.02)),
}
"""Latent model of every ordinal item; items not listed get a generic model."""

_GENERIC_ORDINAL = OrdinalModel("space", 0.40, (0.06, 0.20, 0.30, 0.34, 0.10))

# Per-wave target shares of the headline items (2022: the published figures; the other
# waves "broadly the same picture", with small differences).
WAVE_TARGETS: dict[str, dict[str, tuple[float, ...]]] = {
    "2021": {
        "ps_general": (0.02, 0.04, 0.06, 0.57, 0.31),  # agree 88%
        "ps_relation": (0.10, 0.35, 0.20, 0.29, 0.06),  # disagree 45%
        "ps_needed": (0.08, 0.33, 0.22, 0.30, 0.07),  # disagree 41%
        "ps_reflection": (0.08, 0.30, 0.21, 0.33, 0.08),  # disagree 38%
    },
    "2022": {
        "ps_general": (0.01, 0.03, 0.06, 0.58, 0.32),  # agree 90%
        "ps_relation": (0.11, 0.36, 0.19, 0.28, 0.06),  # disagree 47%
        "ps_needed": (0.09, 0.35, 0.21, 0.29, 0.06),  # disagree 44%
        "ps_reflection": (0.07, 0.29, 0.22, 0.34, 0.08),  # disagree 36%
    },
    "2023": {
        "ps_general": (0.01, 0.04, 0.06, 0.57, 0.32),  # agree 89%
        "ps_relation": (0.12, 0.37, 0.18, 0.27, 0.06),  # disagree 49%
        "ps_needed": (0.10, 0.36, 0.20, 0.28, 0.06),  # disagree 46%
        "ps_reflection": (0.07, 0.27, 0.23, 0.35, 0.08),  # disagree 34%
    },
}


@dataclass(frozen=True)
class MultiModel:
    """Choice probabilities of the options of a multiple-choice item.

    Option ``k`` is chosen with probability ``logistic(logit(base_k) + beta_k * driver +
    shift_kg)``.
    """

    base: dict[int, float]
    driver: str = "space"
    beta: dict[int, float] = field(default_factory=dict)
    shift: dict[int, dict[str, float]] = field(default_factory=dict)


MULTI_MODEL: dict[str, MultiModel] = {
    "t21_rule_source": MultiModel(
        base={1: 0.45, 2: 0.42, 3: 0.35, 4: 0.20, 5: 0.30},
        beta={1: -0.4, 2: -0.3},
        shift={3: {"GI": 0.8}, 4: {"GI": 0.4}, 2: {"LT": 0.6}, 5: {"JZ": 0.5}},
    ),
    "t22_barriers": MultiModel(
        base={1: 0.62, 2: 0.58, 3: 0.52, 4: 0.30, 5: 0.36},
        driver="workload",
        beta={1: 0.3, 2: 0.5, 3: 0.5, 5: 0.3},
        shift={3: {"GI": 0.5, "LT": 0.3}, 4: {"JZ": 0.6, "LT": 0.4}},
    ),
    "t22_solutions": MultiModel(
        base={1: 0.56, 2: 0.50, 3: 0.52, 4: 0.30},
        driver="workload",
        beta={3: 0.5, 2: 0.3},
        shift={3: {"GI": 0.5}, 1: {"JZ": 0.3}},
    ),
}
_GENERIC_MULTI = 0.35

# Function (codes 1-5 of the codebook) by employer type.
FUNCTION_PROBS = {
    "GI": (0.75, 0.05, 0.12, 0.00, 0.08),
    "JZ": (0.00, 0.55, 0.35, 0.00, 0.10),
    "LT": (0.02, 0.20, 0.08, 0.62, 0.08),
}
# Caseload (number of clients) by employer type: mean and standard deviation.
CASELOAD = {"GI": (16.0, 4.0), "JZ": (14.0, 5.0), "LT": (22.0, 6.0)}


# ------------------------------------------------------------------------ the waves


@dataclass(frozen=True)
class WaveSpec:
    """What to generate for one wave: sizes, messy rows and the export shape."""

    wave: str
    file: str
    n_valid: int  # respondents who survive cleaning
    n_no_consent: int
    n_incomplete: int
    n_exact_duplicates: int
    n_pattern_duplicates: int
    n_speeders: int
    n_no_group: int
    open_rate: float  # share of respondents who answer an open question
    years_text: tuple[str, ...] = ()  # years of experience typed as text (CSV exports only)
    specials: tuple[str, ...] = ()  # open answers with HTML, formulas, separators


_SEPARATOR_ANSWER = (
    'Minder regels; meer vertrouwen. Een collega zei laatst: "we zijn geen administratiekantoor".\n'
    "En geef ons de tijd voor de gezinnen."
)

SPECS: dict[str, WaveSpec] = {
    "2021": WaveSpec(
        "2021",
        "peo2021_export.sav",
        180,
        3,
        6,
        2,
        1,
        3,
        1,
        0.60,
        specials=("Dit wil ik <b>vet</b> zeggen: minder regels graag.", "=1+1"),
    ),
    "2022": WaveSpec(
        "2022",
        "peo2022_export.csv",
        150,
        4,
        7,
        3,
        2,
        2,
        1,
        0.60,
        years_text=("tien", "5 jaar"),
        specials=(
            '=HYPERLINK("http://example.org","klik")',
            "<script>alert('x')</script>",
            "@SUM(A1:A2)",
            _SEPARATOR_ANSWER,
        ),
    ),
    "2023": WaveSpec(
        "2023",
        "peo2023_export.csv",
        160,
        3,
        5,
        2,
        1,
        3,
        2,
        0.92,
        years_text=("5 jaar", "tien", "ruim 20"),
        specials=(
            "=1+1",
            "@SUM(A1:A2)",
            "Het antwoord is <b>vet</b>: meer vertrouwen.",
            "<script>alert('x')</script>",
            '=HYPERLINK("http://example.org","klik")',
            _SEPARATOR_ANSWER,
        ),
    ),
}
WAVES = tuple(SPECS)

# The export shapes. Each wave.yml must name these columns (checked by _check_config).
ADMIN_2021 = ("resp_id", "consent", "finished", "start_time", "end_time", "ip_address", "email")
ADMIN_2022 = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "Q_consent",
)
ADMIN_2023 = ("respondent", "toestemming", "voltooid", "begonnen", "beeindigd", "ip", "naam", "email")
_ADMIN = {"2021": ADMIN_2021, "2022": ADMIN_2022, "2023": ADMIN_2023}

# Qualtrics' second and third header rows of its administrative columns.
_QUALTRICS_ADMIN = {
    "StartDate": ("Start Date", {"ImportId": "startDate", "timeZone": "Europe/Amsterdam"}),
    "EndDate": ("End Date", {"ImportId": "endDate", "timeZone": "Europe/Amsterdam"}),
    "Status": ("Response Type", {"ImportId": "status"}),
    "IPAddress": ("IP Address", {"ImportId": "ipAddress"}),
    "Progress": ("Progress", {"ImportId": "progress"}),
    "Duration (in seconds)": ("Duration (in seconds)", {"ImportId": "duration"}),
    "Finished": ("Finished", {"ImportId": "finished"}),
    "RecordedDate": ("Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/Amsterdam"}),
    "ResponseId": ("Response ID", {"ImportId": "_recordId"}),
    "RecipientLastName": ("Recipient Last Name", {"ImportId": "recipientLastName"}),
    "RecipientFirstName": ("Recipient First Name", {"ImportId": "recipientFirstName"}),
    "RecipientEmail": ("Recipient Email", {"ImportId": "recipientEmail"}),
    "Q_consent": (
        "Ik heb de informatie over het onderzoek gelezen en doe vrijwillig mee. - Ja / Nee",
        {"ImportId": "QID1"},
    ),
}

_SAV_ADMIN_LABELS = {
    "resp_id": "Respondentnummer",
    "consent": "Toestemming voor deelname",
    "finished": "Vragenlijst afgerond",
    "start_time": "Begintijd",
    "end_time": "Eindtijd",
    "ip_address": "IP-adres",
    "email": "E-mailadres",
}

# Fake names for the administrative columns (none of them is in demo_pii.yml).
_FIRST = (
    "Lisa",
    "Sophie",
    "Emma",
    "Anne",
    "Laura",
    "Sarah",
    "Eva",
    "Fleur",
    "Iris",
    "Noor",
    "Thomas",
    "Daan",
    "Tim",
    "Lars",
    "Bas",
    "Youssef",
    "Ayse",
    "Priya",
    "Kevin",
    "Esther",
    "Marloes",
    "Nadia",
    "Rachid",
    "Lotte",
    "Femke",
    "Jeroen",
    "Maaike",
    "Samira",
    "Wouter",
    "Joyce",
)
_LAST = (
    "de Jong",
    "van Dijk",
    "Visser",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van den Berg",
    "Dekker",
    "Dijkstra",
    "Kaya",
    "Bouali",
    "Koster",
    "Brouwer",
    "de Wit",
    "Vermeulen",
    "Postma",
    "Kramer",
    "Prins",
    "Huisman",
    "Veenstra",
)
# Hour of the day a response starts, and its probability (office hours and evenings).
_START_HOURS = {
    8: 0.05,
    9: 0.10,
    10: 0.12,
    11: 0.10,
    12: 0.08,
    13: 0.10,
    14: 0.12,
    15: 0.10,
    16: 0.08,
    19: 0.06,
    20: 0.05,
    21: 0.04,
}
_MAIL_DOMAINS = ("example.org", "example.com", "example.net")  # reserved for examples (RFC 2606)
_IP_NETS = ("192.0.2", "198.51.100", "203.0.113")  # reserved for documentation (RFC 5737)

# ------------------------------------------------------------------- open answers

_OPEN_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "t21_open_rules": {
        "core": (
            "Voor elke verlenging moet ik een nieuw verslag schrijven, ook als er niets veranderd is.",
            "De gemeente wil voor iedere extra afspraak eerst een nieuwe beschikking.",
            "We mogen pas hulp inzetten als de toegang akkoord is, en dat duurt weken.",
            "Het registratiesysteem vraagt drie keer om dezelfde gegevens.",
            "Binnen zes weken moet het plan klaar zijn, ook als ik het gezin nog nauwelijks ken.",
            "Er is een maximum aantal uren per traject, terwijl sommige gezinnen veel meer nodig hebben.",
            "Elk contact moet binnen 24 uur in het dossier staan.",
            "Voor hulp aan een broertje of zusje is een aparte aanmelding nodig.",
            "Voor een gesprek met school heb ik toestemming van beide ouders nodig, "
            "ook als zij niet met elkaar praten.",
            "De productcodes passen niet bij wat ik echt met een gezin doe.",
            "De verantwoording aan de financier kost meer tijd dan het contact met het gezin.",
            "Reistijd telt niet mee, dus huisbezoeken worden ontmoedigd.",
            "Bij een verhuizing naar een andere gemeente begint de hele aanmelding opnieuw.",
            "Na een melding moeten we een vast protocol volgen, ook als dat niet bij de situatie past.",
            "Elke wijziging in de hulp moet opnieuw langs de gedragswetenschapper en de gemeente.",
            "De privacyregels maken het bijna onmogelijk om snel met de huisarts te overleggen.",
            "We moeten bij de start standaard vragenlijsten afnemen, ook bij gezinnen in crisis.",
            "Trajecten worden na een vast aantal maanden afgesloten, ook als het gezin nog niet zover is.",
        ),
        "follow": (
            "Daardoor heb ik minder tijd voor de jongeren zelf.",
            "Dat gaat ten koste van de relatie met ouders.",
            "Ouders haken af omdat het zo lang duurt.",
            "Ik snap de bedoeling, maar in de praktijk werkt het averechts.",
            "Zo verlies je het vertrouwen van een gezin.",
            "Het voelt als controle in plaats van vertrouwen.",
            "Intussen wordt de situatie thuis alleen maar erger.",
            "Ik doe het vaak 's avonds, anders komt het niet af.",
            "Niemand leest die verslagen.",
            "Als ik ervan afwijk, moet ik dat weer uitgebreid verantwoorden.",
        ),
        "short": (
            "Te veel om op te noemen.",
            "De administratie in het algemeen.",
            "Geen specifiek voorbeeld.",
            "Alle regels rond de beschikkingen.",
            "Zie hierboven.",
        ),
    },
    "t22_open_solution": {
        "core": (
            "Minder cliënten per medewerker, dan kun je echt iets betekenen.",
            "Een caseload van hooguit {n} gezinnen per fulltimer.",
            "Vaste teams waarin je elkaar kent en samen kunt reflecteren.",
            "Schrap de dubbele registratie: één dossier voor alle partijen.",
            "Meer administratieve ondersteuning, zodat wij met de gezinnen bezig kunnen.",
            "Vaste tijd voor intervisie in het rooster in plaats van het erbij te doen.",
            "Investeer in het behouden van ervaren collega's, het verloop is enorm.",
            "Geef ons vertrouwen in plaats van controle.",
            "Een goed inwerkprogramma, nu vangen de ervaren collega's alles op.",
            "Pak de wachtlijsten aan, dan hoeven wij niet maandenlang te overbruggen.",
            "Minder overleg over procedures en meer over de inhoud.",
            "Een vaste contactpersoon bij de gemeente.",
            "Flexibel met uren kunnen schuiven: soms heeft een gezin even veel nodig en daarna minder.",
            "Betere bereikbaarheid van de gedragswetenschapper.",
            "Minder verantwoording en kortere verslagen.",
            "Meer collega's, maar dan wel met ervaring.",
            "Stop met het steeds veranderen van systemen en werkwijzen.",
            "Ruimte om zelf te bepalen wanneer een traject klaar is.",
        ),
        "follow": (
            "Dan houden we het werk vol.",
            "Nu lopen collega's leeg.",
            "Dan blijf ik ook langer in dit vak.",
            "Dat scheelt mij uren per week.",
            "Daar hebben de gezinnen uiteindelijk het meest aan.",
            "Nu is het vooral brandjes blussen.",
            "Dat is de enige manier om de werkdruk echt te verlagen.",
        ),
        "short": (
            "Meer personeel.",
            "Lagere caseload!",
            "Minder administratie.",
            "Geen idee eerlijk gezegd.",
            "Meer tijd.",
        ),
    },
    "t23_open_expectations": {
        "core": (
            "Dat wij elk risico voor kinderen kunnen uitsluiten.",
            "Dat de jeugdhulp alle problemen van gezinnen oplost, ook armoede en schulden.",
            "Ouders verwachten dat er meteen hulp is, terwijl de wachtlijsten maanden zijn.",
            "Na elk incident in de media wordt gevraagd waarom wij niet eerder hebben ingegrepen.",
            "De politiek wil bezuinigen en tegelijk betere zorg.",
            "Scholen verwachten dat wij het gedrag in de klas oplossen.",
            "Dat we altijd bereikbaar zijn, ook 's avonds en in het weekend.",
            "Dat hulp snel resultaat laat zien, het liefst binnen een paar maanden.",
            "Dat wij de opvoeding overnemen als het thuis niet lukt.",
            "De rechter en de raad verwachten dat wij alles tot in detail vastleggen.",
            "Iedereen verwacht maatwerk, maar de financiering is standaard.",
            "Dat we tegelijk hulpverlener en controleur zijn.",
            "Ouders zien ons als de instantie die kinderen weghaalt.",
            "Buurtbewoners verwachten dat wij de overlast van jongeren oplossen.",
            "Dat wij cliënten binnen een paar weken weer op de rit hebben.",
            "Dat één gesprek genoeg is om een gezin verder te helpen.",
        ),
        "follow": (
            "Dat is niet realistisch.",
            "Daar is de jeugdhulp niet voor bedoeld.",
            "Die verwachting wordt steeds groter.",
            "Dat hoor je op verjaardagen ook.",
            "De media versterken dat beeld.",
            "Het beeld in de krant klopt niet met de praktijk.",
        ),
        "short": ("Dat we alles oplossen.", "Onmogelijke verwachtingen.", "Snelheid.", "Geen idee."),
    },
    "t23_open_pressure": {
        "core": (
            "Ik ga voorzichtiger werken en leg alles vast uit angst om fouten te maken.",
            "Ik durf minder af te wijken van protocollen.",
            "Het kost veel energie en soms twijfel ik of ik dit vak nog wil doen.",
            "We worden defensiever en de reflectie schiet erbij in.",
            "Het geeft druk, maar ik probeer het niet mee naar huis te nemen.",
            "Mijn professionele ruimte wordt kleiner, want er wordt meer gecontroleerd.",
            "Ik schrijf meer voor het dossier dan voor het gezin.",
            "Collega's vertrekken omdat ze het gevoel hebben dat het nooit goed is.",
            "Ik voel me vaak verantwoordelijk voor dingen waar ik geen invloed op heb.",
            "Het maakt de samenwerking met ouders moeilijker, zij komen wantrouwig binnen.",
            "Niet veel eigenlijk, ik weet wat ik kan bieden.",
            "We zeggen sneller ja tegen taken die niet bij ons horen.",
            "Ik ben vaker bezig met het indekken van risico's dan met de cliënt zelf.",
            "De druk om het perfect te doen maakt me soms overbezorgd en gestrest.",
        ),
        "follow": (
            "Dat gaat ten koste van de kwaliteit.",
            "Het gesprek in het team helpt dan wel.",
            "Gelukkig heb ik een fijne teamleider.",
            "Ik merk het vooral aan mijn energie.",
            "Dat is jammer, want het vak zelf is mooi.",
        ),
        "short": ("Stress.", "Veel druk.", "Minder ruimte.", "Weinig."),
    },
    "t23_open_wish": {
        "core": (
            "Meer realistische verwachtingen van wat hulp kan bereiken.",
            "Investeer in preventie en in de bestaanszekerheid van gezinnen.",
            "Stop met het steeds veranderen van het stelsel.",
            "Geef professionals het vertrouwen om hun werk te doen.",
            "Kom eens een dag meelopen, dan ziet u wat we doen.",
            "Zorg voor genoeg plekken, zodat gezinnen niet maanden hoeven te wachten.",
            "Praat met ons in plaats van over ons.",
            "Waardering voor het werk en een eerlijk salaris.",
            "Maak niet na elk incident nieuwe regels.",
            "Zorg voor financiering voor meerdere jaren in plaats van steeds nieuwe aanbestedingen.",
            "Begrip dat niet elk risico te voorkomen is.",
            "Meer aandacht voor wat wel goed gaat in de jeugdhulp.",
            "Elke € die in preventie gaat, verdient zichzelf later terug.",
            "Geef gezinnen één vast aanspreekpunt in plaats van vijf loketten.",
        ),
        "follow": (
            "Dan kunnen wij ons werk goed doen.",
            "De gezinnen verdienen dat.",
            "Het vak is het waard.",
            "Dat zou al veel schelen.",
        ),
        "short": ("Geduld.", "Vertrouwen.", "Meer geld voor preventie.", "Luister naar ons."),
    },
}
_OPEN_GENERIC = {
    "core": (
        "Meer tijd voor de gezinnen en minder administratie.",
        "De regels en de verantwoording nemen te veel ruimte in.",
        "Sterke, stabiele teams met ruimte voor reflectie.",
        "Betere ondersteuning vanuit de organisatie.",
    ),
    "follow": ("Dat zou veel helpen.", "Dat merken de gezinnen ook."),
    "short": ("Geen.", "Weet ik niet."),
}
_OPENERS = ("Kort gezegd: ", "Eerlijk gezegd: ", "Wat mij betreft: ", "Vooral dit: ")

# Sentences that plant one identifying detail each ({x}); the kinds are those of demo_pii.yml.
_PII_SENTENCES = {
    "persons": (
        "Mijn teamleider {x} zegt steeds dat het beter wordt, maar ik merk er niets van.",
        "Ik heb dit al vaak aangekaart bij {x}, onze manager, zonder resultaat.",
        "Vraag het maar aan {x}, die kan het beter uitleggen dan ik.",
        "Mijn collega {x} is net vertrokken en die caseload is over ons verdeeld.",
    ),
    "emails": (
        "Mail gerust naar {x} als u meer wilt weten.",
        "Ik denk graag mee, mijn mailadres is {x}.",
    ),
    "phones": (
        "Bel me gerust op {x} voor een toelichting.",
        "U kunt me bereiken op {x}, ik vertel er graag meer over.",
    ),
    "places": (
        "In {x} wachten gezinnen maanden op specialistische hulp.",
        "Bij ons team in {x} is de helft van de collega's vertrokken.",
        "Zeker in {x} merk je dat er te weinig plekken zijn.",
    ),
    "organisations": (
        "Bij {x} is dat precies het probleem.",
        "Ik werk bij {x} en daar zie ik dit elke week.",
        "Sinds de reorganisatie bij {x} is het alleen maar drukker geworden.",
    ),
}


# ----------------------------------------------------------------------- helpers


def _rng(seed: int, wave: str) -> np.random.Generator:
    """The random generator of one wave, derived from the seed and the wave id."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(wave)]))


def _wave_config(wave: str) -> tuple[dict, Codebook]:
    """Read a wave's ``wave.yml`` and codebooks without requiring its raw export to exist.

    :func:`peo.survey.config.load_wave` checks that the raw export exists, which is what this
    module is about to write; so the configuration is read here directly.

    Raises
    ------
    ConfigError
        If the wave's folder or ``wave.yml`` is missing or malformed.
    """
    wave_dir = paths.raw_dir() / wave
    cfg_path = wave_dir / "wave.yml"
    if not cfg_path.is_file():
        raise ConfigError(
            f"{cfg_path} does not exist: the synthetic export of wave {wave} needs its wave configuration. "
            "Restore it from git (git checkout -- data/raw)."
        )
    try:
        cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{cfg_path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(cfg, dict) or not cfg.get("codebooks"):
        raise ConfigError(f"{cfg_path}: the 'codebooks' list is missing.")
    files = [_resolve_codebook(wave_dir, str(c)) for c in cfg["codebooks"]]
    return cfg, _merge_codebooks(files)


def _merge_codebooks(files: list[Path]) -> Codebook:
    """Load and merge the wave's codebook files, as every other step does.

    Raises
    ------
    CodebookError
        If a file cannot be read or is malformed.
    """
    return load_codebook(files)


def _check_config(spec: WaveSpec, cfg: dict, admin: tuple[str, ...], cfg_path: Path) -> None:
    """Check that the wave.yml names the file and the columns this export will have."""
    raw_file = (cfg.get("raw") or {}).get("file")
    problems = []
    if raw_file != spec.file:
        problems.append(f"raw.file is {raw_file!r}, the synthetic export is {spec.file!r}")
    cols = cfg.get("columns") or {}
    for key in ("respondent_id", "consent", "started", "ended", "duration"):
        name = cols.get(key)
        if name is not None and name not in admin:
            problems.append(f"columns.{key} is {name!r}, which the synthetic export does not have")
    done = (cfg.get("completion") or {}).get("column") if isinstance(cfg.get("completion"), dict) else None
    if done is not None and done not in admin:
        problems.append(f"completion.column is {done!r}, which the synthetic export does not have")
    for name in cols.get("drop") or ():
        if name not in admin:
            problems.append(f"columns.drop names {name!r}, which the synthetic export does not have")
    if problems:
        raise ConfigError(
            f"{cfg_path} does not match the synthetic export of wave {spec.wave}: {'; '.join(problems)}. "
            f"The export's administrative columns are {', '.join(admin)}. "
            "Restore the demo wave.yml from git, or update peo/synth.py together with it."
        )


def _ordinal(y: np.ndarray, y_ref: np.ndarray, probs: tuple[float, ...]) -> np.ndarray:
    """Cut latent values into codes 1..k at the quantiles of ``y_ref`` at the cumulative ``probs``."""
    cum = np.cumsum(probs)[:-1]
    thresholds = np.quantile(y_ref, cum)
    return 1 + np.searchsorted(thresholds, y, side="right")


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


# ------------------------------------------------------------------ respondents


@dataclass
class _Row:
    """One row of an export before it is formatted: item values plus admin fields."""

    kind: str  # valid, no_consent, incomplete, speeder, no_group, exact_duplicate, pattern_duplicate
    values: dict  # raw column -> int, float, str or None
    consent: bool = True
    finished: bool = True
    progress: int = 100
    start: dt.datetime | None = None
    duration: int = 0
    source: _Row | None = None  # exact duplicates: the row exported twice
    admin: dict = field(default_factory=dict)  # fake IP, name, e-mail
    rid: str | int | None = None


def _latents(rng: np.random.Generator, groups: np.ndarray) -> dict[str, np.ndarray]:
    n = len(groups)
    space = rng.standard_normal(n) + np.array([SPACE_MEAN[g] for g in groups])
    r = WORKLOAD_SPACE_CORR
    workload = r * space + np.sqrt(1 - r * r) * rng.standard_normal(n)
    return {"space": space, "workload": workload}


def _answers(rng: np.random.Generator, codebook: Codebook, wave: str, groups: np.ndarray, n_valid: int) -> list[dict]:
    """Substantive answers of ``len(groups)`` respondents; the first ``n_valid`` set the thresholds."""
    n = len(groups)
    lat = _latents(rng, groups)
    cols: dict[str, list] = {}
    group_item = codebook.group_item
    group_code = {c.value: c.code for c in group_item.response_scale.codes}
    for item in codebook.items:
        if item is group_item:
            cols[item.id] = [group_code[g] for g in groups]
        elif item.id == "function":
            codes = [c.code for c in item.response_scale.codes]
            cols[item.id] = [int(codes[rng.choice(len(codes), p=FUNCTION_PROBS[g])]) for g in groups]
        elif item.id == "years_experience":
            lo, hi = item.bounds
            yrs = np.clip(np.round(rng.gamma(1.8, 5.0, n)), lo, 40)
            cols[item.id] = [int(v) for v in yrs]
        elif item.type == "likert":
            model = ITEM_MODEL.get(item.id, _GENERIC_ORDINAL)
            probs = WAVE_TARGETS.get(wave, {}).get(item.id, model.probs)
            k = len(item.response_scale.valid_codes)
            if len(probs) != k:
                probs = tuple(np.full(k, 1.0 / k))
            d = lat[model.driver]
            shift = np.array([model.shift.get(g, 0.0) for g in groups])
            y = model.loading * d + shift + np.sqrt(1 - model.loading**2) * rng.standard_normal(n)
            idx = _ordinal(y, y[:n_valid], probs) - 1
            valid = item.response_scale.valid_codes
            cols[item.id] = [int(valid[i]) for i in idx]
        elif item.type == "categorical":
            codes = [c.code for c in item.response_scale.codes]
            cols[item.id] = [int(codes[i]) for i in rng.integers(0, len(codes), n)]
        elif item.type == "multi":
            model = MULTI_MODEL.get(item.id)
            chosen_any = np.zeros(n, dtype=bool)
            per_option = {}
            for c in item.response_scale.codes:
                if model is None:
                    p = np.full(n, _GENERIC_MULTI)
                else:
                    eta = _logit(model.base.get(c.code, _GENERIC_MULTI))
                    eta = eta + model.beta.get(c.code, 0.0) * lat[model.driver]
                    eta = eta + np.array([model.shift.get(c.code, {}).get(g, 0.0) for g in groups])
                    p = _logistic(eta)
                per_option[c.code] = rng.random(n) < p
                chosen_any |= per_option[c.code]
            for c in item.response_scale.codes:
                cols[f"{item.id}_{c.code}"] = [1 if v else None for v in per_option[c.code]]
        elif item.type == "numeric":
            lo, hi = item.bounds
            if item.id == "t22_caseload":
                m = np.array([CASELOAD[g][0] for g in groups])
                s = np.array([CASELOAD[g][1] for g in groups])
                vals = np.maximum(np.round(m + s * rng.standard_normal(n) - 2.0 * lat["space"]), 1)
            elif item.id == "t21_hours_admin":
                vals = np.round(rng.gamma(3.0, 3.0, n) - 1.0 * lat["space"])
            else:
                vals = np.round(lo + (hi - lo) * rng.beta(2.0, 4.0, n))
            vals = np.clip(vals, lo, hi)
            cols[item.id] = [int(v) for v in vals]
        elif item.type == "open":
            cols[item.id] = [None] * n  # filled by _open_answers
    return [{c: cols[c][i] for c in cols} for i in range(n)]


def _open_text(rng: np.random.Generator, item_id: str) -> str:
    """One short Dutch open answer (1-3 sentences) from the item's fragment pool."""
    pool = _OPEN_POOLS.get(item_id, _OPEN_GENERIC)
    u = rng.random()
    if u < 0.12:
        text = str(pool["short"][rng.integers(len(pool["short"]))])
    else:
        core = str(pool["core"][rng.integers(len(pool["core"]))]).replace("{n}", str(int(rng.integers(12, 21))))
        parts = [core]
        if rng.random() < 0.55:
            parts.append(str(pool["follow"][rng.integers(len(pool["follow"]))]))
        if rng.random() < 0.15:
            other = str(pool["core"][rng.integers(len(pool["core"]))]).replace("{n}", "15")
            if other != core:
                parts.append("En ook: " + other[:1].lower() + other[1:])
        if rng.random() < 0.12:
            opener = _OPENERS[rng.integers(len(_OPENERS))]
            parts[0] = opener + parts[0][:1].lower() + parts[0][1:]
        text = " ".join(parts)
    v = rng.random()
    if v < 0.06:
        text = text.lower()
    elif v < 0.14:
        text = text.rstrip(".")
    return text


def _open_answers(rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, rows: list[dict]) -> None:
    """Fill the open items of the given respondents in place (``open_rate`` answer)."""
    open_items = [i.id for i in codebook.by_type("open")]
    if not open_items:
        return
    for r in rows:
        if len(open_items) > 1:
            # several open questions (2023): most who answer one answer all of them
            if rng.random() < spec.open_rate:
                for iid in open_items:
                    r[iid] = _open_text(rng, iid) if rng.random() < 0.93 else None
        else:
            iid = open_items[0]
            r[iid] = _open_text(rng, iid) if rng.random() < spec.open_rate else None


def _pii_assignments() -> dict[str, list[tuple[str, str]]]:
    """Spread the demo_pii.yml entries over the waves, round robin, in file order."""
    entries = [(kind, value) for kind, values in PII.items() for value in values]
    out: dict[str, list[tuple[str, str]]] = {w: [] for w in WAVES}
    for n, e in enumerate(entries):
        out[WAVES[n % len(WAVES)]].append(e)
    return out


def _plant(rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, valid: list[dict]) -> None:
    """Plant this wave's identifying details and special answers in valid respondents' open answers."""
    open_items = [i.id for i in codebook.by_type("open")]
    if not open_items:
        return
    order = [int(i) for i in rng.permutation(len(valid))]
    pos = 0
    for kind, value in _pii_assignments()[spec.wave]:
        templates = _PII_SENTENCES.get(kind, ("{x}.",))
        sentence = str(templates[rng.integers(len(templates))]).replace("{x}", value)
        r = valid[order[pos]]
        pos += 1
        iid = open_items[int(rng.integers(len(open_items)))]
        before = r.get(iid)
        if before and rng.random() < 0.7:
            r[iid] = before.rstrip(".") + ". " + sentence
        else:
            r[iid] = sentence
    for text in spec.specials:
        r = valid[order[pos]]
        pos += 1
        r[open_items[int(rng.integers(len(open_items)))]] = text


def _messy_values(
    rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, valid: list[dict], csv_export: bool
) -> None:
    """Make valid respondents' answers messy in ways cleaning sets to missing (not excludes)."""
    n = len(valid)
    # optional items left blank (a multiple-choice item: nothing chosen at all)
    for item in codebook.items:
        if item.required or item.type == "open" or item.role == "group":
            continue
        for i in np.flatnonzero(rng.random(n) < 0.025):
            for c in item.raw_columns:
                valid[i][c] = None
    # "weet niet" and other missing codes on Likert items whose scale has them
    likert = [i for i in codebook.by_type("likert")]
    dont_know = [i for i in likert if any(m.kind == "dont_know" for m in i.response_scale.missing)]
    for _ in range(8):
        item = dont_know[int(rng.integers(len(dont_know)))]
        code = next(m.code for m in item.response_scale.missing if m.kind == "dont_know")
        valid[int(rng.integers(n))][item.id] = code
    # out-of-range codes, on optional items only: on a required item an invalid code
    # leaves the item unanswered, and cleaning would exclude the respondent as incomplete
    optional = [i for i in likert if not i.required]
    for bad in (6, 0, 99, 6):
        item = optional[int(rng.integers(len(optional)))]
        valid[int(rng.integers(n))][item.id] = bad
    # "geen antwoord" code on the function question (SPSS only: the tool exports leave it blank)
    if not csv_export and "function" in codebook:
        scale = codebook.item("function").response_scale
        no_answer = [m.code for m in scale.missing if m.kind == "no_answer"]
        if no_answer:
            for i in rng.choice(n, size=2, replace=False):
                valid[int(i)]["function"] = no_answer[0]
    # years of experience: an impossible value and, in the CSV exports, text
    if "years_experience" in codebook:
        picks = [int(i) for i in rng.choice(n, size=1 + len(spec.years_text), replace=False)]
        valid[picks[0]]["years_experience"] = 72
        if csv_export:
            for i, text in zip(picks[1:], spec.years_text):
                valid[i]["years_experience"] = text
    # numeric theme items: one value above the maximum
    for item in codebook.by_type("numeric"):
        if item.role == "theme":
            lo, hi = item.bounds
            valid[int(rng.integers(n))][item.id] = int(hi + rng.integers(5, 30))


def _blank(codebook: Codebook) -> dict:
    return {c: None for c in codebook.raw_columns()}


def _build_rows(
    rng: np.random.Generator, spec: WaveSpec, codebook: Codebook, fw: tuple[dt.date, dt.date]
) -> list[_Row]:
    """All rows of one wave's export, in export order, before formatting."""
    csv_export = not spec.file.endswith(".sav")
    # employer types: evenly split among the valid respondents, random for the others
    base = np.repeat(np.arange(3), spec.n_valid // 3)
    base = np.concatenate([base, rng.permutation(3)[: spec.n_valid - len(base)]])
    valid_groups = [GROUPS[i] for i in rng.permutation(base)]
    n_extra = spec.n_incomplete + spec.n_speeders + spec.n_no_group
    extra_groups = [GROUPS[i] for i in rng.integers(0, 3, n_extra)]
    answers = _answers(rng, codebook, spec.wave, np.array(valid_groups + extra_groups), spec.n_valid)
    valid, extra = answers[: spec.n_valid], answers[spec.n_valid :]

    _open_answers(rng, codebook, spec, valid)
    _plant(rng, codebook, spec, valid)
    _messy_values(rng, codebook, spec, valid, csv_export)

    rows = [_Row("valid", v) for v in valid]
    # incomplete: stopped part-way; everything after the stopping point is blank
    item_order = [i for i in codebook.items]
    first_required = min(n for n, i in enumerate(item_order) if i.required and i.role != "group")
    stops = [first_required + 1]  # the first one stops before a required core item
    for _ in range(spec.n_incomplete - 1):
        stops.append(int(rng.integers(first_required + 1, len(item_order))))
    for k, stop in enumerate(stops):
        v = extra[k]
        for item in item_order[stop:]:
            for c in item.raw_columns:
                v[c] = None
        rows.append(_Row("incomplete", v, finished=False, progress=int(round(100 * stop / len(item_order)))))
    k = spec.n_incomplete
    # speeders: finished in under two minutes; the first one also straight-lines
    for s in range(spec.n_speeders):
        v = extra[k + s]
        if s == 0:
            for item in codebook.by_type("likert"):
                if item.role in ("core", "outcome"):
                    valid_codes = item.response_scale.valid_codes
                    v[item.id] = item.response_scale.neutral or valid_codes[len(valid_codes) // 2]
        rows.append(_Row("speeder", v))
    k += spec.n_speeders
    # no employer type: otherwise complete
    for s in range(spec.n_no_group):
        v = extra[k + s]
        v[codebook.group_item.id] = None
        _open_answers(rng, codebook, spec, [v])
        rows.append(_Row("no_group", v))
    # no consent: answered nothing else
    for _ in range(spec.n_no_consent):
        rows.append(_Row("no_consent", _blank(codebook), consent=False))

    # timestamps and durations
    n_days = (fw[1] - fw[0]).days + 1
    for r in rows:
        day = fw[0] + dt.timedelta(days=int(rng.integers(n_days)))
        hour = int(rng.choice(list(_START_HOURS), p=list(_START_HOURS.values())))
        r.start = dt.datetime.combine(day, dt.time(hour, int(rng.integers(60)), int(rng.integers(60))))
        if r.kind == "speeder":
            r.duration = int(rng.integers(45, 111))
        elif r.kind == "no_consent":
            r.duration = int(rng.integers(8, 41))
        elif r.kind == "incomplete":
            r.duration = int(rng.integers(60, 601))
        else:
            r.duration = int(np.clip(np.round(np.exp(np.log(540) + 0.45 * rng.standard_normal())), 150, 5400))
    rows.sort(key=lambda r: r.start)

    # pattern duplicates: a new respondent with a copy of an earlier valid respondent's answers
    valid_pos = [n for n, r in enumerate(rows) if r.kind == "valid"]
    for _ in range(spec.n_pattern_duplicates):
        src = rows[valid_pos[int(rng.integers(len(valid_pos) // 2))]]
        copy = _Row("pattern_duplicate", dict(src.values))
        copy.start = src.start + dt.timedelta(days=int(rng.integers(1, 8)), minutes=int(rng.integers(0, 600)))
        end_limit = dt.datetime.combine(fw[1], dt.time(22, 0))
        if copy.start > end_limit:
            copy.start = end_limit - dt.timedelta(minutes=int(rng.integers(30, 300)))
        copy.duration = int(rng.integers(240, 900))
        rows.append(copy)
    rows.sort(key=lambda r: r.start)

    # fake administrative personal data
    for r in rows:
        first = _FIRST[int(rng.integers(len(_FIRST)))]
        last = _LAST[int(rng.integers(len(_LAST)))]
        has_mail = rng.random() < 0.9
        domain = _MAIL_DOMAINS[int(rng.integers(len(_MAIL_DOMAINS)))]
        mail = f"{first[0].lower()}.{last.replace(' ', '').lower()}@{domain}" if has_mail else ""
        ip = f"{_IP_NETS[int(rng.integers(len(_IP_NETS)))]}.{int(rng.integers(1, 255))}"
        r.admin = {"first": first, "last": last, "email": mail, "ip": ip}

    # exact duplicates: the same row (same respondent id) exported twice
    valid_pos = [n for n, r in enumerate(rows) if r.kind == "valid"]
    picks = rng.choice(valid_pos[: len(valid_pos) * 2 // 3], size=spec.n_exact_duplicates, replace=False)
    for src in [rows[int(i)] for i in sorted(picks)]:
        dup = _Row(
            "exact_duplicate",
            dict(src.values),
            src.consent,
            src.finished,
            src.progress,
            src.start,
            src.duration,
            source=src,
            admin=dict(src.admin),
        )
        after = next(n for n, r in enumerate(rows) if r is src)
        rows.insert(int(rng.integers(after + 1, len(rows) + 1)), dup)

    # respondent ids, in export order; exact duplicates repeat their source's id
    next_num = 40211 if spec.wave == "2023" else 1
    for r in rows:
        if r.kind == "exact_duplicate":
            continue
        if spec.wave == "2022":
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            r.rid = "R_" + "".join(alphabet[int(i)] for i in rng.integers(0, len(alphabet), 15))
        else:
            r.rid = next_num
            next_num += 1 if spec.wave == "2021" else int(rng.integers(1, 4))
    for r in rows:
        if r.source is not None:
            r.rid = r.source.rid
    return rows


# ---------------------------------------------------------------------- writers


def _fmt_time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _write_sav(path: Path, rows: list[_Row], codebook: Codebook, fw_end: dt.date) -> None:
    """Write the 2021 SPSS export, then stamp the header with a fixed creation date and time."""
    items = codebook.raw_columns()
    data: dict[str, list] = {c: [] for c in ADMIN_2021 + tuple(items)}
    for r in rows:
        data["resp_id"].append(float(r.rid))
        data["consent"].append(1.0 if r.consent else 0.0)
        data["finished"].append(1.0 if r.finished else 0.0)
        data["start_time"].append(r.start)
        data["end_time"].append(r.start + dt.timedelta(seconds=r.duration))
        data["ip_address"].append(r.admin["ip"])
        data["email"].append(r.admin["email"])
        for c in items:
            data[c].append(r.values[c])
    df = pd.DataFrame({c: data[c] for c in ADMIN_2021})
    df["start_time"] = pd.to_datetime(df["start_time"]).astype("datetime64[us]")
    df["end_time"] = pd.to_datetime(df["end_time"]).astype("datetime64[us]")
    labels = dict(_SAV_ADMIN_LABELS)
    value_labels: dict[str, dict] = {"consent": {0: "Nee", 1: "Ja"}, "finished": {0: "Nee", 1: "Ja"}}
    measure = {c: "nominal" for c in ("resp_id", "consent", "finished", "ip_address", "email")}
    formats = {"resp_id": "F5.0", "consent": "F1.0", "finished": "F1.0"}
    for item in codebook.items:
        sc = item.response_scale
        if item.type == "open":
            df[item.id] = pd.Series([v if v is not None else "" for v in data[item.id]], dtype="str")
            labels[item.id] = item.text_nl
            measure[item.id] = "nominal"
            continue
        if item.type == "multi":
            for c in sc.codes:
                col = f"{item.id}_{c.code}"
                df[col] = pd.Series([np.nan if v is None else float(v) for v in data[col]], dtype="float64")
                labels[col] = f"{item.text_nl} - {c.nl}"
                value_labels[col] = {1: c.nl}
                measure[col] = "nominal"
                formats[col] = "F1.0"
            continue
        df[item.id] = pd.Series([np.nan if v is None else float(v) for v in data[item.id]], dtype="float64")
        labels[item.id] = item.text_nl
        if sc is not None and sc.codes:
            value_labels[item.id] = {c.code: c.nl for c in sc.codes} | {m.code: m.nl for m in sc.missing}
            measure[item.id] = "ordinal" if item.type == "likert" else "nominal"
            formats[item.id] = "F2.0"
        else:
            measure[item.id] = "scale"
            formats[item.id] = "F3.0"
    pyreadstat.write_sav(
        df,
        path,
        file_label="PEO 2021 (synthetische demodata)",
        column_labels=labels,
        variable_value_labels=value_labels,
        variable_measure=measure,
        variable_format=formats,
    )
    _stamp_sav_header(path, dt.datetime.combine(fw_end, dt.time(0, 0, 0)))


# The SAV file header (IBM SPSS Statistics "System File Format", record type 1): rec_type
# (4 bytes), prod_name (60), layout_code, nominal_case_size, compression, weight_index,
# ncases (4 each), bias (8), then creation_date (9, "dd Mmm yy") and creation_time (8,
# "hh:mm:ss"): bytes 92 to 109.
_SAV_DATE_OFFSET = 92


def _stamp_sav_header(path: Path, when: dt.datetime) -> None:
    """Overwrite the creation date and time that readstat writes into a SAV header.

    readstat stamps the wall-clock time of writing into the header, so two runs would
    give different bytes. Replacing it with a fixed moment (the end of the fieldwork)
    makes the export byte-identical on every run, so its checksum in
    ``data/raw/MANIFEST.sha256`` and the regeneration test stay valid.
    """
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    stamp = f"{when.day:02d} {months[when.month - 1]} {when.year % 100:02d}{when:%H:%M:%S}".encode("ascii")
    with open(path, "r+b") as fh:
        head = fh.read(_SAV_DATE_OFFSET + 17)
        found = head[_SAV_DATE_OFFSET:]
        if not (head[:4] == b"$FL2" and re.fullmatch(rb"\d\d [A-Z][a-z]{2} \d\d\d\d:\d\d:\d\d", found)):
            raise PeoError(
                f"{path}: the SPSS header has no creation date at byte {_SAV_DATE_OFFSET} ({found!r}); "
                "pyreadstat's file layout changed. Check _SAV_DATE_OFFSET in peo/synth.py."
            )
        fh.seek(_SAV_DATE_OFFSET)
        fh.write(stamp)


def _write_qualtrics(path: Path, rows: list[_Row], codebook: Codebook, rename: dict[str, str]) -> None:
    """Write the 2022 survey-tool export: UTF-8 with BOM, three header rows."""
    raw_name = {v: k for k, v in rename.items()}  # codebook id -> raw column (employer_type -> Q1)
    header1, header2, header3 = [], [], []
    for c in ADMIN_2022:
        text, imp = _QUALTRICS_ADMIN[c]
        header1.append(c)
        header2.append(text)
        header3.append(json.dumps(imp, separators=(",", ":")))
    qid = 2
    item_cols = []
    for item in codebook.items:
        if item.type == "multi":
            for c in item.response_scale.codes:
                header1.append(f"{raw_name.get(item.id, item.id)}_{c.code}")
                header2.append(f"{item.text_nl} - {c.nl}")
                header3.append(json.dumps({"ImportId": f"QID{qid}_{c.code}"}, separators=(",", ":")))
                item_cols.append(f"{item.id}_{c.code}")
        else:
            header1.append(raw_name.get(item.id, item.id))
            header2.append(item.text_nl)
            imp = {"ImportId": f"QID{qid}_TEXT" if item.type == "open" else f"QID{qid}"}
            header3.append(json.dumps(imp, separators=(",", ":")))
            item_cols.append(item.id)
        qid += 1
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerows([header1, header2, header3])
        for r in rows:
            end = r.start + dt.timedelta(seconds=r.duration)
            admin = [
                _fmt_time(r.start),
                _fmt_time(end),
                "0",
                r.admin["ip"],
                str(r.progress),
                str(r.duration),
                "1" if r.finished else "0",
                _fmt_time(end),
                r.rid,
                r.admin["last"],
                r.admin["first"],
                r.admin["email"],
                "1" if r.consent else "0",
            ]
            w.writerow(admin + [_fmt(r.values[c]) for c in item_cols])


def _write_plain(path: Path, rows: list[_Row], codebook: Codebook) -> None:
    """Write the 2023 plain export: cp1252, semicolon-separated, one header row."""
    items = codebook.raw_columns()
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(list(ADMIN_2023) + items)
        for r in rows:
            end = r.start + dt.timedelta(seconds=r.duration)
            admin = [
                str(r.rid),
                "ja" if r.consent else "nee",
                "1" if r.finished else "0",
                _fmt_time(r.start),
                _fmt_time(end),
                r.admin["ip"],
                f"{r.admin['first']} {r.admin['last']}",
                r.admin["email"],
            ]
            w.writerow(admin + [_fmt(r.values[c]) for c in items])


# --------------------------------------------------------------------------- API


def generate(out_dir: Path | None = None, seed: int = DEMO_SEED) -> list[Path]:
    """Write the three synthetic demo exports.

    Parameters
    ----------
    out_dir : Path, optional
        Folder to write into; each export goes to ``<out_dir>/<wave>/``. Default:
        ``data/raw`` (:func:`peo.paths.raw_dir`). Only the three export files are
        written; nothing else in the folder is touched.
    seed : int, optional
        Random seed (default :data:`DEMO_SEED`). Each wave draws from its own
        ``numpy.random.Generator`` derived from the seed and the wave id, so the same
        seed gives byte-identical files.

    Returns
    -------
    list of Path
        The written files, in wave order (2021, 2022, 2023).

    Raises
    ------
    ConfigError
        If a demo wave's ``wave.yml`` is missing, malformed, or does not match the
        synthetic export (file name, administrative columns); or if writing into
        ``data/raw`` would overwrite the export of a wave not marked ``synthetic: true``.
    CodebookError
        If a wave's codebooks cannot be read.
    PeoError
        If the SPSS header layout is not the expected one.
    """
    out = Path(out_dir) if out_dir is not None else paths.raw_dir()
    plans = []  # check every wave before writing anything
    for wave, spec in SPECS.items():
        cfg, codebook = _wave_config(wave)
        cfg_path = paths.raw_dir() / wave / "wave.yml"
        _check_config(spec, cfg, _ADMIN[wave], cfg_path)
        fw = _fieldwork(cfg, cfg_path)
        target = out / wave / spec.file
        if cfg.get("synthetic") is not True and target.resolve() == (paths.raw_dir() / wave / spec.file).resolve():
            raise ConfigError(
                f"{cfg_path} does not say 'synthetic: true', so {target} may be a real export (personal data); "
                "python -m peo synth will not overwrite it. Write the demo exports elsewhere with --out DIR."
            )
        plans.append((wave, spec, cfg, codebook, fw, target))
    written = []
    for wave, spec, cfg, codebook, fw, target in plans:
        rows = _build_rows(_rng(seed, wave), spec, codebook, fw)
        _write_export(wave, target, rows, codebook, cfg, fw)
        written.append(target)
    return written


def _fieldwork(cfg: dict, cfg_path: Path) -> tuple[dt.date, dt.date]:
    fw_cfg = cfg.get("fieldwork") or {}
    try:
        return dt.date.fromisoformat(str(fw_cfg["start"])), dt.date.fromisoformat(str(fw_cfg["end"]))
    except (KeyError, ValueError):
        raise ConfigError(f"{cfg_path}: fieldwork.start and fieldwork.end must be dates (YYYY-MM-DD).") from None


def _write_export(
    wave: str, target: Path, rows: list[_Row], codebook: Codebook, cfg: dict, fw: tuple[dt.date, dt.date]
) -> None:
    """Write one wave's rows in that wave's export shape (SPSS, survey-tool CSV, plain CSV)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if wave == "2021":
        _write_sav(target, rows, codebook, fw[1])
    elif wave == "2022":
        _write_qualtrics(target, rows, codebook, {str(k): str(v) for k, v in (cfg.get("rename") or {}).items()})
    else:
        _write_plain(target, rows, codebook)


#: The smallest wave :func:`generate_scaled` writes: below it the messy rows and the
#: planted details of the template no longer fit among the valid respondents.
MIN_SCALED = 500


def generate_scaled(
    out_dir: str | Path,
    wave_template: str = "2022",
    n: int = 10_000,
    seed: int = DEMO_SEED,
    wave_id: str | None = None,
) -> Path:
    """Write a large synthetic wave, for benchmarks: a demo wave scaled to ``n`` responses.

    The export has the shape, items, open questions and planted details of the demo wave
    ``wave_template``, with ``n`` rows. The rows cleaning must exclude (no consent,
    incomplete, duplicates, speeders, no employer type) keep their share of the demo
    export, and the optional answers set to missing keep their rate; the fixed handful of
    other messy values and planted identifying details stay a handful. The demo exports
    themselves (:func:`generate`) are not affected.

    Writes ``<out_dir>/<wave id>/``: the export, ``wave.yml`` (the template's, with the
    wave id, a title that says it is a scale test, and the population scaled with the
    number of valid respondents) and the wave's own codebooks from the template folder
    (``theme.yml``). Shared codebooks named by ``wave.yml`` (``core.yml``) are not copied:
    they are found in ``codebooks/`` of the root the wave is used in.

    Parameters
    ----------
    out_dir : path-like
        Folder to write the wave folder into, e.g. ``<root>/data/raw``.
    wave_template : {"2021", "2022", "2023"}, default "2022"
        The demo wave to scale; its ``wave.yml`` and codebooks are read from
        :func:`peo.paths.raw_dir`.
    n : int, default 10000
        Rows of the export (responses received, before cleaning); at least
        :data:`MIN_SCALED`. About 90% survive cleaning.
    seed : int, optional
        Random seed (default :data:`DEMO_SEED`); the same seed, template and ``n`` give
        the same export.
    wave_id : str, optional
        The id of the new wave (default: the template's id).

    Returns
    -------
    pathlib.Path
        The wave folder written.

    Raises
    ------
    ConfigError
        If ``wave_template`` is not a demo wave, ``n`` is below :data:`MIN_SCALED`, the
        template's ``wave.yml`` is missing or malformed or does not match its synthetic
        export, or the wave folder would be the template's own folder.
    CodebookError
        If the template's codebooks cannot be read.
    """
    if wave_template not in SPECS:
        raise ConfigError(f"There is no demo wave {wave_template!r} to scale; choose one of {', '.join(SPECS)}.")
    if int(n) < MIN_SCALED:
        raise ConfigError(f"A scaled wave needs at least {MIN_SCALED} responses, not {n}.")
    spec = SPECS[wave_template]
    cfg, codebook = _wave_config(wave_template)
    template_dir = paths.raw_dir() / wave_template
    cfg_path = template_dir / "wave.yml"
    _check_config(spec, cfg, _ADMIN[wave_template], cfg_path)
    fw = _fieldwork(cfg, cfg_path)
    new_id = str(wave_id) if wave_id is not None else str(cfg.get("id", wave_template))
    folder = Path(out_dir) / new_id
    if folder.resolve() == template_dir.resolve():
        raise ConfigError(
            f"generate_scaled would overwrite the demo wave in {template_dir}; write the scaled wave into another "
            "root's data/raw (out_dir)."
        )
    messy = ("n_no_consent", "n_incomplete", "n_exact_duplicates", "n_pattern_duplicates", "n_speeders", "n_no_group")
    total = spec.n_valid + sum(getattr(spec, f) for f in messy)
    counts = {f: max(1, round(getattr(spec, f) * int(n) / total)) for f in messy}
    scaled = dataclasses.replace(spec, n_valid=int(n) - sum(counts.values()), **counts)
    # the generator of the template wave (its id picks the planted details), from this seed and size
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(wave_template), int(n)]))
    rows = _build_rows(rng, scaled, codebook, fw)
    _write_export(wave_template, folder / spec.file, rows, codebook, cfg, fw)
    new_cfg = dict(cfg)
    new_cfg["id"] = new_id
    new_cfg["title"] = f"{cfg.get('title', wave_template)} (synthetische schaaltest, n = {int(n)})"
    if "title_en" in cfg:
        new_cfg["title_en"] = f"{cfg['title_en']} (synthetic scale test, n = {int(n)})"
    new_cfg["synthetic"] = True
    if cfg.get("population"):
        factor = scaled.n_valid / spec.n_valid
        new_cfg["population"] = {k: int(round(int(v) * factor)) for k, v in cfg["population"].items()}
    head = (
        f"# Synthetic scale test written by peo.ingest.synth.generate_scaled from demo wave {wave_template} "
        f"(n = {int(n)}, seed = {int(seed)}).\n"
    )
    (folder / "wave.yml").write_text(
        head + yaml.safe_dump(new_cfg, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for name in cfg.get("codebooks") or ():
        src = template_dir / str(name)
        if not Path(str(name)).is_absolute() and src.is_file():
            shutil.copyfile(src, folder / str(name))
    return folder


def main(args) -> int:
    """``python -m peo synth [--out DIR] [--seed N]``: write the demo exports and list them.

    Raises
    ------
    PeoError
        If the exports cannot be written (see :func:`generate`), or the output folder
        cannot be created or written to.
    """
    out = Path(args.out) if getattr(args, "out", None) else None
    seed = args.seed if getattr(args, "seed", None) is not None else DEMO_SEED
    try:
        files = generate(out, seed)
    except OSError as exc:
        raise PeoError(
            f"Could not write the synthetic exports to {out or paths.raw_dir()}: {exc}. "
            "Check that the folder exists and is writable, or pass another folder with --out."
        ) from None
    for f in files:
        print(f)
    if seed == DEMO_SEED and out is None:
        print("Checksums changed? Run `python -m peo manifest` to record them in data/raw/MANIFEST.sha256.")
    return 0
