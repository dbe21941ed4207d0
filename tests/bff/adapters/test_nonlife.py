"""The non-life adapter against respx, with answers in the non-life system's French JSON.

The payloads are copies of what the sandbox's non-life system (sandbox/systems/nonlife.py)
answered to POST /polices/lot for seed 42, as-of 2025-06-30: `N.SS` numbers, DD/MM/YYYY dates,
decimal-comma amounts, coverage names in the contract language.
"""

from __future__ import annotations

import copy
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from bff.adapters.errors import BackendProtocolError, BackendRejected, BackendUnavailable
from bff.adapters.nonlife import BATCH_SIZE, NonLifeAdapter, NonLifePort
from bff.domain.records import (
    Building,
    ContractKey,
    Coverage,
    Guarantee,
    IndexLink,
    Money,
    NonLifeDetails,
    PostalAddress,
    Vehicle,
)
from tests.bff.adapters.concurrent import all_at_once

pytestmark = pytest.mark.anyio

BASE = "http://nonlife.test"

# 10/0655918/01: web-life-nonlife's car (Dutch contract language)
CAR: dict[str, Any] = {
    "numero": "655918.01",
    "produit": "AUTO",
    "statut": "EN_VIGUEUR",
    "dateEffet": "15/06/2022",
    "dateEcheance": None,
    "primeAnnuelle": "1404,85",
    "devise": "EUR",
    "detailsDisponibles": True,
    "bonusMalus": 1,
    "objetAssure": {
        "type": "vehicule",
        "plaque": "2-FGR-143",
        "numeroChassis": "VF7FNMEC22W7YS577",
        "marque": "Citroën",
        "modele": "C4",
        "datePremiereImmatriculation": "26/05/2021",
    },
    "exclusions": [
        "Schade door oorlog, oproer of terrorisme buiten de wettelijke dekking.",
        "Opzettelijk veroorzaakte schade.",
    ],
    "garanties": [
        {
            "code": "510",
            "libelle": "BA motorrijtuigen",
            "montantAssure": None,
            "franchise": None,
            "primeAnnuelle": "579,29",
            "indice": None,
            "exclusions": ["Deelname aan snelheidswedstrijden."],
        },
        {
            "code": "540",
            "libelle": "Volledige omnium",
            "montantAssure": "20000,00",
            "franchise": "250,00",
            "primeAnnuelle": "825,56",
            "indice": None,
            "exclusions": [
                "Besturen onder invloed van alcohol of drugs.",
                "Normale slijtage en mechanische pech.",
            ],
        },
    ],
}

# 08/2758482/01: web-life-nonlife's home, a house, fire indexed with ABEX
HOME: dict[str, Any] = {
    "numero": "2758482.01",
    "produit": "INCH",
    "statut": "EN_VIGUEUR",
    "dateEffet": "30/06/2015",
    "dateEcheance": None,
    "primeAnnuelle": "559,06",
    "devise": "EUR",
    "detailsDisponibles": True,
    "bonusMalus": None,
    "objetAssure": {
        "type": "batiment",
        "adresse": {
            "rue": "Kerkstraat",
            "numero": "50",
            "codePostal": "9300",
            "localite": "Aalst",
            "pays": "BE",
        },
        "genre": "maison",
        "pieces": 10,
    },
    "exclusions": [
        "Opzettelijk veroorzaakte schade.",
        "Schade door oorlog, oproer of terrorisme buiten de wettelijke dekking.",
    ],
    "garanties": [
        {
            "code": "310",
            "libelle": "Brand",
            "montantAssure": "490000,00",
            "franchise": "289,61",
            "primeAnnuelle": "289,50",
            "indice": {"nom": "ABEX", "valeurBase": "744", "dateBase": "01/11/2015"},
            "exclusions": [
                "Schade door langzame inwerking van vocht.",
                "Gebouwen in opbouw of afbraak.",
            ],
        },
        {
            "code": "312",
            "libelle": "Storm en hagel",
            "montantAssure": "490000,00",
            "franchise": "289,61",
            "primeAnnuelle": "36,75",
            "indice": None,
            "exclusions": ["Schade aan tuinmeubelen en zonnepanelen die niet vast zijn bevestigd."],
        },
        {
            "code": "340",
            "libelle": "Waterschade",
            "montantAssure": "490000,00",
            "franchise": "289,61",
            "primeAnnuelle": "99,22",
            "indice": None,
            "exclusions": ["Herstelling van de leiding zelf.", "Insijpeling van grondwater."],
        },
        {
            "code": "350",
            "libelle": "Glasbreuk",
            "montantAssure": None,
            "franchise": "289,61",
            "primeAnnuelle": "24,43",
            "indice": None,
            "exclusions": ["Krassen en schilfers."],
        },
        {
            "code": "360",
            "libelle": "Diefstal",
            "montantAssure": "25000,00",
            "franchise": "289,61",
            "primeAnnuelle": "109,16",
            "indice": None,
            "exclusions": [
                "Diefstal zonder braak uit een niet-afgesloten woning.",
                "Contant geld boven 1.250 EUR.",
            ],
        },
    ],
}

