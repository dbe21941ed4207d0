"""Fixed reference data of the sandbox: products, funds, names, places and texts.

The generator draws from these tables; nothing here is random. Product codes are the stable
keys every simulated system and test uses. A502/A509/X058/1400 are Telebib2 code lists; the
codes marked "sandbox choice" are plausible values that domain.md does not list.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sandbox.world import DocumentType, Family, Language, Product

# Products

NN_STRATEGY = "nn-strategy"
SCALA_VAPZ = "scala-vapz"
SCALA_IPT = "scala-ipt"
SCALA_EXECUTIVE = "scala-executive"
SCALA_POZ = "scala-poz"
LIFE_PLAN = "life-plan"
PENSION_SAVINGS = "pension-savings"
LONG_TERM_SAVINGS = "long-term-savings"
STAR_INVEST = "star-invest"
DEATH_COVER = "death-cover"
GUARANTEED_INCOME = "guaranteed-income"
CAR = "car"
CAR_LEGACY = "car-legacy"
MOTORCYCLE = "motorcycle"
HOME = "home"
FAMILY_LIABILITY = "family-liability"
PRIVATE_ACCIDENT = "private-accident"
LEGAL_ASSISTANCE = "legal-assistance"
BICYCLE = "bicycle"
HUNTING_LIABILITY = "hunting-liability"

_LIFE = Family.LIFE
_NONLIFE = Family.NONLIFE

PRODUCTS: dict[str, Product] = {
    p.code: p
    for p in (
        Product(NN_STRATEGY, "NN Strategy", _LIFE, "120", "23", unit_linked=True),
        Product(SCALA_VAPZ, "Scala VAPZ", _LIFE, "140", "23", "15", unit_linked=True),
        Product(SCALA_IPT, "Scala IPT", _LIFE, "166", "23", "16", unit_linked=True),
        Product(SCALA_EXECUTIVE, "Scala Executive", _LIFE, "140", "23", "16", unit_linked=True),
        Product(SCALA_POZ, "Scala POZ", _LIFE, "140", "23", "21", unit_linked=True),
        Product(LIFE_PLAN, "NN Life Plan", _LIFE, "110", "21"),
        Product(PENSION_SAVINGS, "NN Pension Savings Plan", _LIFE, "110", "21", "6"),
        Product(LONG_TERM_SAVINGS, "NN Long-Term Savings Plan", _LIFE, "110", "21", "4"),
        Product(STAR_INVEST, "Star Invest Plan", _LIFE, "120", "23", unit_linked=True),
        Product(DEATH_COVER, "Death Cover", _LIFE, "130", "21"),  # A502: sandbox choice
        Product(GUARANTEED_INCOME, "Guaranteed Income", _LIFE, "221", "21"),
        Product(CAR, "Car Insurance", _NONLIFE, "510", "10a"),
        Product(CAR_LEGACY, "Car Insurance (classic)", _NONLIFE, "510", "10a", legacy=True),
        Product(MOTORCYCLE, "Motorcycle Insurance", _NONLIFE, "542", "10a"),
        Product(HOME, "Home Insurance", _NONLIFE, "310", "08"),
        Product(FAMILY_LIABILITY, "Family Liability", _NONLIFE, "410", "13"),
        Product(PRIVATE_ACCIDENT, "Private-Life Accident", _NONLIFE, "610", "01a"),  # A502: choice
        Product(LEGAL_ASSISTANCE, "Legal Assistance", _NONLIFE, "962", "17"),
        Product(BICYCLE, "Bicycle Insurance", _NONLIFE, "590", "08"),  # A502: sandbox choice
        Product(HUNTING_LIABILITY, "Hunting Liability", _NONLIFE, "420", "13"),  # A502: choice
    )
}

MOBILE_PRODUCTS = frozenset({NN_STRATEGY, SCALA_VAPZ, SCALA_IPT, SCALA_EXECUTIVE, SCALA_POZ})
SCALA_PRODUCTS = frozenset({SCALA_VAPZ, SCALA_IPT, SCALA_EXECUTIVE, SCALA_POZ})
BRANCH21_PRODUCTS = frozenset(
    {LIFE_PLAN, PENSION_SAVINGS, LONG_TERM_SAVINGS, DEATH_COVER, GUARANTEED_INCOME}
)

# Funds (F5): name, starting NAV, yearly drift, yearly volatility, initial SRI


class FundSpec(NamedTuple):
    name: str
    start_nav: Decimal
    drift: float
    volatility: float
    sri: int
    decimals: int


FUNDS: tuple[FundSpec, ...] = (
    FundSpec("NN (L) Global Equity Opportunities", Decimal("412.50"), 0.07, 0.15, 5, 2),
    FundSpec("NN (L) Euro Equity", Decimal("189.30"), 0.06, 0.17, 5, 2),
    FundSpec("NN (L) US Enhanced Core Concentrated", Decimal("842.10"), 0.09, 0.18, 5, 2),
    FundSpec("NN (L) Emerging Markets Equity", Decimal("58.72"), 0.04, 0.21, 6, 2),
    FundSpec("NN (L) Japan Equity", Decimal("3211.00"), 0.05, 0.19, 6, 2),
    FundSpec("NN (L) Global Sustainable Equity", Decimal("512.84"), 0.08, 0.15, 5, 2),
    FundSpec("NN (L) Health Care", Decimal("1204.55"), 0.06, 0.14, 5, 2),
    FundSpec("NN (L) Information Technology", Decimal("2350.40"), 0.11, 0.23, 6, 2),
    FundSpec("NN (L) Energy Transition", Decimal("96.18"), 0.05, 0.22, 6, 2),
    FundSpec("NN (L) Food & Beverages", Decimal("845.60"), 0.04, 0.12, 5, 2),
    FundSpec("NN (L) Euro Fixed Income", Decimal("512.3021"), 0.01, 0.04, 2, 4),
    FundSpec("NN (L) Euro Credit", Decimal("702.1145"), 0.015, 0.05, 3, 4),
    FundSpec("NN (L) Green Bond", Decimal("48.8812"), 0.01, 0.05, 3, 4),
    FundSpec("NN (L) Emerging Markets Debt", Decimal("4521.3300"), 0.03, 0.09, 4, 4),
    FundSpec("NN (L) Euro Sustainable Credit", Decimal("251.4410"), 0.012, 0.045, 3, 4),
    FundSpec("NN (L) Liquid Euro", Decimal("245.118"), 0.02, 0.004, 1, 3),
    FundSpec("NN Strategy Defensive", Decimal("121.45"), 0.025, 0.06, 3, 2),
    FundSpec("NN Strategy Balanced", Decimal("143.82"), 0.045, 0.09, 4, 2),
    FundSpec("NN Strategy Dynamic", Decimal("165.07"), 0.06, 0.12, 4, 2),
    FundSpec("NN Strategy Aggressive", Decimal("178.96"), 0.07, 0.15, 5, 2),
    FundSpec("NN Strategy Global Real Estate", Decimal("77.31"), 0.035, 0.16, 5, 2),
    FundSpec("NN Strategy Climate & Environment", Decimal("104.62"), 0.06, 0.17, 5, 2),
    FundSpec("NN Strategy Smart Connectivity", Decimal("132.19"), 0.08, 0.2, 6, 2),
    FundSpec("NN Strategy Patrimonial Defensive", Decimal("1042.381"), 0.02, 0.05, 3, 3),
    FundSpec("NN Strategy Patrimonial Balanced", Decimal("1188.904"), 0.04, 0.08, 4, 3),
    FundSpec("NN Strategy Patrimonial Growth", Decimal("1301.227"), 0.055, 0.11, 4, 3),
    FundSpec("Scala Pension Defensive", Decimal("31.8845"), 0.02, 0.05, 3, 4),
    FundSpec("Scala Pension Neutral", Decimal("36.2210"), 0.035, 0.08, 4, 4),
    FundSpec("Scala Pension Dynamic", Decimal("41.0932"), 0.05, 0.11, 4, 4),
    FundSpec("Scala Pension Equity", Decimal("47.6021"), 0.065, 0.15, 5, 4),
    FundSpec("Scala Pension Euro Bonds", Decimal("27.4407"), 0.01, 0.045, 3, 4),
    FundSpec("Scala Pension Sustainable Mix", Decimal("33.9018"), 0.04, 0.09, 4, 4),
    FundSpec("Star Invest Global Balanced", Decimal("118.34"), 0.04, 0.09, 4, 2),
    FundSpec("Star Invest Global Growth", Decimal("139.72"), 0.06, 0.13, 5, 2),
    FundSpec("Star Invest Income", Decimal("98.615"), 0.02, 0.05, 3, 3),
    FundSpec("Star Invest Belgian Equity", Decimal("212.48"), 0.05, 0.16, 5, 2),
    FundSpec("Star Invest Small Caps Europe", Decimal("86.93"), 0.06, 0.2, 6, 2),
    FundSpec("Star Invest Infrastructure", Decimal("109.27"), 0.045, 0.12, 5, 2),
    FundSpec("Star Invest Commodities", Decimal("64.11"), 0.02, 0.24, 6, 2),
    FundSpec("Star Invest Convertible Bonds", Decimal("152.3318"), 0.025, 0.07, 3, 4),
    FundSpec("Star Invest Frontier Markets", Decimal("41.56"), 0.04, 0.26, 7, 2),
    FundSpec("Star Invest Digital Assets Tracker", Decimal("23.88"), 0.08, 0.45, 7, 2),
    FundSpec("Star Invest Money Market", Decimal("101.2245"), 0.02, 0.003, 1, 4),
    FundSpec("Star Invest Inflation Linked", Decimal("112.9076"), 0.015, 0.06, 3, 4),
)

# Which funds a product invests in, by name prefix.
FUND_FAMILIES: dict[str, tuple[str, ...]] = {
    NN_STRATEGY: ("NN (L)", "NN Strategy"),
    SCALA_VAPZ: ("Scala Pension",),
    SCALA_IPT: ("Scala Pension",),
    SCALA_EXECUTIVE: ("Scala Pension",),
    SCALA_POZ: ("Scala Pension",),
    STAR_INVEST: ("Star Invest",),
}

# People

FIRST_NAMES: dict[Language, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # (male, female)
    Language.NL: (
        (
            "Jan",
            "Pieter",
            "Lucas",
            "Bart",
            "Koen",
            "Wouter",
            "Tom",
            "Jeroen",
            "Stijn",
            "Thomas",
            "Arne",
            "Jens",
            "Dirk",
            "Geert",
            "Luc",
            "Marc",
            "Wim",
            "Sander",
            "Ruben",
            "Lars",
            "Noah",
            "Vincent",
            "Frederik",
            "Joris",
            "Maarten",
            "Kris",
            "Hendrik",
        ),
        (
            "An",
            "Els",
            "Sofie",
            "Lotte",
            "Katrien",
            "Griet",
            "Liesbeth",
            "Ine",
            "Marieke",
            "Eva",
            "Hanne",
            "Lien",
            "Femke",
            "Nele",
            "Veerle",
            "Leen",
            "Anke",
            "Sarah",
            "Emma",
            "Julie",
            "Fien",
            "Kato",
            "Ellen",
            "Annelies",
            "Inge",
            "Karolien",
        ),
    ),
    Language.FR: (
        (
            "Jean",
            "Pierre",
            "Louis",
            "Nicolas",
            "Julien",
            "Olivier",
            "François",
            "Philippe",
            "Michel",
            "Antoine",
            "Maxime",
            "Benoît",
            "Laurent",
            "Thierry",
            "Alain",
            "Hugo",
            "Arnaud",
            "Sébastien",
            "Cédric",
            "Guillaume",
            "Quentin",
            "Gilles",
            "Damien",
        ),
        (
            "Marie",
            "Sophie",
            "Isabelle",
            "Catherine",
            "Nathalie",
            "Julie",
            "Camille",
            "Aurélie",
            "Céline",
            "Valérie",
            "Anne",
            "Charlotte",
            "Manon",
            "Chloé",
            "Pauline",
            "Émilie",
            "Florence",
            "Véronique",
            "Élise",
            "Lucie",
            "Mathilde",
            "Sandrine",
        ),
    ),
    Language.EN: (
        ("James", "Oliver", "George", "William", "Henry", "Daniel", "Matthew", "Andrew"),
        ("Emily", "Olivia", "Charlotte", "Amelia", "Grace", "Hannah", "Jessica", "Laura"),
    ),
    Language.DE: (
        ("Jürgen", "Stefan", "Markus", "Andreas", "Tobias", "Matthias", "Florian", "Uwe"),
        ("Sabine", "Anja", "Katrin", "Petra", "Ursula", "Monika", "Franziska", "Heike"),
    ),
}

LAST_NAMES: dict[Language, tuple[str, ...]] = {
    Language.NL: (
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
        "Vermeulen",
        "Van den Bossche",
        "De Clercq",
        "Verstraete",
        "Van Damme",
        "Declercq",
        "Pauwels",
        "Hermans",
        "Aerts",
        "Michiels",
        "Smets",
        "Vandenberghe",
        "De Wilde",
        "Coppens",
        "Van de Velde",
        "Verhoeven",
        "Vermeiren",
        "De Backer",
        "Lambrechts",
        "Segers",
        "Van Acker",
        "Desmet",
        "Cools",
        "Verbeke",
    ),
    Language.FR: (
        "Dubois",
        "Lambert",
        "Dupont",
        "Martin",
        "Simon",
        "Laurent",
        "Leclercq",
        "Lejeune",
        "Renard",
        "Dumont",
        "Lemaire",
        "François",
        "Gérard",
        "Mathieu",
        "Denis",
        "Collard",
        "Charlier",
        "Fontaine",
        "Henrard",
        "Lecomte",
        "Masson",
        "Piette",
        "Thiry",
        "Delvaux",
        "Wauters",
        "Gilson",
        "Noël",
        "Remy",
        "Hubert",
        "Baudoux",
        "Marchal",
        "Jacquet",
    ),
    Language.EN: ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes"),
    Language.DE: ("Müller", "Schmitz", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann"),
}

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")


class City(NamedTuple):
    postcode: str
    name: str
    language: Language


CITIES: tuple[City, ...] = (
    City("2000", "Antwerpen", Language.NL),
    City("2018", "Antwerpen", Language.NL),
    City("2800", "Mechelen", Language.NL),
    City("2300", "Turnhout", Language.NL),
    City("9000", "Gent", Language.NL),
    City("9300", "Aalst", Language.NL),
    City("9100", "Sint-Niklaas", Language.NL),
    City("8000", "Brugge", Language.NL),
    City("8400", "Oostende", Language.NL),
    City("8500", "Kortrijk", Language.NL),
    City("8800", "Roeselare", Language.NL),
    City("3000", "Leuven", Language.NL),
    City("3500", "Hasselt", Language.NL),
    City("3600", "Genk", Language.NL),
    City("1800", "Vilvoorde", Language.NL),
    City("1700", "Dilbeek", Language.NL),
    City("1000", "Brussel", Language.NL),
    City("1030", "Schaarbeek", Language.NL),
    City("1000", "Bruxelles", Language.FR),
    City("1050", "Ixelles", Language.FR),
    City("1180", "Uccle", Language.FR),
    City("1200", "Woluwe-Saint-Lambert", Language.FR),
    City("1300", "Wavre", Language.FR),
    City("1348", "Louvain-la-Neuve", Language.FR),
    City("1400", "Nivelles", Language.FR),
    City("4000", "Liège", Language.FR),
    City("4800", "Verviers", Language.FR),
    City("5000", "Namur", Language.FR),
    City("6000", "Charleroi", Language.FR),
    City("7000", "Mons", Language.FR),
    City("7500", "Tournai", Language.FR),
    City("6700", "Arlon", Language.FR),
    City("4700", "Eupen", Language.DE),
    City("4780", "Sankt Vith", Language.DE),
)

STREETS: dict[Language, tuple[str, ...]] = {
    Language.NL: (
        "Kerkstraat",
        "Stationsstraat",
        "Dorpsstraat",
        "Molenstraat",
        "Schoolstraat",
        "Nieuwstraat",
        "Kapelstraat",
        "Beekstraat",
        "Veldstraat",
        "Lindenlaan",
        "Kastanjelaan",
        "Grote Markt",
        "Bosstraat",
        "Hoogstraat",
        "Meersstraat",
        "Lange Kievitstraat",
        "Vlaanderenstraat",
        "Brusselsesteenweg",
        "Leopoldlaan",
    ),
    Language.FR: (
        "Rue de la Station",
        "Rue de l'Église",
        "Chaussée de Bruxelles",
        "Avenue Louise",
        "Rue du Moulin",
        "Place Saint-Lambert",
        "Rue des Écoles",
        "Avenue des Tilleuls",
        "Rue Haute",
        "Rue du Château",
        "Boulevard d'Avroy",
        "Rue de Namur",
        "Avenue de Tervueren",
        "Rue Neuve",
        "Chemin des Prés",
        "Rue de la Loi",
    ),
    Language.DE: ("Hauptstraße", "Kirchstraße", "Bahnhofstraße", "Aachener Straße"),
}


class DutchCity(NamedTuple):
    name: str
    low: int
    high: int


DUTCH_CITIES: tuple[DutchCity, ...] = (
    DutchCity("Amsterdam", 1011, 1109),
    DutchCity("Rotterdam", 3011, 3089),
    DutchCity("Utrecht", 3511, 3585),
    DutchCity("Maastricht", 6211, 6229),
    DutchCity("Eindhoven", 5611, 5658),
    DutchCity("Breda", 4811, 4839),
)
DUTCH_STREETS = ("Keizersgracht", "Oudegracht", "Stationsweg", "Wilhelminastraat", "Dorpsweg")

# Brokers and companies

BROKER_NAMES = (
    "Verzekeringen Peeters",
    "Assurances Dubois",
    "Kantoor Claes & Co",
    "Bureau Lambert",
    "Van Damme Verzekeringen",
    "Cabinet Lejeune",
    "Maes Insurance Partners",
    "Assurances du Centre",
    "Verzekeringskantoor De Smet",
    "Courtage Renard",
    "Wouters & Vermeulen",
    "Assurances Collard",
    "Hermans Verzekeringen",
    "Fontaine Courtage",
    "Aerts Advies",
    "Gilson Assurances",
    "Kantoor Van Acker",
    "Bureau Thiry",
    "Segers & Partners",
    "Assurances Marchal",
    "De Wilde Verzekeringen",
    "Cabinet Piette",
    "Lambrechts Verzekeringen",
    "Charlier & Fils",
    "Verbeke Advies",
    "Assurances Hubert",
    "Coppens Verzekeringen",
    "Courtage Mathieu",
    "Goossens Financial Planning",
    "Assurances Delvaux",
    "Smets Verzekeringen",
    "Jacquet Assurances",
    "Cools & Desmet",
    "Kantoor Vandenberghe",
)

COMPANY_STEMS = (
    "Bouwbedrijf",
    "Bakkerij",
    "Architectenbureau",
    "Tandartspraktijk",
    "Advocatenkantoor",
    "Boekhoudkantoor",
    "Dakwerken",
    "Elektro",
    "Schrijnwerkerij",
    "Garage",
    "Apotheek",
    "Consult",
    "IT Services",
    "Transport",
    "Kinesitherapie",
    "Dierenartsenpraktijk",
)
COMPANY_STEMS_FR = (
    "Construction",
    "Boulangerie",
    "Bureau d'architecture",
    "Cabinet dentaire",
    "Cabinet d'avocats",
    "Fiduciaire",
    "Toitures",
    "Électricité",
    "Menuiserie",
    "Garage",
    "Pharmacie",
    "Conseil",
    "Informatique",
    "Transports",
    "Kinésithérapie",
)
LEGAL_FORMS: dict[Language, tuple[str, ...]] = {
    Language.NL: ("BV", "BV", "BV", "NV", "CommV", "CV"),
    Language.FR: ("SRL", "SRL", "SRL", "SA", "SComm", "SC"),
    Language.DE: ("GmbH", "AG"),
    Language.EN: ("BV",),
}

# Vehicles: make, models, world manufacturer identifier


class Make(NamedTuple):
    name: str
    models: tuple[str, ...]
    wmi: str


CAR_MAKES: tuple[Make, ...] = (
    Make("Volkswagen", ("Golf", "Polo", "Passat", "Tiguan", "ID.3"), "WVW"),
    Make("BMW", ("118i", "320d", "X1", "iX3"), "WBA"),
    Make("Renault", ("Clio", "Mégane", "Captur", "Zoe"), "VF1"),
    Make("Peugeot", ("208", "308", "3008", "e-2008"), "VF3"),
    Make("Toyota", ("Yaris", "Corolla", "C-HR", "RAV4"), "SB1"),
    Make("Volvo", ("XC40", "XC60", "V60"), "YV1"),
    Make("Škoda", ("Octavia", "Fabia", "Enyaq", "Kodiaq"), "TMB"),
    Make("Kia", ("Niro", "Ceed", "Sportage", "EV6"), "KNA"),
    Make("Mercedes-Benz", ("A 180", "C 200", "GLA 200", "EQA"), "WDD"),
    Make("Tesla", ("Model 3", "Model Y"), "LRW"),
    Make("Citroën", ("C3", "C4", "Berlingo"), "VF7"),
)
MOTORCYCLE_MAKES: tuple[Make, ...] = (
    Make("Honda", ("CB500F", "NC750X", "Africa Twin"), "JH2"),
    Make("Yamaha", ("MT-07", "Tracer 9", "XSR700"), "JYA"),
    Make("BMW Motorrad", ("R 1250 GS", "F 900 R"), "WB1"),
    Make("Kawasaki", ("Z650", "Versys 650"), "JKA"),
    Make("Triumph", ("Trident 660", "Tiger 900"), "SMT"),
)

# Non-life coverages (X058) and their texts by language


def _t(nl: str, fr: str, en: str, de: str | None = None) -> dict[Language, str]:
    return {Language.NL: nl, Language.FR: fr, Language.EN: en, Language.DE: de or en}


COVERAGE_NAMES: dict[str, dict[Language, str]] = {
    "310": _t("Brand", "Incendie", "Fire", "Feuer"),
    "312": _t("Storm en hagel", "Tempête et grêle", "Storm and hail", "Sturm und Hagel"),
    "340": _t("Waterschade", "Dégâts des eaux", "Water damage", "Wasserschaden"),
    "350": _t("Glasbreuk", "Bris de vitrage", "Glass breakage", "Glasbruch"),
    "360": _t("Diefstal", "Vol", "Theft", "Diebstahl"),
    "411": _t("Familiale aansprakelijkheid", "RC familiale", "Family liability"),
    "420": _t("Aansprakelijkheid jacht", "RC chasse", "Hunting liability"),
    "510": _t("BA motorrijtuigen", "RC automobile", "Motor liability", "Kfz-Haftpflicht"),
    "540": _t("Volledige omnium", "Omnium complète", "Full omnium", "Vollkasko"),
    "550": _t("Kleine omnium", "Mini-omnium", "Partial omnium", "Teilkasko"),
    "590": _t("Fietsverzekering", "Assurance vélo", "Bicycle cover", "Fahrradversicherung"),
    "610": _t("Ongevallen privéleven", "Accidents vie privée", "Private-life accident"),
    "960": _t("Rechtsbijstand", "Protection juridique", "Legal assistance", "Rechtsschutz"),
}

COVERAGE_EXCLUSIONS: dict[str, tuple[dict[Language, str], ...]] = {
    "310": (
        _t(
            "Schade door langzame inwerking van vocht.",
            "Les dommages dus à l'action lente de l'humidité.",
            "Damage from the slow action of damp.",
        ),
        _t(
            "Gebouwen in opbouw of afbraak.",
            "Les bâtiments en construction ou en démolition.",
            "Buildings under construction or being demolished.",
        ),
    ),
    "312": (
        _t(
            "Schade aan tuinmeubelen en zonnepanelen die niet vast zijn bevestigd.",
            "Les dommages au mobilier de jardin et aux panneaux solaires non fixés.",
            "Damage to garden furniture and solar panels not firmly fixed.",
        ),
    ),
    "340": (
        _t(
            "Herstelling van de leiding zelf.",
            "La réparation de la conduite elle-même.",
            "Repair of the pipe itself.",
        ),
        _t(
            "Insijpeling van grondwater.",
            "L'infiltration d'eau souterraine.",
            "Seepage of groundwater.",
        ),
    ),
    "350": (
        _t(
            "Krassen en schilfers.",
            "Les rayures et écaillements.",
            "Scratches and chips.",
        ),
    ),
    "360": (
        _t(
            "Diefstal zonder braak uit een niet-afgesloten woning.",
            "Le vol sans effraction dans une habitation non fermée à clé.",
            "Theft without break-in from an unlocked home.",
        ),
        _t(
            "Contant geld boven 1.250 EUR.",
            "Les espèces au-delà de 1.250 EUR.",
            "Cash above EUR 1,250.",
        ),
    ),
    "411": (
        _t(
            "Schade veroorzaakt met opzet door een meerderjarige verzekerde.",
            "Les dommages causés intentionnellement par un assuré majeur.",
            "Damage caused intentionally by an adult insured.",
        ),
        _t(
            "Schade veroorzaakt door motorrijtuigen.",
            "Les dommages causés par des véhicules automoteurs.",
            "Damage caused by motor vehicles.",
        ),
    ),
    "420": (
        _t(
            "Schade aan gewassen door wild.",
            "Les dégâts causés aux cultures par le gibier.",
            "Damage to crops caused by game.",
        ),
    ),
    "510": (
        _t(
            "Deelname aan snelheidswedstrijden.",
            "La participation à des courses de vitesse.",
            "Taking part in speed races.",
        ),
    ),
    "540": (
        _t(
            "Besturen onder invloed van alcohol of drugs.",
            "La conduite sous l'influence d'alcool ou de drogues.",
            "Driving under the influence of alcohol or drugs.",
        ),
        _t(
            "Normale slijtage en mechanische pech.",
            "L'usure normale et les pannes mécaniques.",
            "Normal wear and mechanical breakdown.",
        ),
    ),
    "550": (
        _t(
            "Schade door een ongeval in fout.",
            "Les dommages résultant d'un accident en tort.",
            "Damage from an at-fault accident.",
        ),
    ),
    "590": (
        _t(
            "Diefstal van een fiets die niet met een goedgekeurd slot was vastgemaakt.",
            "Le vol d'un vélo non attaché avec un cadenas agréé.",
            "Theft of a bicycle not locked with an approved lock.",
        ),
    ),
    "610": (
        _t(
            "Ongevallen tijdens gevaarlijke sporten zoals parachutespringen.",
            "Les accidents lors de sports dangereux comme le parachutisme.",
            "Accidents during dangerous sports such as parachuting.",
        ),
    ),
    "960": (
        _t(
            "Geschillen over echtscheiding.",
            "Les litiges relatifs au divorce.",
            "Disputes about divorce.",
        ),
        _t(
            "Geschillen met een waarde onder 350 EUR.",
            "Les litiges d'une valeur inférieure à 350 EUR.",
            "Disputes worth less than EUR 350.",
        ),
    ),
}

CONTRACT_EXCLUSIONS: tuple[dict[Language, str], ...] = (
    _t(
        "Schade door oorlog, oproer of terrorisme buiten de wettelijke dekking.",
        "Les dommages dus à la guerre, aux émeutes ou au terrorisme hors couverture légale.",
        "Damage from war, riots or terrorism beyond the statutory cover.",
    ),
    _t(
        "Schade door kernrisico's.",
        "Les dommages dus aux risques nucléaires.",
        "Damage from nuclear risks.",
    ),
    _t(
        "Opzettelijk veroorzaakte schade.",
        "Les dommages causés intentionnellement.",
        "Damage caused intentionally.",
    ),
)

# Fire capitals follow the ABEX index (published twice a year; sandbox approximations).
ABEX: tuple[tuple[date, Decimal], ...] = (
    (date(2015, 11, 1), Decimal("744")),
    (date(2016, 11, 1), Decimal("756")),
    (date(2017, 11, 1), Decimal("770")),
    (date(2018, 11, 1), Decimal("787")),
    (date(2019, 11, 1), Decimal("805")),
    (date(2020, 11, 1), Decimal("818")),
    (date(2021, 11, 1), Decimal("888")),
    (date(2022, 11, 1), Decimal("969")),
    (date(2023, 11, 1), Decimal("1004")),
    (date(2024, 11, 1), Decimal("1021")),
)

# Beneficiary clauses (life)

CLAUSES: dict[Language, tuple[str, ...]] = {
    Language.NL: (
        "de echtgeno(o)t(e), bij ontstentenis de kinderen in gelijke delen",
        "de wettige erfgenamen",
        "de kinderen in gelijke delen",
    ),
    Language.FR: (
        "le conjoint, à défaut les enfants par parts égales",
        "les héritiers légaux",
        "les enfants par parts égales",
    ),
    Language.EN: (
        "the spouse, failing that the children in equal shares",
        "the legal heirs",
        "the children in equal shares",
    ),
    Language.DE: (
        "der Ehepartner, ersatzweise die Kinder zu gleichen Teilen",
        "die gesetzlichen Erben",
        "die Kinder zu gleichen Teilen",
    ),
}

# Documents (D2) and notifications

DOCUMENT_TITLES: dict[DocumentType, dict[Language, str]] = {
    DocumentType.PREMIUM_PROOF: _t(
        "Attest premiebetaling {year}",
        "Attestation de paiement des primes {year}",
        "Proof of premium payment {year}",
        "Bescheinigung der Prämienzahlung {year}",
    ),
    DocumentType.TAX_CERTIFICATE: _t(
        "Fiscaal attest {year}",
        "Attestation fiscale {year}",
        "Tax certificate {year}",
        "Steuerbescheinigung {year}",
    ),
    DocumentType.ANNUAL_STATEMENT: _t(
        "Jaaroverzicht {year}",
        "Relevé annuel {year}",
        "Annual statement {year}",
        "Jahresübersicht {year}",
    ),
    DocumentType.POLICY: _t(
        "Bijzondere voorwaarden",
        "Conditions particulières",
        "Policy schedule",
        "Besondere Bedingungen",
    ),
    DocumentType.GREEN_CARD: _t(
        "Groene kaart {year}",
        "Carte verte {year}",
        "Green card {year}",
        "Grüne Karte {year}",
    ),
    DocumentType.CLAIMS_HISTORY: _t(
        "Schadeattest",
        "Attestation de sinistralité",
        "Claims-history certificate",
        "Schadenverlaufsbescheinigung",
    ),
}

NOTIFICATIONS: tuple[tuple[str, dict[Language, str], dict[Language, str]], ...] = (
    (
        "document",
        _t("Nieuw document", "Nouveau document", "New document", "Neues Dokument"),
        _t(
            "Er staat een nieuw document voor u klaar.",
            "Un nouveau document est disponible.",
            "A new document is available for you.",
            "Ein neues Dokument steht für Sie bereit.",
        ),
    ),
    (
        "payment",
        _t("Premie ontvangen", "Prime reçue", "Premium received", "Prämie erhalten"),
        _t(
            "We hebben uw premiebetaling goed ontvangen.",
            "Nous avons bien reçu le paiement de votre prime.",
            "We have received your premium payment.",
            "Wir haben Ihre Prämienzahlung erhalten.",
        ),
    ),
    (
        "contract",
        _t("Contract gewijzigd", "Contrat modifié", "Contract updated", "Vertrag geändert"),
        _t(
            "Er is een wijziging aan uw contract doorgevoerd.",
            "Une modification a été apportée à votre contrat.",
            "A change was made to your contract.",
            "An Ihrem Vertrag wurde eine Änderung vorgenommen.",
        ),
    ),
    (
        "info",
        _t("Nieuw in de app", "Nouveau dans l'app", "New in the app", "Neu in der App"),
        _t(
            "Bekijk nu de evolutie van uw reserve per maand.",
            "Consultez maintenant l'évolution mensuelle de votre réserve.",
            "You can now follow your reserve month by month.",
            "Verfolgen Sie jetzt Ihre Reserve Monat für Monat.",
        ),
    ),
)
