"""The work with the client and the reporting, as the process plan tells it: questionnaires, FIA
summaries and plans, bibliotherapy, Försäkringskassan, budget and costs.
"""

import datetime

from interventions.models import (
    ContactKind,
    DeclineReason,
    FkOutcome,
    PartnerState,
    QuestionnaireItem,
    QuestionnaireKind,
)
from klientstod.models import ClosureOutcome as Out
from klientstod.models import MeetingKind, MeetingStatus
from reporting.models import (
    CostCategory,
)

# -- the people's places and the meetings' notes -------------------------------

#: city, postal codes, streets: fictional addresses in the municipality.
PLACES: list[tuple[str, list[str], list[str]]] = [
    ("Båstad", ["269 33", "269 35", "269 36"], ["Lärkvägen", "Ängsgatan", "Tallstigen"]),
    ("Förslöv", ["269 72", "269 73"], ["Bygatan", "Skolvägen", "Stationsgatan"]),
    ("Torekov", ["269 77"], ["Strandvägen", "Fiskargränd"]),
]
FOLLOWUP_RESULTS: dict[str, str] = {
    Out.WORK: "Har kvar anställningen, nu på 75 procent. Inget ekonomiskt bistånd längre.",
    Out.STUDIES: "Läser vidare på Komvux och har studiemedel. Trivs med studierna.",
}

HELD_NOTES: dict[str, list[str]] = {
    MeetingKind.FIRST: [
        "Första samtal: presentation av klientstöd och hur vi arbetar tillsammans.",
        "Första träff. Gick igenom samtycken och vad klienten vill få ut av stödet.",
    ],
    MeetingKind.ALLIANCE: [
        "Samtal om veckans struktur och mål inför praktik.",
        "Pratade om vad som fungerat sedan sist och om nästa steg.",
        "Gick igenom kontakterna med myndigheterna och planerade nästa vecka.",
        "Följde upp självskattningen och satte ett nytt delmål.",
        "Samtal om rutiner; klienten vill prova en fast aktivitetsdag i veckan.",
        "Förberedde mötet med Arbetsförmedlingen tillsammans.",
    ],
    MeetingKind.JOINT: [
        "Gemensamt möte med handläggare på Arbetsförmedlingen om nästa steg.",
        "Trepartssamtal med socialsekreterare; planen stämdes av.",
    ],
    MeetingKind.FOLLOW_UP: ["Uppföljning sex månader efter avslut."],
}
FIA_NOTES = [
    "FIA-samtal 1: social livssituation.",
    "FIA-samtal 2: mål och arbete.",
    "FIA-samtal 3: arbetsmarknadsinsatser och krav. Sammanfattning påbörjad.",
]
NOT_HELD_NOTES: dict[str, str] = {
    MeetingStatus.CANCELLED_BY_CLIENT: "Klienten lämnade återbud per telefon.",
    MeetingStatus.CANCELLED_BY_US: "Samordnaren sjuk; klienten meddelad per telefon.",
    MeetingStatus.REBOOKED: "Ombokat på klientens begäran.",
    MeetingStatus.NO_SHOW: "Klienten kom inte. Ringer upp för en ny tid.",
    MeetingStatus.INTERPRETER_MISSING: "Tolken kom inte; samtalet ställdes in.",
    MeetingStatus.THIRD_PARTY_MISSING: "Handläggaren kunde inte delta; mötet ställdes in.",
}

# -- the work with the client -------------------------------------------------

QK = QuestionnaireKind
SCALE, TEXT = QuestionnaireItem.Kind.SCALE, QuestionnaireItem.Kind.TEXT
SCALE_INSTRUCTIONS = (
    "Ringa in det som stämmer bäst för dig just nu: 1 betyder att det inte stämmer alls, "
    "5 att det stämmer helt."
)