# 08/2733800/01: a suspended home policy on an apartment (English contract language)
APARTMENT: dict[str, Any] = {
    "numero": "2733800.01",
    "produit": "INCH",
    "statut": "SUSPENDUE",
    "dateEffet": "23/11/2016",
    "dateEcheance": None,
    "primeAnnuelle": "490,80",
    "devise": "EUR",
    "detailsDisponibles": True,
    "bonusMalus": None,
    "objetAssure": {
        "type": "batiment",
        "adresse": {
            "rue": "Lindenlaan",
            "numero": "124",
            "codePostal": "8000",
            "localite": "Brugge",
            "pays": "BE",
        },
        "genre": "appartement",
        "pieces": 2,
    },
    "exclusions": [
        "Damage from war, riots or terrorism beyond the statutory cover.",
        "Damage from nuclear risks.",
    ],
    "garanties": [
        {
            "code": "310",
            "libelle": "Fire",
            "montantAssure": "230000,00",
            "franchise": "289,61",
            "primeAnnuelle": "300,59",
            "indice": {"nom": "ABEX", "valeurBase": "756", "dateBase": "01/11/2016"},
            "exclusions": [
                "Damage from the slow action of damp.",
                "Buildings under construction or being demolished.",
            ],
        }
    ],
}

# 10/0110375/01: a cancelled car from 1999 without back-office details (C5)
NO_DETAILS: dict[str, Any] = {
    "numero": "110375.01",
    "produit": "AUTO",
    "statut": "ANNULEE",
    "dateEffet": "13/02/1999",
    "dateEcheance": "30/09/2013",
    "primeAnnuelle": "641,07",
    "devise": "EUR",
    "detailsDisponibles": False,
}

# 01/1561363/01: private-life accident, no insured object, no bonus-malus, no deductible
ACCIDENT: dict[str, Any] = {
    "numero": "1561363.01",
    "produit": "ACCVP",
    "statut": "EN_VIGUEUR",
    "dateEffet": "21/01/2009",
    "dateEcheance": None,
    "primeAnnuelle": "129,18",
    "devise": "EUR",
    "detailsDisponibles": True,
    "bonusMalus": None,
    "objetAssure": None,
    "exclusions": [
        "Damage from war, riots or terrorism beyond the statutory cover.",
        "Damage caused intentionally.",
    ],
    "garanties": [
        {
            "code": "610",
            "libelle": "Private-life accident",
            "montantAssure": "140000,00",
            "franchise": None,
            "primeAnnuelle": "129,18",
            "indice": None,
            "exclusions": ["Accidents during dangerous sports such as parachuting."],
        }
    ],
}

CAR_KEY = ContractKey(655918, 1)
HOME_KEY = ContractKey(2758482, 1)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


