"""Labels of the public enums in nl, fr, en and de (S3), and the Accept-Language choice."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bff.domain.products import ProductLine
from bff.domain.records import (
    ContractStatus,
    CustomerKind,
    DocumentType,
    Family,
    Guarantee,
    Language,
    MandateRole,
    NotificationCategory,
    PartyRole,
    PaymentFrequency,
    Product,
    TaxRegime,
    TransactionType,
)

_Texts = tuple[str, str, str, str]  # nl, fr, en, de
_ORDER = (Language.NL, Language.FR, Language.EN, Language.DE)

_CONTRACT_STATUS: dict[StrEnum, _Texts] = {
    ContractStatus.ACTIVE: ("In voege", "En vigueur", "In force", "In Kraft"),
    ContractStatus.IN_ACCEPTANCE: (
        "In aanvaarding",
        "En cours d'acceptation",
        "In acceptance",
        "In Annahmeprüfung",
    ),
    ContractStatus.SURRENDERED: ("Afgekocht", "Racheté", "Surrendered", "Zurückgekauft"),
    ContractStatus.EXPIRED: ("Vervallen", "Échu", "Expired", "Abgelaufen"),
    ContractStatus.CANCELLED: ("Opgezegd", "Résilié", "Cancelled", "Gekündigt"),
    ContractStatus.SUSPENDED: ("Geschorst", "Suspendu", "Suspended", "Ruhend"),
}

_PRODUCT: dict[StrEnum, _Texts] = {
    Product.NN_STRATEGY: ("NN Strategy", "NN Strategy", "NN Strategy", "NN Strategy"),
    Product.SCALA_VAPZ: ("Scala VAPZ", "Scala PLCI", "Scala VAPZ", "Scala FZPS"),
    Product.SCALA_IPT: ("Scala IPT", "Scala EIP", "Scala IPT", "Scala IPZ"),
    Product.SCALA_EXECUTIVE: (
        "Scala Executive",
        "Scala Executive",
        "Scala Executive",
        "Scala Executive",
    ),
    Product.SCALA_POZ: ("Scala POZ", "Scala CPTI", "Scala POZ", "Scala PVS"),
    Product.LIFE_PLAN: (
        "Levensverzekering tak 21",
        "Assurance vie branche 21",
        "Branch 21 life plan",
        "Lebensversicherung Zweig 21",
    ),
    Product.PENSION_SAVINGS: (
        "Pensioensparen",
        "Épargne-pension",
        "Pension savings",
        "Pensionssparen",
    ),
    Product.LONG_TERM_SAVINGS: (
        "Langetermijnsparen",
        "Épargne à long terme",
        "Long-term savings",
        "Langfristiges Sparen",
    ),
    Product.INVESTMENT_PLAN: (
        "Beleggingsverzekering tak 23",
        "Assurance placement branche 23",
        "Branch 23 investment plan",
        "Anlageversicherung Zweig 23",
    ),
    Product.DEATH_COVER: (
        "Overlijdensverzekering",
        "Assurance décès",
        "Death cover",
        "Todesfallversicherung",
    ),
    Product.GUARANTEED_INCOME: (
        "Gewaarborgd inkomen",
        "Revenu garanti",
        "Guaranteed income",
        "Einkommensgarantie",
    ),
    Product.CAR: ("Autoverzekering", "Assurance auto", "Car insurance", "Kfz-Versicherung"),
    Product.CAR_LEGACY: (
        "Autoverzekering (klassiek)",
        "Assurance auto (classique)",
        "Car insurance (classic)",
        "Kfz-Versicherung (klassisch)",
    ),
    Product.MOTORCYCLE: (
        "Motorverzekering",
        "Assurance moto",
        "Motorcycle insurance",
        "Motorradversicherung",
    ),
    Product.HOME: (
        "Woningverzekering",
        "Assurance habitation",
        "Home insurance",
        "Wohnversicherung",
    ),
    Product.FAMILY_LIABILITY: (
        "Familiale verzekering",
        "RC familiale",
        "Family liability",
        "Familienhaftpflicht",
    ),
    Product.PRIVATE_ACCIDENT: (
        "Ongevallen privéleven",
        "Accidents vie privée",
        "Private-life accident",
        "Unfälle im Privatleben",
    ),
    Product.LEGAL_ASSISTANCE: (
        "Rechtsbijstand",
        "Protection juridique",
        "Legal assistance",
        "Rechtsschutz",
    ),
    Product.BICYCLE: (
        "Fietsverzekering",
        "Assurance vélo",
        "Bicycle insurance",
        "Fahrradversicherung",
    ),
    Product.HUNTING_LIABILITY: ("BA jacht", "RC chasse", "Hunting liability", "Jagdhaftpflicht"),
    Product.OTHER: ("Ander product", "Autre produit", "Other product", "Anderes Produkt"),
}

_PRODUCT_LINE: dict[StrEnum, _Texts] = {
    ProductLine.INVESTMENT: ("Beleggen", "Placement", "Investment", "Geldanlage"),
    ProductLine.PENSION: ("Pensioen", "Pension", "Pension", "Altersvorsorge"),
    ProductLine.SAVINGS: ("Sparen", "Épargne", "Savings", "Sparen"),
    ProductLine.DEATH_COVER: (
        "Overlijdensdekking",
        "Couverture décès",
        "Death cover",
        "Todesfallschutz",
    ),
    ProductLine.GUARANTEED_INCOME: (
        "Gewaarborgd inkomen",
        "Revenu garanti",
        "Guaranteed income",
        "Einkommensgarantie",
    ),
    ProductLine.CAR: ("Auto", "Auto", "Car", "Auto"),
    ProductLine.MOTORCYCLE: ("Motor", "Moto", "Motorcycle", "Motorrad"),
    ProductLine.FIRE: ("Brand", "Incendie", "Fire", "Feuer"),
    ProductLine.FAMILY_LIABILITY: (
        "Familiale aansprakelijkheid",
        "RC familiale",
        "Family liability",
        "Familienhaftpflicht",
    ),
    ProductLine.ACCIDENT: ("Ongevallen", "Accidents", "Accident", "Unfall"),
    ProductLine.LEGAL_ASSISTANCE: (
        "Rechtsbijstand",
        "Protection juridique",
        "Legal assistance",
        "Rechtsschutz",
    ),
    ProductLine.BICYCLE: ("Fiets", "Vélo", "Bicycle", "Fahrrad"),
    ProductLine.OTHER_LIABILITY: (
        "Andere aansprakelijkheid",
        "Autre responsabilité civile",
        "Other liability",
        "Sonstige Haftpflicht",
    ),
    ProductLine.OTHER: ("Andere", "Autre", "Other", "Sonstige"),
}

_FAMILY: dict[StrEnum, _Texts] = {
    Family.LIFE: ("Leven", "Vie", "Life", "Leben"),
    Family.NONLIFE: ("Niet-leven", "Non-vie", "Non-life", "Nicht-Leben"),
}

_PARTY_ROLE: dict[StrEnum, _Texts] = {
    PartyRole.POLICYHOLDER: (
        "Verzekeringnemer",
        "Preneur d'assurance",
        "Policyholder",
        "Versicherungsnehmer",
    ),
    PartyRole.CO_POLICYHOLDER: (
        "Medeverzekeringnemer",
        "Co-preneur d'assurance",
        "Co-policyholder",
        "Mitversicherungsnehmer",
    ),
    PartyRole.INSURED: ("Verzekerde", "Assuré", "Insured", "Versicherte Person"),
    PartyRole.BENEFICIARY: ("Begunstigde", "Bénéficiaire", "Beneficiary", "Begünstigter"),
    PartyRole.BENEFICIARY_LIFE: (
        "Begunstigde bij leven",
        "Bénéficiaire en cas de vie",
        "Beneficiary in case of life",
        "Begünstigter im Erlebensfall",
    ),
    PartyRole.BENEFICIARY_DEATH: (
        "Begunstigde bij overlijden",
        "Bénéficiaire en cas de décès",
        "Beneficiary in case of death",
        "Begünstigter im Todesfall",
    ),
    PartyRole.DRIVER: ("Bestuurder", "Conducteur", "Driver", "Fahrer"),
    PartyRole.OWNER: ("Eigenaar", "Propriétaire", "Owner", "Eigentümer"),
    PartyRole.INTERMEDIARY: ("Tussenpersoon", "Intermédiaire", "Intermediary", "Vermittler"),
}

_PAYMENT_FREQUENCY: dict[StrEnum, _Texts] = {
    PaymentFrequency.NONE: ("Geen premie", "Pas de prime", "No premium", "Keine Prämie"),
    PaymentFrequency.YEARLY: ("Jaarlijks", "Annuelle", "Yearly", "Jährlich"),
    PaymentFrequency.HALF_YEARLY: ("Halfjaarlijks", "Semestrielle", "Half-yearly", "Halbjährlich"),
    PaymentFrequency.QUARTERLY: (
        "Driemaandelijks",
        "Trimestrielle",
        "Quarterly",
        "Vierteljährlich",
    ),
    PaymentFrequency.MONTHLY: ("Maandelijks", "Mensuelle", "Monthly", "Monatlich"),
    PaymentFrequency.SINGLE: ("Eenmalige premie", "Prime unique", "Single premium", "Einmalprämie"),
    PaymentFrequency.FREE: (
        "Vrije stortingen",
        "Versements libres",
        "Free payments",
        "Freie Zahlungen",
    ),
}

_TAX_REGIME: dict[StrEnum, _Texts] = {
    TaxRegime.LONG_TERM_SAVINGS: (
        "Langetermijnsparen",
        "Épargne à long terme",
        "Long-term savings",
        "Langfristiges Sparen",
    ),
    TaxRegime.PENSION_SAVINGS: (
        "Pensioensparen",
        "Épargne-pension",
        "Pension savings",
        "Pensionssparen",
    ),
    TaxRegime.VAPZ: (
        "Vrij aanvullend pensioen voor zelfstandigen (VAPZ)",
        "Pension libre complémentaire pour indépendants (PLCI)",
        "Free supplementary pension for the self-employed (VAPZ)",
        "Freie Zusatzpension für Selbständige (FZPS)",
    ),
    TaxRegime.IPT: (
        "Individuele pensioentoezegging (IPT)",
        "Engagement individuel de pension (EIP)",
        "Individual pension commitment (IPT)",
        "Individuelle Pensionszusage (IPZ)",
    ),
    TaxRegime.POZ: (
        "Pensioenovereenkomst voor zelfstandigen (POZ)",
        "Convention de pension pour travailleurs indépendants (CPTI)",
        "Pension agreement for the self-employed (POZ)",
        "Pensionsvereinbarung für Selbständige (PVS)",
    ),
    TaxRegime.OTHER: (
        "Ander fiscaal stelsel",
        "Autre régime fiscal",
        "Other tax regime",
        "Andere Steuerregelung",
    ),
}

_TRANSACTION_TYPE: dict[StrEnum, _Texts] = {
    TransactionType.PREMIUM: (
        "Premiebetaling",
        "Paiement de prime",
        "Premium payment",
        "Prämienzahlung",
    ),
    TransactionType.SURRENDER: ("Afkoop", "Rachat", "Surrender", "Rückkauf"),
    TransactionType.PARTIAL_SURRENDER: (
        "Gedeeltelijke afkoop",
        "Rachat partiel",
        "Partial surrender",
        "Teilrückkauf",
    ),
    TransactionType.SWITCH: (
        "Switch tussen fondsen",
        "Transfert entre fonds",
        "Switch between funds",
        "Fondswechsel",
    ),
    TransactionType.AUTO_SWITCH_STOP_LOSS: (
        "Automatische switch: dynamische stop loss",
        "Transfert automatique : stop loss dynamique",
        "Automatic switch: dynamic stop loss",
        "Automatischer Fondswechsel: dynamischer Stop-Loss",
    ),
    TransactionType.AUTO_SWITCH_SECURE_GAINS: (
        "Automatische switch: veiligstellen van meerwaarden",
        "Transfert automatique : sécurisation des plus-values",
        "Automatic switch: securing capital gains",
        "Automatischer Fondswechsel: Sicherung von Kursgewinnen",
    ),
    TransactionType.AUTO_SWITCH_DRIP_FEED: (
        "Automatische switch: gespreide instap",
        "Transfert automatique : investissement progressif",
        "Automatic switch: drip feed",
        "Automatischer Fondswechsel: schrittweiser Einstieg",
    ),
    TransactionType.AUTO_SWITCH_PROFIT_DYNAMISATION: (
        "Automatische switch: dynamisering van de winstdeelname",
        "Transfert automatique : dynamisation de la participation bénéficiaire",
        "Automatic switch: dynamisation of profit sharing",
        "Automatischer Fondswechsel: Dynamisierung der Gewinnbeteiligung",
    ),
    TransactionType.RISK_PREMIUM: (
        "Afhouding risicopremies",
        "Prélèvement des primes de risque",
        "Withdrawal of risk premiums",
        "Entnahme der Risikoprämien",
    ),
    TransactionType.TRANSFER: ("Overdracht", "Transfert de réserve", "Transfer", "Übertragung"),
    TransactionType.ADVANCE_LEVY: (
        "Afhouding anticipatieve heffing",
        "Prélèvement de la taxe anticipative",
        "Withdrawal of the advance levy",
        "Entnahme der vorgezogenen Steuer",
    ),
    TransactionType.PROFIT_SHARING: (
        "Toekenning winstdeelname",
        "Attribution de participation bénéficiaire",
        "Allocation of profit sharing",
        "Zuteilung der Gewinnbeteiligung",
    ),
    TransactionType.ADVANCE: ("Voorschot", "Avance", "Advance", "Vorschuss"),
}

_GUARANTEE: dict[StrEnum, _Texts] = {
    Guarantee.FIRE: ("Brand", "Incendie", "Fire", "Feuer"),
    Guarantee.STORM_HAIL: (
        "Storm en hagel",
        "Tempête et grêle",
        "Storm and hail",
        "Sturm und Hagel",
    ),
    Guarantee.WATER_DAMAGE: ("Waterschade", "Dégâts des eaux", "Water damage", "Wasserschaden"),
    Guarantee.GLASS: ("Glasbreuk", "Bris de vitrage", "Glass breakage", "Glasbruch"),
    Guarantee.THEFT: ("Diefstal", "Vol", "Theft", "Diebstahl"),
    Guarantee.FAMILY_LIABILITY: (
        "Familiale aansprakelijkheid",
        "RC familiale",
        "Family liability",
        "Familienhaftpflicht",
    ),
    Guarantee.HUNTING_LIABILITY: ("BA jacht", "RC chasse", "Hunting liability", "Jagdhaftpflicht"),
    Guarantee.MOTOR_LIABILITY: ("BA auto", "RC auto", "Motor liability", "Kfz-Haftpflicht"),
    Guarantee.FULL_OMNIUM: ("Volledige omnium", "Omnium complète", "Full omnium", "Vollkasko"),
    Guarantee.PARTIAL_OMNIUM: (
        "Beperkte omnium",
        "Omnium partielle",
        "Partial omnium",
        "Teilkasko",
    ),
    Guarantee.LEGAL_ASSISTANCE: (
        "Rechtsbijstand",
        "Protection juridique",
        "Legal assistance",
        "Rechtsschutz",
    ),
    Guarantee.BICYCLE: ("Fiets", "Vélo", "Bicycle", "Fahrrad"),
    Guarantee.PRIVATE_ACCIDENT: (
        "Ongevallen privéleven",
        "Accidents vie privée",
        "Private-life accident",
        "Unfälle im Privatleben",
    ),
    Guarantee.DEATH: ("Overlijden", "Décès", "Death", "Todesfall"),
    Guarantee.PENSION: ("Pensioenopbouw", "Constitution de pension", "Pension", "Altersvorsorge"),
    Guarantee.GUARANTEED_INCOME: (
        "Gewaarborgd inkomen",
        "Revenu garanti",
        "Guaranteed income",
        "Einkommensgarantie",
    ),
    Guarantee.OTHER: ("Andere waarborg", "Autre garantie", "Other cover", "Andere Deckung"),
}

_DOCUMENT_TYPE: dict[StrEnum, _Texts] = {
    DocumentType.PREMIUM_PROOF: (
        "Bewijs van premiebetaling",
        "Preuve de paiement des primes",
        "Proof of premium payment",
        "Nachweis der Prämienzahlung",
    ),
    DocumentType.TAX_CERTIFICATE: (
        "Fiscaal attest",
        "Attestation fiscale",
        "Tax certificate",
        "Steuerbescheinigung",
    ),
    DocumentType.ANNUAL_STATEMENT: (
        "Jaaroverzicht",
        "Relevé annuel",
        "Annual statement",
        "Jahresübersicht",
    ),
    DocumentType.POLICY: ("Polis", "Police", "Policy", "Versicherungspolice"),
    DocumentType.GREEN_CARD: ("Groene kaart", "Carte verte", "Green card", "Grüne Karte"),
    DocumentType.CLAIMS_HISTORY: (
        "Schadeattest",
        "Attestation de sinistralité",
        "Claims-history certificate",
        "Schadenverlaufsbescheinigung",
    ),
    DocumentType.OTHER: ("Ander document", "Autre document", "Other document", "Anderes Dokument"),
}

_NOTIFICATION_CATEGORY: dict[StrEnum, _Texts] = {
    NotificationCategory.CONTRACT: ("Contract", "Contrat", "Contract", "Vertrag"),
    NotificationCategory.DOCUMENT: ("Document", "Document", "Document", "Dokument"),
    NotificationCategory.PAYMENT: ("Betaling", "Paiement", "Payment", "Zahlung"),
    NotificationCategory.INFO: ("Informatie", "Information", "Information", "Information"),
}

_MANDATE_ROLE: dict[StrEnum, _Texts] = {
    MandateRole.DIGITAL_MANAGER: (
        "Digitale beheerder",
        "Gestionnaire numérique",
        "Digital manager",
        "Digitaler Verwalter",
    ),
    MandateRole.USER: ("Gebruiker", "Utilisateur", "User", "Benutzer"),
}

_CUSTOMER_KIND: dict[StrEnum, _Texts] = {
    CustomerKind.PERSON: ("Persoon", "Personne", "Person", "Person"),
    CustomerKind.COMPANY: ("Onderneming", "Entreprise", "Company", "Unternehmen"),
}

_LANGUAGE: dict[StrEnum, _Texts] = {
    Language.NL: ("Nederlands", "Néerlandais", "Dutch", "Niederländisch"),
    Language.FR: ("Frans", "Français", "French", "Französisch"),
    Language.EN: ("Engels", "Anglais", "English", "Englisch"),
    Language.DE: ("Duits", "Allemand", "German", "Deutsch"),
}

LABELS: dict[type[StrEnum], dict[StrEnum, _Texts]] = {
    ContractStatus: _CONTRACT_STATUS,
    Product: _PRODUCT,
    ProductLine: _PRODUCT_LINE,
    Family: _FAMILY,
    PartyRole: _PARTY_ROLE,
    PaymentFrequency: _PAYMENT_FREQUENCY,
    TaxRegime: _TAX_REGIME,
    TransactionType: _TRANSACTION_TYPE,
    Guarantee: _GUARANTEE,
    DocumentType: _DOCUMENT_TYPE,
    NotificationCategory: _NOTIFICATION_CATEGORY,
    MandateRole: _MANDATE_ROLE,
    CustomerKind: _CUSTOMER_KIND,
    Language: _LANGUAGE,
}


def label(value: StrEnum, language: Language) -> str:
    """The label of an enum member in a language; an enum without labels is a programming
    error (LookupError)."""
    try:
        texts = LABELS[type(value)][value]
    except KeyError:
        raise LookupError(f"no label for {type(value).__name__}.{value.name}") from None
    return texts[_ORDER.index(language)]


def parse_accept_language(header: str | None) -> Language | None:
    """The supported language (nl, fr, en, de) the header prefers most: highest q-value, then
    the earliest in the header; regional variants count for their language (nl-BE is nl);
    q=0, wildcards, unknown languages and malformed entries are ignored. None when nothing
    supported is asked for."""
    best: tuple[Decimal, int, Language] | None = None
    for position, entry in enumerate((header or "").split(",")):
        tag, *params = (part.strip() for part in entry.split(";"))
        try:
            language = Language(tag.split("-")[0].lower())
        except ValueError:
            continue
        quality = _quality(params)
        if quality is None or quality <= 0:
            continue
        if best is None or quality > best[0]:
            best = (quality, position, language)
    return best[2] if best is not None else None


def _quality(params: list[str]) -> Decimal | None:
    quality = Decimal(1)
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "q":
            continue
        try:
            quality = Decimal(value.strip())
        except InvalidOperation:
            return None
        if not quality.is_finite() or not 0 <= quality <= 1:
            return None
    return quality