#: kind, title, questions. The Klientstöd questionnaire is its first version.
QUESTIONNAIRES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        QK.KLIENTSTOD,
        "Självskattning Klientstöd",
        [
            ("Jag känner att samordnaren lyssnar på mig", SCALE),
            ("Jag vet vad nästa steg är för mig", SCALE),
            ("Jag orkar med min vardag", SCALE),
            ("Jag har någon att prata med när det är svårt", SCALE),
            ("Jag tror att jag kan nå mina mål", SCALE),
            ("Samarbetet mellan myndigheterna fungerar för mig", SCALE),
            ("Jag upplever delaktighet i planeringen av mina insatser", SCALE),
            ("Vad har varit viktigast för dig den senaste tiden?", TEXT),
        ],
    ),
    (
        QK.BIBLIOTHERAPY,
        "Självskattning biblioterapi",
        [
            ("Jag mår bra just nu", SCALE),
            ("Jag tycker om mig själv som jag är", SCALE),
            ("Jag tror att jag klarar det jag tar mig för", SCALE),
            ("Jag känner glädje när jag läser", SCALE),
            ("Jag trivs i gruppen", SCALE),
        ],
    ),
    (
        QK.WORK,
        "Självskattning arbete, praktik eller studier",
        [
            ("Jag trivs där jag är, på arbetet, praktiken eller i skolan", SCALE),
            ("Jag klarar de uppgifter jag får", SCALE),
            ("Jag får det stöd jag behöver på platsen", SCALE),
            ("Jag tror att det jag gör nu leder mig framåt", SCALE),
        ],
    ),
    (
        QK.CLOSURE,
        "Självskattning vid avslut",
        [
            ("Jag har fått det stöd jag behövde av klientsamordnaren", SCALE),
            ("Jag mår bättre nu än när jag började", SCALE),
            ("Jag har kommit närmare arbete, studier eller en trygg försörjning", SCALE),
            ("Myndigheterna har samarbetat bättre kring mig", SCALE),
            ("Jag vet vart jag ska vända mig om det blir svårt igen", SCALE),
            ("Vad vill du säga till oss om tiden i Klientstöd?", TEXT),
        ],
    ),
]
#: The clients found two questions hard to understand (the process plan says so):
#: the second version says them more simply. Position in the list -> new wording.
KLIENTSTOD_REVISED: dict[int, str] = {
    5: "De olika myndigheterna hjälper mig tillsammans",
    6: "Jag får vara med och bestämma om min plan",
}
#: About this many days ago the Klientstöd questionnaire was revised.
REVISED_DAYS_AGO = 70

FREE_TEXT_ANSWERS: dict[str, list[str]] = {
    QK.KLIENTSTOD: [
        "Att någon ringer och påminner mig om tiderna.",
        "Att jag fick hjälp med kontakten med Försäkringskassan.",
        "Att jag har börjat gå ut på promenad varje dag.",
        "Samtalen med samordnaren.",
        "Att jag vet vad som händer nu och vad som händer sen.",
        "Praktiken två dagar i veckan.",
        "Att jag inte behöver berätta allt från början för varje ny handläggare.",
        "Min familj.",
        "Att jag sover bättre.",
        "Att jag fick hjälp att läsa och förstå breven.",
    ],
    QK.CLOSURE: [
        "Att någon fanns där hela tiden, också när det gick dåligt.",
        "Jag önskar att det hade gått fortare med Försäkringskassan.",
        "Tack för att ni inte gav upp om mig.",
        "Det var bra att vi kunde träffas på biblioteket ibland.",
        "Mötena med alla myndigheter samtidigt var det som hjälpte mest.",
    ],
}