CAR_DETAILS = NonLifeDetails(
    key=CAR_KEY,
    details_available=True,
    annual_premium=eur("1404.85"),
    bonus_malus=1,
    insured_object=Vehicle(
        plate="2-FGR-143",
        vin="VF7FNMEC22W7YS577",
        make="Citroën",
        model="C4",
        first_registration=date(2021, 5, 26),
    ),
    exclusions=(
        "Schade door oorlog, oproer of terrorisme buiten de wettelijke dekking.",
        "Opzettelijk veroorzaakte schade.",
    ),
    coverages=(
        Coverage(
            guarantee=Guarantee.MOTOR_LIABILITY,
            annual_premium=eur("579.29"),
            exclusions=("Deelname aan snelheidswedstrijden.",),
        ),
        Coverage(
            guarantee=Guarantee.FULL_OMNIUM,
            annual_premium=eur("825.56"),
            insured_amount=eur("20000.00"),
            deductible=eur("250.00"),
            exclusions=(
                "Besturen onder invloed van alcohol of drugs.",
                "Normale slijtage en mechanische pech.",
            ),
        ),
    ),
)


def lot(*polices: dict[str, Any], inconnus: tuple[str, ...] = ()) -> httpx.Response:
    body = {"polices": list(polices), "inconnus": list(inconnus)}
    return httpx.Response(
        200,
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def erreur(status: int, code: str, libelle: str) -> httpx.Response:
    return httpx.Response(status, json={"erreur": {"code": code, "libelle": libelle}})


def sent_numbers(route: respx.Route) -> list[list[str]]:
    return [json.loads(call.request.content)["numeros"] for call in route.calls]


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()


@pytest.fixture
async def nonlife(tls: ssl.SSLContext) -> AsyncIterator[NonLifeAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield NonLifeAdapter(client)


async def test_the_adapter_is_a_nonlife_port(nonlife: NonLifeAdapter) -> None:
    port: NonLifePort = nonlife  # checked by mypy
    assert port is nonlife


# mappings


async def test_c4_a_car_with_its_coverages_and_exclusions(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    route = router.post("/polices/lot").mock(return_value=lot(CAR))
    assert await nonlife.policies([CAR_KEY]) == {CAR_KEY: CAR_DETAILS}
    assert route.call_count == 1
    assert json.loads(route.calls.last.request.content) == {"numeros": ["655918.01"]}


async def test_c4_a_house_with_an_indexed_fire_coverage(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot(HOME))
    found = await nonlife.policies([HOME_KEY])
    assert found[HOME_KEY] == NonLifeDetails(
        key=HOME_KEY,
        details_available=True,
        annual_premium=eur("559.06"),
        bonus_malus=None,
        insured_object=Building(
            address=PostalAddress(
                street="Kerkstraat", number="50", postcode="9300", city="Aalst", country="BE"
            ),
            kind="house",
            rooms=10,
        ),
        exclusions=(
            "Opzettelijk veroorzaakte schade.",
            "Schade door oorlog, oproer of terrorisme buiten de wettelijke dekking.",
        ),
        coverages=(
            Coverage(
                guarantee=Guarantee.FIRE,
                annual_premium=eur("289.50"),
                insured_amount=eur("490000.00"),
                deductible=eur("289.61"),
                index=IndexLink(
                    name="ABEX", base_value=Decimal("744"), base_date=date(2015, 11, 1)
                ),
                exclusions=(
                    "Schade door langzame inwerking van vocht.",
                    "Gebouwen in opbouw of afbraak.",
                ),
            ),
            Coverage(
                guarantee=Guarantee.STORM_HAIL,
                annual_premium=eur("36.75"),
                insured_amount=eur("490000.00"),
                deductible=eur("289.61"),
                exclusions=(
                    "Schade aan tuinmeubelen en zonnepanelen die niet vast zijn bevestigd.",
                ),
            ),
            Coverage(
                guarantee=Guarantee.WATER_DAMAGE,
                annual_premium=eur("99.22"),
                insured_amount=eur("490000.00"),
                deductible=eur("289.61"),
                exclusions=("Herstelling van de leiding zelf.", "Insijpeling van grondwater."),
            ),
            Coverage(
                guarantee=Guarantee.GLASS,
                annual_premium=eur("24.43"),
                deductible=eur("289.61"),
                exclusions=("Krassen en schilfers.",),
            ),
            Coverage(
                guarantee=Guarantee.THEFT,
                annual_premium=eur("109.16"),
                insured_amount=eur("25000.00"),
                deductible=eur("289.61"),
                exclusions=(
                    "Diefstal zonder braak uit een niet-afgesloten woning.",
                    "Contant geld boven 1.250 EUR.",
                ),
            ),
        ),
    )


async def test_an_apartment_is_an_apartment(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot(APARTMENT))
    details = (await nonlife.policies([ContractKey(2733800, 1)]))[ContractKey(2733800, 1)]
    assert details.insured_object == Building(
        address=PostalAddress(
            street="Lindenlaan", number="124", postcode="8000", city="Brugge", country="BE"
        ),
        kind="apartment",
        rooms=2,
    )
    assert details.coverages[0].index == IndexLink("ABEX", Decimal("756"), date(2016, 11, 1))


async def test_a_policy_without_insured_object_or_deductible(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot(ACCIDENT))
    key = ContractKey(1561363, 1)
    assert (await nonlife.policies([key]))[key] == NonLifeDetails(
        key=key,
        details_available=True,
        annual_premium=eur("129.18"),
        bonus_malus=None,
        insured_object=None,
        exclusions=(
            "Damage from war, riots or terrorism beyond the statutory cover.",
            "Damage caused intentionally.",
        ),
        coverages=(
            Coverage(
                guarantee=Guarantee.PRIVATE_ACCIDENT,
                annual_premium=eur("129.18"),
                insured_amount=eur("140000.00"),
                exclusions=("Accidents during dangerous sports such as parachuting.",),
            ),
        ),
    )


async def test_c5_details_not_available_is_explicit(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot(NO_DETAILS))
    key = ContractKey(110375, 1)
    assert await nonlife.policies([key]) == {key: NonLifeDetails(key=key, details_available=False)}


@pytest.mark.parametrize(
    ("code", "guarantee"),
    [
        ("310", Guarantee.FIRE),
        ("312", Guarantee.STORM_HAIL),
        ("340", Guarantee.WATER_DAMAGE),
        ("350", Guarantee.GLASS),
        ("360", Guarantee.THEFT),
        ("411", Guarantee.FAMILY_LIABILITY),
        ("420", Guarantee.HUNTING_LIABILITY),
        ("510", Guarantee.MOTOR_LIABILITY),
        ("540", Guarantee.FULL_OMNIUM),
        ("550", Guarantee.PARTIAL_OMNIUM),
        ("960", Guarantee.LEGAL_ASSISTANCE),
        ("590", Guarantee.BICYCLE),
        ("610", Guarantee.PRIVATE_ACCIDENT),
        ("120", Guarantee.DEATH),
        ("140", Guarantee.PENSION),
        ("221", Guarantee.GUARANTEED_INCOME),
        ("999", Guarantee.OTHER),
        ("311", Guarantee.OTHER),
    ],
)
async def test_x058_coverage_code_mapping(
    router: respx.MockRouter, nonlife: NonLifeAdapter, code: str, guarantee: Guarantee
) -> None:
    police = copy.deepcopy(CAR)
    police["garanties"][0]["code"] = code
    router.post("/polices/lot").mock(return_value=lot(police))
    found = await nonlife.policies([CAR_KEY])
    assert found[CAR_KEY].coverages[0].guarantee is guarantee


async def test_coverage_names_from_the_backend_are_not_used(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    """The BFF labels guarantees itself: the same coverage named in French is the same."""
    police = copy.deepcopy(CAR)
    police["garanties"][0]["libelle"] = "RC automobile"
    police["garanties"][1]["libelle"] = "Omnium complète"
    router.post("/polices/lot").mock(return_value=lot(police))
    assert await nonlife.policies([CAR_KEY]) == {CAR_KEY: CAR_DETAILS}


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1576,38", Decimal("1576.38")),
        ("0,10", Decimal("0.10")),
        ("2500000,00", Decimal("2500000.00")),
        ("744", Decimal("744")),
        ("-12,5", Decimal("-12.5")),
    ],
)
async def test_decimal_comma_amounts_are_decimals(
    router: respx.MockRouter, nonlife: NonLifeAdapter, text: str, amount: Decimal
) -> None:
    router.post("/polices/lot").mock(return_value=lot({**CAR, "primeAnnuelle": text}))
    premium = (await nonlife.policies([CAR_KEY]))[CAR_KEY].annual_premium
    assert premium == Money(amount, "EUR")
    assert premium is not None
    assert isinstance(premium.amount, Decimal)


async def test_the_currency_is_the_policy_currency(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot({**ACCIDENT, "devise": "CHF"}))
    key = ContractKey(1561363, 1)
    details = (await nonlife.policies([key]))[key]
    assert details.annual_premium == Money(Decimal("129.18"), "CHF")
    assert details.coverages[0].insured_amount == Money(Decimal("140000.00"), "CHF")


# numbers


@pytest.mark.parametrize(
    ("key", "numero"),
    [
        (ContractKey(655918, 1), "655918.01"),
        (ContractKey(574576, 14), "574576.14"),
        (ContractKey(2981716, 1), "2981716.01"),
        (ContractKey(10000, 2), "10000.02"),
        (ContractKey(0, 1), "0.01"),
    ],
)
async def test_keys_are_sent_as_n_ss_without_leading_zeros(
    router: respx.MockRouter, nonlife: NonLifeAdapter, key: ContractKey, numero: str
) -> None:
    route = router.post("/polices/lot").mock(return_value=lot(inconnus=(numero,)))
    assert await nonlife.policies([key]) == {}
    assert sent_numbers(route) == [[numero]]


async def test_unknown_and_life_contracts_are_absent(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    # 4970159-01 is an NN Strategy contract: the non-life system lists it as unknown
    route = router.post("/polices/lot").mock(
        return_value=lot(CAR, inconnus=("4970159.01", "9999.01"))
    )
    keys = [ContractKey(4970159, 1), CAR_KEY, ContractKey(9999, 1)]
    assert await nonlife.policies(keys) == {CAR_KEY: CAR_DETAILS}
    assert sent_numbers(route) == [["4970159.01", "655918.01", "9999.01"]]


async def test_keys_the_system_cannot_be_asked_for_are_absent_without_failing_the_lot(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    route = router.post("/polices/lot").mock(return_value=lot(CAR))
    keys = [ContractKey(10_000_000, 1), CAR_KEY, ContractKey(655918, 100)]
    assert await nonlife.policies(keys) == {CAR_KEY: CAR_DETAILS}
    assert sent_numbers(route) == [["655918.01"]]


async def test_a_policy_that_was_not_asked_for_is_ignored(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(return_value=lot(CAR, HOME))
    assert await nonlife.policies([CAR_KEY]) == {CAR_KEY: CAR_DETAILS}


async def test_no_keys_no_call(router: respx.MockRouter, nonlife: NonLifeAdapter) -> None:
    route = router.post("/polices/lot").mock(return_value=lot())
    assert await nonlife.policies([]) == {}
    assert route.call_count == 0


async def test_repeated_keys_are_asked_once(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    route = router.post("/polices/lot").mock(return_value=lot(CAR))
    assert await nonlife.policies([CAR_KEY, CAR_KEY]) == {CAR_KEY: CAR_DETAILS}
    assert sent_numbers(route) == [["655918.01"]]


# chunking


def echo_lot(request: httpx.Request) -> httpx.Response:
    numeros = json.loads(request.content)["numeros"]
    return lot(*({**NO_DETAILS, "numero": n} for n in numeros))


@pytest.mark.parametrize(
    ("count", "chunks"),
    [(1, [1]), (100, [100]), (101, [100, 1]), (250, [100, 100, 50])],
)
async def test_lots_are_chunked_by_100(
    router: respx.MockRouter, nonlife: NonLifeAdapter, count: int, chunks: list[int]
) -> None:
    assert BATCH_SIZE == 100
    route = router.post("/polices/lot").mock(side_effect=echo_lot)
    keys = [ContractKey(100_000 + n, 1) for n in range(count)]
    found = await nonlife.policies(keys)
    sent = sorted(sent_numbers(route), key=lambda chunk: int(chunk[0].split(".")[0]))
    assert [len(chunk) for chunk in sent] == chunks
    assert [n for chunk in sent for n in chunk] == [f"{100_000 + n}.01" for n in range(count)]
    assert sorted(found) == keys
    assert found[keys[-1]] == NonLifeDetails(key=keys[-1], details_available=False)


async def test_lots_are_sent_concurrently(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    route = router.post("/polices/lot").mock(side_effect=all_at_once(3, echo_lot))
    keys = [ContractKey(100_000 + n, 1) for n in range(250)]
    assert len(await nonlife.policies(keys)) == 250
    assert route.call_count == 3


async def test_a_failing_lot_fails_the_call(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["numeros"][0] == "100100.01":
            return erreur(503, "MAINTENANCE", "Système en maintenance")
        return echo_lot(request)

    router.post("/polices/lot").mock(side_effect=answer)
    with pytest.raises(BackendUnavailable) as caught:
        await nonlife.policies([ContractKey(100_000 + n, 1) for n in range(250)])
    assert caught.value.system == "nonlife"


# malformed and partial answers


def car_with(**changes: Any) -> dict[str, Any]:
    return {**CAR, **changes}


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


def car_coverage(**changes: Any) -> dict[str, Any]:
    return car_with(garanties=[{**CAR["garanties"][1], **changes}])


def car_vehicle(**changes: Any) -> dict[str, Any]:
    return car_with(objetAssure={**CAR["objetAssure"], **changes})


def home_building(**changes: Any) -> dict[str, Any]:
    return {**HOME, "numero": "655918.01", "objetAssure": {**HOME["objetAssure"], **changes}}


@pytest.mark.parametrize(
    "police",
    [
        pytest.param(car_with(primeAnnuelle="1404.85"), id="decimal point"),
        pytest.param(car_with(primeAnnuelle="1.404,85"), id="thousands separator"),
        pytest.param(car_with(primeAnnuelle="1 404,85"), id="space separator"),
        pytest.param(car_with(primeAnnuelle=1404.85), id="amount as a number"),
        pytest.param(car_with(primeAnnuelle="1404,"), id="dangling comma"),
        pytest.param(car_with(primeAnnuelle=""), id="empty amount"),
        pytest.param(car_with(primeAnnuelle="NaN"), id="NaN"),
        pytest.param(car_with(primeAnnuelle="١٤٠٤,٨٥"), id="non-ASCII digits"),
        pytest.param(car_coverage(montantAssure="20000.00"), id="insured amount with a point"),
        pytest.param(car_coverage(franchise=250), id="deductible as a number"),
        pytest.param(car_vehicle(datePremiereImmatriculation="2021-05-26"), id="ISO date"),
        pytest.param(car_vehicle(datePremiereImmatriculation="31/02/2021"), id="no such day"),
        pytest.param(car_vehicle(datePremiereImmatriculation="5/1/2021"), id="short date"),
        pytest.param(car_vehicle(plaque=None), id="plate null"),
        pytest.param(car_vehicle(type="bateau"), id="unknown insured object"),
        pytest.param(home_building(genre="villa"), id="unknown building kind"),
        pytest.param(home_building(pieces="10"), id="rooms as a string"),
        pytest.param(home_building(adresse=None), id="building without address"),
        pytest.param(car_with(objetAssure="2-FGR-143"), id="insured object as a string"),
        pytest.param(car_with(bonusMalus="1"), id="bonus-malus as a string"),
        pytest.param(car_with(numero="0655918.01"), id="leading zero in numero"),
        pytest.param(car_with(numero="655918-01"), id="life-style numero"),
        pytest.param(car_with(numero="10/0655918/01"), id="printed numero"),
        pytest.param(car_with(numero=655918.01), id="numero as a number"),
        pytest.param(without(CAR, "numero"), id="missing numero"),
        pytest.param(without(CAR, "detailsDisponibles"), id="missing detailsDisponibles"),
        pytest.param(car_with(detailsDisponibles="true"), id="detailsDisponibles as a string"),
        pytest.param(without(CAR, "garanties"), id="details without garanties"),
        pytest.param(car_with(garanties=None), id="garanties null"),
        pytest.param(without(CAR, "exclusions"), id="details without exclusions"),
        pytest.param(car_with(exclusions=[1, 2]), id="exclusions not texts"),
        pytest.param(car_with(exclusions="Opzettelijk veroorzaakte schade."), id="one text"),
        pytest.param(without(CAR, "devise"), id="missing devise"),
        pytest.param(car_coverage(code=540), id="coverage code as a number"),
        pytest.param(car_coverage(exclusions=None), id="coverage exclusions null"),
        pytest.param(without(CAR["garanties"][0], "primeAnnuelle"), id="coverage as a police"),
        pytest.param(
            car_coverage(indice={"nom": "ABEX", "valeurBase": "744"}), id="index without date"
        ),
        pytest.param(
            car_coverage(indice={"nom": "ABEX", "valeurBase": "7,4,4", "dateBase": "01/11/2015"}),
            id="index value with two commas",
        ),
    ],
)
async def test_a_broken_policy_is_a_protocol_error(
    router: respx.MockRouter, nonlife: NonLifeAdapter, police: Any
) -> None:
    router.post("/polices/lot").mock(return_value=lot(police))
    with pytest.raises(BackendProtocolError) as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"inconnus": []}, id="missing polices"),
        pytest.param({"polices": None}, id="polices null"),
        pytest.param({"polices": CAR}, id="polices an object"),
        pytest.param({"polices": ["655918.01"]}, id="a number, not a policy"),
        pytest.param([CAR], id="a list, not an object"),
    ],
)
async def test_a_broken_lot_is_a_protocol_error(
    router: respx.MockRouter, nonlife: NonLifeAdapter, body: Any
) -> None:
    router.post("/polices/lot").respond(200, json=body)
    with pytest.raises(BackendProtocolError) as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        json.dumps({"polices": [CAR]}).encode()[:-9],
    ],
    ids=["html", "empty", "cut off"],
)
async def test_a_lot_that_is_not_json(
    router: respx.MockRouter, nonlife: NonLifeAdapter, content: bytes
) -> None:
    router.post("/polices/lot").respond(200, content=content)
    with pytest.raises(BackendProtocolError, match="not JSON") as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


# failures of the system itself


@pytest.mark.parametrize(
    ("status", "code", "libelle"),
    [
        (429, "TROP_DE_REQUETES", "Trop de requêtes, veuillez réessayer plus tard"),
        (500, "ERREUR_INTERNE", "Erreur interne du système"),
        (502, "SYSTEME_INJOIGNABLE", "Système injoignable"),
        (503, "MAINTENANCE", "Système en maintenance"),
    ],
)
async def test_5xx_and_429_are_unavailable(
    router: respx.MockRouter, nonlife: NonLifeAdapter, status: int, code: str, libelle: str
) -> None:
    router.post("/polices/lot").mock(return_value=erreur(status, code, libelle))
    with pytest.raises(BackendUnavailable) as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


async def test_a_timeout_is_unavailable(router: respx.MockRouter, nonlife: NonLifeAdapter) -> None:
    router.post("/polices/lot").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


async def test_connection_refused_is_unavailable(
    router: respx.MockRouter, nonlife: NonLifeAdapter
) -> None:
    router.post("/polices/lot").mock(side_effect=httpx.ConnectError("Connection refused"))
    with pytest.raises(BackendUnavailable) as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"


async def test_a_refused_lot_is_rejected(router: respx.MockRouter, nonlife: NonLifeAdapter) -> None:
    router.post("/polices/lot").mock(
        return_value=erreur(400, "LOT_TROP_GRAND", "Au maximum 100 numéros par lot")
    )
    with pytest.raises(BackendRejected) as caught:
        await nonlife.policies([CAR_KEY])
    assert caught.value.system == "nonlife"
    assert caught.value.status == 400
