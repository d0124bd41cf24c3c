"""The referral side of the demo: who refers, why, the people declined or waiting, the questions
asked.
"""

import datetime
from dataclasses import dataclass

from devtools.demo.people import (
    M,
    W,
)
from referrals.models import (
    NotRelevantReason,
)

# -- referrals -------------------------------------------------------------

#: Organisation, unit and a fictional caseworker, for referrals that came on paper.
PAPER_SOURCES: list[tuple[str, str, str]] = [
    ("Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm", "Henrik Wallin"),
    ("Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm", "Sanna Eriksson"),
    ("Försäkringskassan", "Lokalt försäkringscenter Helsingborg", "Ulrika Strand"),
    ("Region Skåne", "VC Förslöv", "Magnus Öberg"),
    ("Region Skåne", "Vuxenpsykiatri Ängelholm", "Therese Lundin"),
    ("Region Skåne", "Capio Båstad", "Jenny Blom"),
]
AF, AF2, FK, VC, PSYK, CAPIO = range(len(PAPER_SOURCES))

REFERRAL_REASONS = [
    "Har haft ekonomiskt bistånd i flera år och kommer inte vidare på egen hand. "
    "Behöver samordnat stöd från kommunen och Arbetsförmedlingen.",
    "Långvarig arbetslöshet och psykisk ohälsa. Flera kontakter som inte hänger ihop; "
    "klienten tycker själv att det är svårt att hålla reda på alla handläggare.",
    "Har varit sjukskriven länge och har nu ekonomiskt bistånd. Oklart vad hen klarar; "
    "behöver en kartläggning innan nästa steg.",
    "Ung vuxen utan fullständig gymnasieutbildning som har svårt att komma igång med "
    "aktiviteter. Behöver någon som följer hen över tid.",
    "Har provat flera insatser som avbrutits. Vill själv ha hjälp att hitta en väg mot "
    "arbete eller studier.",
    "Isolerad och har tappat strukturen i vardagen. Behöver stöd för att orka delta i "
    "insatser hos Arbetsförmedlingen.",
]
REFERRAL_EXPECTATIONS = [
    "En FIA-kartläggning och en gemensam plan med Arbetsförmedlingen och socialtjänsten.",
    "Regelbundna samtal och hjälp att samordna kontakterna med myndigheterna.",
    "Stöd att komma vidare till praktik eller studier i klientens takt.",
    "Att reda ut arbetsförmågan tillsammans med vården och Försäkringskassan.",
    "Motivation och struktur; gärna biblioterapi om klienten vill.",
]
TRIED_BEFORE = [
    "",
    "Arbetsmarknadsenhetens jobbspår, avbrutet efter två månader.",
    "Praktik via Arbetsförmedlingen 2 dagar i veckan; avslutad i förtid.",
    "Samtalskontakt på vårdcentralen under ett halvår.",
    "Komvux, svenska för invandrare; avbrutet.",
]


@dataclass(frozen=True)
class ReferredSpec:
    """A fictional person referred but not (yet) taken on."""

    first_name: str
    last_name: str
    gender: str
    age: int
    paper: int | None  # index into PAPER_SOURCES; None: sent by the demo referrer
    reason: str
    not_relevant: str = ""  # a NotRelevantReason; empty while the referral waits
    note: str = ""
    language: str = "svenska"
    interpreter: bool = False
    enhanced_collaboration: bool = False
    holds_slot: bool = False


Why = NotRelevantReason
DECLINED: list[ReferredSpec] = [
    ReferredSpec(
        "Sara",
        "Lundgren",
        W,
        34,
        None,
        "Ekonomiskt bistånd i två år efter en separation. Behöver stöd att komma ut i arbete.",
        Why.WORK,
        "Har fått en tillsvidareanställning i hemtjänsten från nästa månad. "
        "Erbjudandet står kvar om behovet kommer tillbaka.",
    ),
    ReferredSpec(
        "Robert",
        "Sandberg",
        M,
        51,
        PSYK,
        "Långvarig psykisk ohälsa och ekonomiskt bistånd. Behöver samordning mellan "
        "psykiatrin och kommunen.",
        Why.ILLNESS,
        "Inlagd för vård och behöver i första hand vård och rehabilitering. "
        "Ny remiss kan skickas när han mår bättre.",
    ),
    ReferredSpec(
        "Noor",
        "Al-Sayed",
        W,
        29,
        AF,
        "Har varit inskriven på Arbetsförmedlingen länge utan att komma vidare.",
        Why.OTHER_INTERVENTION,
        "Har just börjat i en arbetsmarknadsutbildning via Arbetsförmedlingen. "
        "Två insatser samtidigt blir för mycket; vi stämmer av efter utbildningen.",
    ),
    ReferredSpec(
        "Daniel",
        "Mattsson",
        M,
        27,
        AF2,
        "Inskriven sedan tre år, avbrutna aktiviteter. Behöver någon som följer honom över tid.",
        Why.NOT_MOTIVATED,
        "Vid informationssamtalet ville han inte delta just nu. Han vet att han kan höra av "
        "sig själv eller via sin handläggare.",
    ),
    ReferredSpec(
        "Helena",
        "Björk",
        W,
        45,
        None,
        "Ekonomiskt bistånd sedan sjukpenningen tog slut. Oklar arbetsförmåga.",
        Why.OTHER,
        "Flyttar till Halmstad vid månadsskiftet och hör då inte längre till målgruppen.",
    ),
    ReferredSpec(
        "Kristoffer",
        "Dahl",
        M,
        38,
        FK,
        "Sjukpenning och aktivitetsstöd omväxlande; behöver samordning mellan parterna.",
        Why.OTHER,
        "Ingår i förstärkt samarbete mellan Försäkringskassan och Arbetsförmedlingen och kan "
        "inte registreras i SUS för två insatser samtidigt.",
        enhanced_collaboration=True,
    ),
    ReferredSpec(
        "Ida",
        "Fransson",
        W,
        24,
        None,
        "Ung vuxen med ekonomiskt bistånd, saknar gymnasieexamen.",
        Why.WORK,
        "Har fått sommarjobb som går över i en visstidsanställning. Hon hör av sig om det "
        "behövs stöd längre fram.",
    ),
    ReferredSpec(
        "Mohamed",
        "Warsame",
        M,
        42,
        VC,
        "Långvarig smärtproblematik och ekonomiskt bistånd. Behöver samordning med vården.",
        Why.ILLNESS,
        "Sjukskriven på heltid efter en operation; läkaren bedömer att det är för tidigt för "
        "aktiviteter. Ny remiss efter rehabiliteringen.",
        "somaliska",
        True,
    ),
]
#: The declined person who has been referred again, and why.
REREFERRED = 3
REREFERRAL_REASON = (
    "Har själv frågat efter Klientstöd igen och är nu motiverad att komma igång. "
    "Tidigare remiss från Arbetsförmedlingen bedömdes inte aktuell."
)
WAITING: list[ReferredSpec] = [
    ReferredSpec(
        "Patrik",
        "Wiklund",
        M,
        48,
        FK,
        "Sjukpenning i snart två år och nu ekonomiskt bistånd. Behöver samordning mellan parterna.",
        enhanced_collaboration=True,
    ),
    ReferredSpec(
        "Rania",
        "Khalil",
        W,
        35,
        None,
        "Ekonomiskt bistånd i fyra år. Vill arbeta men har svårt att komma vidare med "
        "språket och saknar nätverk.",
        language="arabiska",
        interpreter=True,
    ),
    ReferredSpec(
        "Viktor",
        "Åberg",
        M,
        22,
        None,
        "Ung vuxen som avbrutit gymnasiet och sitter mest hemma. Har ekonomiskt bistånd "
        "sedan ett år.",
        holds_slot=True,
    ),
]
#: Times a referrer may pick for the first meeting.
SLOT_TIMES = [datetime.time(10, 0), datetime.time(13, 0)]
FREE_SLOTS = 5