#: The summaries, own goals, assessments and plans of the completed FIA interviews:
#: the first two were held with an on-site interpreter. Plan rows: goal, sub-goal,
#: activity, who is responsible, weeks until the follow-up.
FiaText = tuple[dict[str, str], str, str, list[tuple[str, str, str, str, int]]]
FIA_TEXTS: list[FiaText] = [
    (
        {
            "housing": "Bor i en trerumslägenhet i Båstad med familjen. Trångt men tryggt.",
            "network": "Har släkt i Malmö men få kontakter i Båstad. Hälsar på grannarna ibland.",
            "physical_health": "Värk i rygg och axlar sedan flera år. Söker vårdcentralen när "
            "det blir för svårt men har ingen plan för behandling.",
            "mental_health": "Sover dåligt i perioder och oroar sig för ekonomin. Ingen "
            "kontakt med psykiatrin.",
            "finances": "Ekonomiskt bistånd sedan flera år. Vill kunna försörja familjen själv.",
            "daily_life": "Tar hand om hemmet och hämtar barnen på skolan. Promenerar gärna "
            "vid havet.",
            "work_goals": "Vill arbeta i ett kök, gärna på dagtid så att det går ihop med barnen.",
            "education": "Sex års skolgång i hemlandet. Har läst SFI till kurs B men avbröt.",
            "work_history": "Arbetade i flera år i familjens restaurang innan flykten. Ingen "
            "arbetserfarenhet i Sverige.",
            "support_needs": "Behöver stöd med språket, en praktikplats med handledare och "
            "hjälp att hålla ihop kontakterna med myndigheterna.",
        },
        "Att ha ett arbete i ett kök inom två år och att kunna prata svenska med barnens lärare.",
        "Klienten är motiverad och har arbetserfarenhet att bygga vidare på. Språket och värken "
        "är de största hindren. Språkpraktik i ett storkök via Arbetsförmedlingen tillsammans "
        "med SFI bedöms vara ett rimligt nästa steg, parallellt med att värken utreds.",
        [
            (
                "Arbete i ett storkök",
                "Språkpraktik två dagar i veckan",
                "Gemensamt möte med Arbetsförmedlingen och Arbetsmarknadsenheten om en "
                "praktikplats i Båstad.",
                "Arbetsförmedlingen",
                4,
            ),
            (
                "Bättre svenska",
                "Börja om på SFI kurs B",
                "Anmälan till vuxenutbildningen; samordnaren följer med på första besöket.",
                "Klienten",
                6,
            ),
            (
                "Mindre värk",
                "Utredning av rygg och axlar",
                "Tid hos läkare och fysioterapeut på vårdcentralen.",
                "Vårdcentralen",
                8,
            ),
            (
                "En plan som håller ihop",
                "Uppföljning varannan vecka",
                "Samtal varannan vecka och självskattning varannan månad.",
                "Klientsamordnaren",
                12,
            ),
        ],
    ),
    (
        {
            "housing": "Bor ensam i en lägenhet i Förslöv. Trivs men känner sig isolerad.",
            "network": "Har en syster i Helsingborg och några vänner från SFI.",
            "mental_health": "Mår bättre sedan samtalen hos kuratorn på vårdcentralen. Oro för "
            "familjen i hemlandet.",
            "finances": "Ekonomiskt bistånd. Har inga skulder.",
            "daily_life": "Tränar två gånger i veckan och lagar gärna mat till vänner.",
            "work_goals": "Vill bli undersköterska och arbeta i äldreomsorgen.",
            "education": "Gymnasieutbildning från hemlandet. SFI kurs D är klar.",
            "work_history": "Har arbetat som barnskötare i hemlandet. Ingen arbetserfarenhet "
            "i Sverige.",
            "strengths": "Noggrann, tycker om att hjälpa andra och lär sig snabbt.",
            "demands": "Förstår inte alltid vad myndigheterna kräver; breven är svåra att läsa.",
        },
        "Att gå vård- och omsorgsutbildningen på Komvux och sedan arbeta i äldreomsorgen.",
        "Klienten har goda förutsättningar att studera. Behöver stöd i svenska inom "
        "vårdutbildningen och hjälp att få studiemedel och kompletterande stöd att gå ihop.",
        [
            (
                "Utbildning till undersköterska",
                "Antagning till vård- och omsorgsutbildningen",
                "Ansökan till Komvux tillsammans med studie- och yrkesvägledaren.",
                "Klienten",
                3,
            ),
            (
                "En ekonomi som räcker under studierna",
                "Studiemedel och kompletterande stöd",
                "Ansöka om studiemedel; stämma av med socialtjänsten och Arbetsförmedlingen.",
                "Klientsamordnaren",
                5,
            ),
            (
                "Vårdsvenska",
                "Språkstöd under utbildningen",
                "Undersöka studiestöd i svenska inom yrkesutbildningen.",
                "Arbetsförmedlingen",
                10,
            ),
        ],
    ),
    (
        {
            "housing": "Hyr en etta i Båstad. Boendet är stabilt.",
            "network": "Har kontakt med sin mamma och en vän men har dragit sig undan andra.",
            "mental_health": "Återkommande nedstämdhet och social oro. Har samtal hos "
            "vårdcentralens psykolog.",
            "habits": "Har druckit för mycket i perioder tidigare; beskriver det som under "
            "kontroll nu.",
            "debts": "Skulder hos Kronofogden sedan flera år. Vill få en överblick.",
            "finances": "Ekonomiskt bistånd sedan fem år.",
            "daily_life": "Vänder på dygnet ibland. Tycker om att fiska och att laga cyklar.",
            "work_goals": "Vill arbeta med händerna, gärna utomhus: park, skog eller "
            "cykelverkstad.",
            "work_history": "Säsongsarbete på en golfbana och på lager för några år sedan.",
            "earlier_interventions": "Två avbrutna praktiker via Arbetsförmedlingen; heltid "
            "blev för mycket.",
            "support_needs": "En långsam start med få timmar och en handledare, och stöd med "
            "skulderna.",
        },
        "Att arbeta utomhus på deltid och att bli av med skulderna.",
        "Klienten vet vad hen vill och har erfarenhet av praktiskt arbete. Måendet och "
        "skulderna gör att starten behöver vara långsam. Arbetsträning några timmar i veckan "
        "med stöd från Arbetsförmedlingen och kommunen, och kontakt med skuldrådgivningen.",
        [
            (
                "Arbete utomhus",
                "Arbetsträning tio timmar i veckan",
                "Arbetsträning i kommunens parkverksamhet via Arbetsmarknadsenheten och "
                "Arbetsförmedlingen.",
                "Arbetsförmedlingen",
                4,
            ),
            (
                "Kontroll över ekonomin",
                "Kontakt med budget- och skuldrådgivningen",
                "Boka tid tillsammans och ta med breven från Kronofogden.",
                "Klientsamordnaren",
                3,
            ),
            (
                "Jämnare mående",
                "Fortsatta samtal hos psykologen",
                "Samtal varannan vecka på vårdcentralen.",
                "Vårdcentralen",
                8,
            ),
            (
                "En fast dygnsrytm",
                "Fasta tider tre dagar i veckan",
                "Väckarklocka och promenad före arbetsträningen.",
                "Klienten",
                6,
            ),
        ],
    ),
    (
        {
            "housing": "Bor hos en förälder i Torekov. Vill ha ett eget boende.",
            "home": "Bra relation till föräldern men trångt hemma.",
            "network": "Har några vänner från skolan som hen träffar på helgerna.",
            "physical_health": "Frisk.",
            "mental_health": "Har haft svårt att komma iväg på morgnarna sedan gymnasiet; "
            "ångest inför nya sammanhang.",
            "finances": "Ekonomiskt bistånd i hushållet.",
            "work_goals": "Vill arbeta i butik eller på ett lager och på sikt läsa klart "
            "gymnasiet.",
            "education": "Avbröt gymnasiet i årskurs två. Saknar betyg i tre kurser.",
            "strengths": "Bra på datorer och på att hjälpa kunder; har varit ideell i "
            "idrottsföreningen.",
        },
        "Att få betyg i de kurser som saknas och ett extrajobb i en butik.",
        "Klienten är ung och har god förmåga men behöver komma igång i små steg. Praktik i "
        "butik med stöd från Arbetsförmedlingen och Arbetsmarknadsenheten, och en kurs i "
        "taget på Komvux.",
        [
            (
                "Arbete i butik",
                "Praktik i en livsmedelsbutik i Båstad",
                "Gemensamt möte med Arbetsförmedlingen om praktik med handledare.",
                "Arbetsförmedlingen",
                3,
            ),
            (
                "Gymnasiebetyg",
                "En kurs i taget på Komvux",
                "Ansökan till svenska 2 på distans till nästa kursstart.",
                "Klienten",
                7,
            ),
            (
                "Komma iväg på morgonen",
                "Stöd mot oron inför nya sammanhang",
                "Samtal på vårdcentralen om ångesten.",
                "Vårdcentralen",
                5,
            ),
        ],
    ),
]

