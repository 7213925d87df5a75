"""The open answers of the synthetic waves: Dutch sentence fragments with planted details.

Open answers are built from the fragment pools of each open item (:data:`OPEN_POOLS`). The
invented identifying details of ``peo/data/demo_pii.yml`` (:data:`PII`) are spread over the
waves and planted in valid respondents' answers, as are answers with HTML and spreadsheet
formulas, so that de-identification and the publication scan have something to find.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from peo.ingest.synth.waves import WAVES, WaveSpec
from peo.survey.codebook import Codebook
from peo.yamltext import load_yaml

__all__ = ["PII", "OPEN_POOLS", "open_text", "open_answers", "pii_assignments", "plant"]


def _load_pii() -> dict[str, list[str]]:
    text = resources.files("peo").joinpath("data/demo_pii.yml").read_text(encoding="utf-8")
    return {str(k): [str(v) for v in vals] for k, vals in load_yaml(text).items()}


PII: dict[str, list[str]] = _load_pii()
"""The invented identifying details planted in the open answers (``peo/data/demo_pii.yml``)."""


OPEN_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
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


def open_text(rng: np.random.Generator, item_id: str) -> str:
    """One short Dutch open answer (1-3 sentences) from the item's fragment pool."""
    pool = OPEN_POOLS.get(item_id, _OPEN_GENERIC)
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


def open_answers(rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, rows: list[dict]) -> None:
    """Fill the open items of the given respondents in place (``open_rate`` answer)."""
    open_items = [i.id for i in codebook.by_type("open")]
    if not open_items:
        return
    for r in rows:
        if len(open_items) > 1:
            # several open questions (2023): most who answer one answer all of them
            if rng.random() < spec.open_rate:
                for iid in open_items:
                    r[iid] = open_text(rng, iid) if rng.random() < 0.93 else None
        else:
            iid = open_items[0]
            r[iid] = open_text(rng, iid) if rng.random() < spec.open_rate else None


def pii_assignments() -> dict[str, list[tuple[str, str]]]:
    """Spread the demo_pii.yml entries over the waves, round robin, in file order."""
    entries = [(kind, value) for kind, values in PII.items() for value in values]
    out: dict[str, list[tuple[str, str]]] = {w: [] for w in WAVES}
    for n, e in enumerate(entries):
        out[WAVES[n % len(WAVES)]].append(e)
    return out


def plant(rng: np.random.Generator, codebook: Codebook, spec: WaveSpec, valid: list[dict]) -> None:
    """Plant this wave's identifying details and special answers in valid respondents' open answers."""
    open_items = [i.id for i in codebook.by_type("open")]
    if not open_items:
        return
    order = [int(i) for i in rng.permutation(len(valid))]
    pos = 0
    for kind, value in pii_assignments()[spec.wave]:
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