CONSULTATIONS: list[tuple[str, str, str | None]] = [
    (
        "Passar Klientstöd en person med lång sjukskrivning?",
        "Hej! Jag har en klient, kvinna i 40-årsåldern, som har varit sjukskriven i snart två "
        "år och nu har ekonomiskt bistånd sedan sjukpenningen tog slut. Hon vill komma vidare "
        "men orkar inte heltid. Kan hon vara aktuell, eller behöver hon vara friskskriven först?",
        "Hej! Hon behöver inte vara friskskriven. Klientstöd är till för den som behöver stöd "
        "från flera parter, och vi går i hennes takt. Med hennes samtycke bjuder vi in "
        "Försäkringskassan och vårdcentralen till ett gemensamt möte och börjar med en "
        "FIA-kartläggning. Skicka gärna en remiss när hon har sagt ja.",
    ),
    (
        "Kan en person i SAMSYN remitteras?",
        "Hej, en av mina klienter följs i SAMSYN mellan Arbetsförmedlingen och ekonomiskt "
        "bistånd. Kan hen remitteras till Klientstöd samtidigt, eller måste det ena avslutas "
        "först?",
        None,
    ),
]

INFORMATION_OFFER = """\
Klientstöd ger klienten en egen klientsamordnare som följer personen över tid, i hens egen \
takt. Samordnaren träffar klienten regelbundet, håller ihop kontakterna med myndigheterna och \
stöttar mot arbete, studier eller rätt ersättning.

Vi börjar ofta med en FIA-kartläggning (Förutsättningar inför arbete, Socialstyrelsens \
samtalsmetod) för att tillsammans se vad som hindrar och vad som hjälper.

Klientsamordnaren samordnar stödet med Arbetsförmedlingen, Försäkringskassan, Region Skåne och \
kommunen, till exempel i gemensamma möten där klienten och handläggarna planerar nästa steg \
tillsammans.

Klienten kan också erbjudas biblioterapi: samtal kring texter i en liten grupp med bibliotekets \
biblioterapeut, för att stärka självkänslan och hitta nya perspektiv.

Klientstöd drivs av Båstads kommun och finansieras av Samordningsförbundet NNV Skåne."""

INFORMATION_TARGET_GROUP = """\
Båstadsbor som länge har levt på ekonomiskt bistånd eller annan offentlig försörjning och som \
behöver stöd från två eller flera av parterna (Arbetsförmedlingen, Båstads kommun, \
Försäkringskassan och Region Skåne) för att komma närmare arbete, studier och egen försörjning.

Personer som ingår i det förstärkta samarbetet mellan Försäkringskassan och Arbetsförmedlingen \
kan inte delta samtidigt, eftersom de då skulle registreras dubbelt i SUS. Ange det i remissen \
om du är osäker."""

INFORMATION_HOW_TO_REFER = """\
1. Berätta för klienten om Klientstöd och fråga om hen samtycker till remissen.
2. Fyll i remissen här i Klientstöd. Välj gärna en av de lediga tiderna för ett första samtal.
3. Klientsamordnaren går igenom remissen inom två veckor. Klienten får ett välkomstbrev hem med \
tid och plats för det första samtalet; tolk bokas vid behov.
4. Passar Klientstöd inte just nu får klienten ett brev om det, och du ser skälet i remissen. \
Erbjudandet står kvar och en ny remiss kan skickas senare.

Är du osäker på om Klientstöd passar? Ställ en fråga som konsultation, utan namn eller \
personnummer, så svarar klientsamordnaren."""