BIBLIOTHERAPY_PLACE = "Båstads bibliotek"
GROUP_NAME = "Läsgruppen hösten"
GROUP_THEMES = [
    "Dikter om att börja om",
    "En novell om vänskap",
    "Texter om havet och årstiderna",
    "Brev till mig själv om fem år",
    "Berättelser om mod",
    "Dikter om hemlängtan",
    "En saga för vuxna",
    "Att skriva om en plats man tycker om",
    "Avslutning: vad tar jag med mig?",
]
DECLINE_REASONS = [
    DeclineReason.HEALTH,
    DeclineReason.DISABILITY,
    DeclineReason.HARD_TO_MOTIVATE,
    DeclineReason.HEALTH,
    DeclineReason.DISABILITY,
    DeclineReason.HARD_TO_MOTIVATE,
]
DECLINE_NOTES: dict[str, str] = {
    DeclineReason.HEALTH: "Orkar inte just nu; vill vänta tills måendet är bättre.",
    DeclineReason.DISABILITY: "Klarar inte att vara i grupp.",
    DeclineReason.HARD_TO_MOTIVATE: "Tycker att ordet terapi låter fel och vill inte prova.",
}

#: FK outcomes of the applications for sickness or activity compensation, in the order
#: the applications are handed out (an ended case's rejection first).
FK_OUTCOMES = [
    FkOutcome.REJECTED,
    FkOutcome.REJECTED,
    FkOutcome.REJECTED,
    FkOutcome.REJECTION_EXPECTED,
    FkOutcome.APPLIED,
    FkOutcome.APPLIED,
]
FK_NOTES: dict[str, str] = {
    FkOutcome.APPLIED: "Ansökan om aktivitetsersättning skickad med nytt läkarintyg; "
    "väntar på beslut.",
    FkOutcome.GRANTED: "Sjukersättning beviljad.",
    FkOutcome.REJECTED: "Avslag. Planeringen fortsätter; samordnaren hjälper klienten att "
    "begära omprövning.",
    FkOutcome.REJECTION_EXPECTED: "Handläggaren har aviserat att underlaget troligen inte "
    "räcker. Läkarintyget kompletteras.",
}

# -- reporting ---------------------------------------------------------------

#: Granted per category, by year relative to this one; like the process plan's budget
#: table, each year a little more for the personnel.
BUDGET: dict[int, dict[str, int]] = {
    -1: {
        CostCategory.COORDINATOR: 603_000,
        CostCategory.BIBLIOTHERAPIST: 151_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
    0: {
        CostCategory.COORDINATOR: 620_000,
        CostCategory.BIBLIOTHERAPIST: 155_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
    1: {
        CostCategory.COORDINATOR: 638_000,
        CostCategory.BIBLIOTHERAPIST: 159_000,
        CostCategory.EDUCATION: 15_000,
        CostCategory.OTHER: 5_000,
    },
}
PERSONNEL: list[tuple[str, str]] = [
    (CostCategory.COORDINATOR, "Klientsamordnare 100 % tjänst"),
    (CostCategory.BIBLIOTHERAPIST, "Biblioterapeut 25 % tjänst"),
]
INTERPRETER_COST = "Tolk vid samtal med klienter (egen finansiering)"
#: The smaller costs of each tertial, by its number: category, description, amount range.
SMALL_COSTS: dict[int, tuple[str, str, int, int]] = {
    1: (
        CostCategory.OTHER,
        "Visitkort, kontors- och förbrukningsmaterial, IT och telefon",
        600,
        1_400,
    ),
    2: (CostCategory.EDUCATION, "Processarbetsutbildning för samordnaren", 8_000, 12_000),
    3: (CostCategory.OTHER, "Tjänsteresor till samverkansparterna", 900, 2_200),
}
#: Days from a tertial's end to its report, and from the report to the board meeting.
REPORT_AFTER = datetime.timedelta(days=14)
BOARD_AFTER = datetime.timedelta(days=21)
#: Days from today to the updated process plan the förbund has asked for.
PLAN_DUE_IN = datetime.timedelta(days=16)
BOARD = "Styrelsemöte i Samordningsförbundet NNV Skåne"

# -- interventions and samverkan ------------------------------------------------

INTERVENTION_NOTES: dict[str, str] = {
    "af": "Planering tillsammans med Arbetsförmedlingen och Arbetsmarknadsenheten: "
    "arbetsträning med handledare, några timmar i veckan till att börja med.",
    "af-ended": "Arbetsträningen avslutades enligt plan. Nästa steg planeras på ett "
    "gemensamt möte med Arbetsförmedlingen.",
    "studies": "Vård- och omsorgsutbildning på Komvux med studiemedel och "
    "kompletterande stöd från Arbetsförmedlingen och kommunen.",
    "work": "Arbetar deltid, 50 procent, i en livsmedelsbutik. Väntar på en "
    "utredning hos vårdcentralen inför en ansökan om aktivitetsersättning.",
    "health": "Samordning mellan vuxenpsykiatrin och socialtjänsten; "
    "samordnaren är med på vårdplaneringen.",
}
CK, PS = ContactKind, PartnerState
AF, AF_UNIT = "Arbetsförmedlingen", "Arbetsförmedlingen Ängelholm"
FK, FK_UNIT = "Försäkringskassan", "Lokalt försäkringscenter Helsingborg"
#: The client (first name, or None), partner, unit, days ago, kind, state, note.
Contact = tuple[str | None, str, str, int, str, str, str]
# fmt: off
PARTNER_CONTACTS: list[Contact] = [
    (None, "Region Skåne", "Capio Båstad", 170, CK.INFORMATION_MEETING, PS.ESTABLISHED,
     "Etablerad kontakt med verksamhetschefen och rehabkoordinatorn. Samordnaren kontaktar "
     "rehabkoordinatorn direkt när en klient behöver samverkan. Regelbundna samverkansmöten "
     "vill de ha om Försäkringskassan kan vara med."),
    (None, "Region Skåne", "VC Förslöv", 125, CK.INFORMATION_MEETING, PS.INFORMED,
     "Träffade verksamhetschefen och rehabkoordinatorn och informerade om Klientstöd och "
     "biblioterapi. De flesta listade bor i Ängelholms kommun; samordnaren kontaktar "
     "rehabkoordinatorn om en enskild klient behöver samverkan."),
    (None, "Region Skåne", "Vuxenpsykiatri Ängelholm", 12, CK.INFORMATION_MEETING,
     PS.AWAITING_REPLY, "Har sökt rehabkoordinatorn för allmänpsykiatrin för att få komma "
     "och informera om Klientstöd. Inget svar ännu; ringer igen nästa vecka."),
    (None, AF, AF_UNIT, 75, CK.INFORMATION_MEETING, PS.INFORMED,
     "Samordnaren och biblioterapeuten informerade arbetsförmedlarna om Klientstöd, "
     "remissvägen och biblioterapin."),
    (None, FK, FK_UNIT, 40, CK.INFORMATION_MEETING, PS.ESTABLISHED,
     "Informerade handläggarna som arbetar mot Båstad. Etablerad kontakt med enhetschefen; "
     "handläggarna hör av sig om klienter som kan passa."),
]
CASE_CONTACTS: list[Contact] = [
    ("Anna", AF, AF_UNIT, 125, CK.CASE_CONSULTATION, PS.ESTABLISHED,
     "Stämde av med arbetsförmedlaren vilken arbetsträning som kan passa efter FIA-intervjun."),
    ("Fatima", AF, AF_UNIT, 140, CK.JOINT_PLANNING, PS.ESTABLISHED,
     "Gemensam planering med klienten, arbetsförmedlaren och Arbetsmarknadsenheten. Nästa "
     "avstämning om sex veckor."),
    ("Mikael", FK, FK_UNIT, 20, CK.CASE_CONSULTATION, PS.ESTABLISHED,
     "Gick igenom avslaget med handläggaren och vad en begäran om omprövning behöver "
     "innehålla."),
    ("Peter", "Region Skåne", "Capio Båstad", 15, CK.CASE_CONSULTATION, PS.ESTABLISHED,
     "Pratade med rehabkoordinatorn om ett kompletterande läkarintyg till Försäkringskassan."),
]
# fmt: on
