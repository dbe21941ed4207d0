from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp

from sandbox.control import Control, Controlled, Faults
from sandbox.systems import SystemContext
from sandbox.systems.nonlife import create_app, render_error
from sandbox.systems.nonlife_codes import product_code
from sandbox.world import (
    Address,
    Building,
    Contract,
    ContractRole,
    ContractStatus,
    Coverage,
    Family,
    IndexLink,
    Language,
    PaymentFrequency,
    Product,
    Role,
    Vehicle,
    World,
)

AS_OF = date(2024, 6, 14)
CAR = "12345.07"
HOME = "1234567.01"
NO_DETAILS = "980.03"
EXPIRED = "55.00"
LIFE = "4242.12"


def _contract(base: int, suffix: int, product: str, **changes: Any) -> Contract:
    contract = Contract(
        base=base,
        suffix=suffix,
        product=product,
        status=ContractStatus.ACTIVE,
        start_date=date(2019, 2, 3),
        end_date=None,
        status_date=date(2019, 2, 3),
        payment_frequency=PaymentFrequency.YEARLY,
        premium=Decimal("100.00"),
        language=Language.FR,
        broker_fsma="0403.019.261",
        roles=[ContractRole(Role.POLICYHOLDER, party_id="P0000001")],
    )
    for name, value in changes.items():
        setattr(contract, name, value)
    return contract


def _car_coverages() -> list[Coverage]:
    return [
        Coverage(
            "510", "RC automobile", Decimal("412.3"), exclusions=["Conduite en état d'ivresse"]
        ),
        Coverage("550", "Omnium partielle", Decimal("120.05"), Decimal("18500"), Decimal("250")),
        Coverage("960", "Protection juridique", Decimal("45.00")),
    ]


def _home_coverages() -> list[Coverage]:
    abex = IndexLink("ABEX", Decimal("744"), date(2015, 11, 1))
    names = ["Incendie", "Tempête", "Dégâts des eaux", "Bris de vitrage", "Vol"]
    codes = ["310", "312", "340", "350", "360"]
    return [
        Coverage(
            codes[n % 5],
            f"{names[n % 5]} {n}",
            Decimal("1234.567") + n,
            Decimal("250000") + n * 1000,
            Decimal("275.50"),
            index=abex,
            exclusions=[f"Exclusion {n}"],
        )
        for n in range(53)
    ]


def build_nonlife_world() -> World:
    products = {
        "car": Product("car", "Car Insurance", Family.NONLIFE, "510", "10a"),
        "old": Product("old", "Car Insurance (classic)", Family.NONLIFE, "510", "10a", legacy=True),
        "home": Product("home", "Home Insurance", Family.NONLIFE, "310", "08"),
        "hunt": Product("hunt", "Hunting Liability", Family.NONLIFE, "420", "13"),
        "plan": Product("plan", "NN Life Plan", Family.LIFE, "110", "21"),
    }
    contracts = [
        _contract(
            12345,
            7,
            "car",
            payment_frequency=PaymentFrequency.MONTHLY,
            premium=Decimal("48.11"),
            end_date=date(2025, 2, 2),
            coverages=_car_coverages(),
            exclusions=["Courses et compétitions"],
            insured_object=Vehicle(
                "1-ABC-234", "WVWZZZ1KZAW000001", "Volkswagen", "Golf", date(2018, 4, 9)
            ),
            bonus_malus=3,
        ),
        _contract(
            1234567,
            1,
            "home",
            payment_frequency=PaymentFrequency.QUARTERLY,
            premium=Decimal("1000.5"),
            coverages=_home_coverages(),
            insured_object=Building(
                Address("Rue de la Loi", "16", "1000", "Bruxelles"), "house", 6
            ),
        ),
        _contract(
            980,
            3,
            "old",
            details_available=False,
            coverages=_car_coverages(),
            insured_object=Vehicle(
                "1-XYZ-987", "VF1AAAAAA00000001", "Renault", "Clio", date(2005, 1, 1)
            ),
            bonus_malus=0,
        ),
        _contract(55, 0, "hunt", status=ContractStatus.EXPIRED, end_date=date(2022, 12, 31)),
        _contract(4242, 12, "plan"),
    ]
    return World(
        seed=1,
        as_of=AS_OF,
        products=products,
        parties={},
        companies={},
        brokers={},
        funds={},
        contracts={(c.base, c.suffix): c for c in contracts},
        documents={},
        notifications={},
        activation_codes=[],
        personas={},
    )


@pytest.fixture(scope="module")
def nonlife_world() -> World:
    return build_nonlife_world()


@pytest.fixture(scope="module")
def nonlife_app(nonlife_world: World) -> Starlette:
    return create_app(SystemContext(nonlife_world, "nonlife", "http://127.0.0.1:1"))


def _client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://nonlife")


@pytest.fixture
async def client(nonlife_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(nonlife_app) as client:
        yield client


def _erreur(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"erreur"}
    assert body["erreur"]["code"] == code
    assert isinstance(body["erreur"]["libelle"], str)


def _contract_of(world: World, numero: str) -> Contract:
    base, suffix = numero.split(".")
    return world.contracts[(int(base), int(suffix))]


def _fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _garantie(coverage: Coverage) -> dict[str, Any]:
    index = coverage.index
    return {
        "code": coverage.x058,
        "libelle": coverage.name,
        "montantAssure": None if coverage.insured_amount is None else _fr(coverage.insured_amount),
        "franchise": None if coverage.deductible is None else _fr(coverage.deductible),
        "primeAnnuelle": _fr(coverage.premium),
        "indice": None
        if index is None
        else {
            "nom": index.name,
            "valeurBase": str(index.base_value).replace(".", ","),
            "dateBase": index.base_date.strftime("%d/%m/%Y"),
        },
        "exclusions": coverage.exclusions,
    }


@pytest.mark.anyio
async def test_car_policy(client: httpx.AsyncClient, nonlife_world: World) -> None:
    response = await client.get(f"/polices/{CAR}")
    assert response.status_code == 200, response.text
    car = _contract_of(nonlife_world, CAR)
    assert response.json() == {
        "numero": CAR,
        "produit": "AUTO",
        "statut": "EN_VIGUEUR",
        "dateEffet": "03/02/2019",
        "dateEcheance": "02/02/2025",
        "primeAnnuelle": _fr(car.premium * 12),
        "devise": "EUR",
        "detailsDisponibles": True,
        "bonusMalus": 3,
        "objetAssure": {
            "type": "vehicule",
            "plaque": "1-ABC-234",
            "numeroChassis": "WVWZZZ1KZAW000001",
            "marque": "Volkswagen",
            "modele": "Golf",
            "datePremiereImmatriculation": "09/04/2018",
        },
        "exclusions": ["Courses et compétitions"],
    }
    assert response.json()["primeAnnuelle"] == "577,32"


@pytest.mark.anyio
async def test_home_policy(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"/polices/{HOME}")).json()
    assert body["produit"] == "INCH"
    assert body["dateEcheance"] is None
    assert body["primeAnnuelle"] == "4002,00"
    assert body["bonusMalus"] is None
    assert body["exclusions"] == []
    assert body["objetAssure"] == {
        "type": "batiment",
        "adresse": {
            "rue": "Rue de la Loi",
            "numero": "16",
            "codePostal": "1000",
            "localite": "Bruxelles",
            "pays": "BE",
        },
        "genre": "maison",
        "pieces": 6,
    }


@pytest.mark.anyio
async def test_expired_policy_without_object(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"/polices/{EXPIRED}")).json()
    assert body["numero"] == "55.00"
    assert body["produit"] == "RCCHAS"
    assert body["statut"] == "ECHUE"
    assert body["dateEcheance"] == "31/12/2022"
    assert body["objetAssure"] is None


@pytest.mark.anyio
async def test_policy_without_details(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"/polices/{NO_DETAILS}")).json()
    assert body["produit"] == "AUTANC"
    assert body["detailsDisponibles"] is False
    for key in ("objetAssure", "garanties", "bonusMalus", "exclusions"):
        assert key not in body
    page = (await client.get(f"/polices/{NO_DETAILS}/garanties")).json()
    assert page == {
        "total": 0,
        "offset": 0,
        "limite": 20,
        "elements": [],
        "detailsDisponibles": False,
    }


@pytest.mark.anyio
async def test_unknown_life_and_malformed_numbers(client: httpx.AsyncClient) -> None:
    for numero in ["99999.99", LIFE, "1234568.01"]:
        _erreur(await client.get(f"/polices/{numero}"), 404, "POLICE_INCONNUE")
        _erreur(await client.get(f"/polices/{numero}/garanties"), 404, "POLICE_INCONNUE")
    for numero in ["0012345.07", "12345-07", "12345.7", "0012345-07", "12345678.01", "1234507"]:
        _erreur(await client.get(f"/polices/{numero}"), 400, "NUMERO_INVALIDE")
    _erreur(await client.get("/ailleurs"), 404, "RESSOURCE_INCONNUE")


@pytest.mark.anyio
async def test_garanties_offset_paging_walks_once(
    client: httpx.AsyncClient, nonlife_world: World
) -> None:
    coverages = _contract_of(nonlife_world, HOME).coverages
    seen: list[dict[str, Any]] = []
    offset = 0
    while True:
        params = {"offset": offset, "limite": 7}
        page = (await client.get(f"/polices/{HOME}/garanties", params=params)).json()
        assert page["total"] == len(coverages)
        assert (page["offset"], page["limite"]) == (offset, 7)
        if not page["elements"]:
            break
        seen.extend(page["elements"])
        offset += 7
    assert seen == [_garantie(c) for c in coverages]
    assert seen[0]["montantAssure"] == "250000,00"
    assert seen[0]["primeAnnuelle"] == "1234,57"
    assert seen[0]["indice"] == {"nom": "ABEX", "valeurBase": "744", "dateBase": "01/11/2015"}


@pytest.mark.anyio
async def test_garanties_limits(client: httpx.AsyncClient) -> None:
    path = f"/polices/{HOME}/garanties"
    assert len((await client.get(path)).json()["elements"]) == 20
    assert len((await client.get(path, params={"limite": 50})).json()["elements"]) == 50
    tail = (await client.get(path, params={"offset": 50, "limite": 50})).json()
    assert len(tail["elements"]) == 3
    for params in ({"limite": 51}, {"limite": 0}, {"offset": -1}, {"offset": "x"}):
        _erreur(await client.get(path, params=params), 400, "PARAMETRE_INVALIDE")


@pytest.mark.anyio
async def test_lot(client: httpx.AsyncClient, nonlife_world: World) -> None:
    numeros = [CAR, NO_DETAILS, LIFE, "77.01", CAR]
    response = await client.post("/polices/lot", json={"numeros": numeros})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["inconnus"] == [LIFE, "77.01"]
    car, old = body["polices"]
    single = (await client.get(f"/polices/{CAR}")).json()
    assert car == single | {
        "garanties": [_garantie(c) for c in _contract_of(nonlife_world, CAR).coverages]
    }
    assert car["garanties"][1]["franchise"] == "250,00"
    assert car["garanties"][0]["montantAssure"] is None
    assert old["detailsDisponibles"] is False
    assert "garanties" not in old
    assert "objetAssure" not in old


@pytest.mark.anyio
async def test_lot_refusals(client: httpx.AsyncClient) -> None:
    over = {"numeros": [CAR] * 101}
    _erreur(await client.post("/polices/lot", json=over), 400, "LOT_TROP_GRAND")
    full = await client.post("/polices/lot", json={"numeros": [CAR] * 100})
    assert len(full.json()["polices"]) == 1
    bad = {"numeros": [CAR, "0012345.07"]}
    _erreur(await client.post("/polices/lot", json=bad), 400, "NUMERO_INVALIDE")
    _erreur(await client.post("/polices/lot", json={"numeros": "x"}), 400, "CORPS_INVALIDE")
    _erreur(await client.post("/polices/lot", content=b"[1"), 400, "CORPS_INVALIDE")


@pytest.mark.anyio
async def test_overload_answers_in_the_french_format(nonlife_world: World) -> None:
    ctx = SystemContext(nonlife_world, "nonlife", "http://127.0.0.1:1")
    control = Control("nonlife", defaults=Faults(overload_rate=1.0))
    async with _client(Controlled(create_app(ctx), control, render_error)) as client:
        response = await client.get(f"/polices/{CAR}")
    _erreur(response, 429, "TROP_DE_REQUETES")
    assert response.headers["Retry-After"] == "1"
    assert control.calls["GET /polices/{numero}"] == 1


@pytest.mark.skipif(importlib.util.find_spec("sandbox.generate") is None, reason="no generator yet")
@pytest.mark.anyio
async def test_against_the_generated_world() -> None:
    from sandbox.generate import build_world

    world = build_world(seed=42, as_of=date(2025, 3, 31))
    app = create_app(SystemContext(world, "nonlife", "http://127.0.0.1:1"))
    nonlife = [
        c for c in world.contracts.values() if world.products[c.product].family is Family.NONLIFE
    ]
    numeros = [f"{c.base}.{c.suffix:02d}" for c in nonlife[:100]]
    async with _client(app) as client:
        body = (await client.post("/polices/lot", json={"numeros": numeros})).json()
    assert body["inconnus"] == []
    assert [p["numero"] for p in body["polices"]] == numeros
    for police, contract in zip(body["polices"], nonlife[:100], strict=True):
        assert police["detailsDisponibles"] is contract.details_available
        if contract.details_available:
            assert police["garanties"] == [_garantie(c) for c in contract.coverages]


def test_product_codes_of_the_catalogue() -> None:
    from sandbox.catalogue import PRODUCTS

    codes = {
        code: product_code(product)
        for code, product in PRODUCTS.items()
        if product.family is Family.NONLIFE
    }
    assert codes == {
        "car": "AUTO",
        "car-legacy": "AUTANC",
        "motorcycle": "MOTO",
        "home": "INCH",
        "family-liability": "RCVP",
        "private-accident": "ACCVP",
        "legal-assistance": "PJ",
        "bicycle": "VELO",
        "hunting-liability": "RCCHAS",
    }


# Unicode digits pass str.isdigit (and \d) but are no ASCII number: "²" made int() fail (a
# 500), "٣" would have been read as 3. Every integer parameter takes ASCII digits only.
NOT_ASCII_WHOLE = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "fullwidth-five": "５",
    "plus": "+5",
    "space": " 5",
    "underscore": "5_0",
    "5000-digits": "9" * 5000,
}


@pytest.mark.anyio
@pytest.mark.parametrize("value", NOT_ASCII_WHOLE.values(), ids=NOT_ASCII_WHOLE.keys())
async def test_integer_parameters_take_ascii_digits_only(
    client: httpx.AsyncClient, value: str
) -> None:
    path = f"/polices/{HOME}/garanties"
    for name in ("offset", "limite"):
        _erreur(await client.get(path, params={name: value}), 400, "PARAMETRE_INVALIDE")
    padded = await client.get(path, params={"offset": "0" * 30 + "50", "limite": "050"})
    assert len(padded.json()["elements"]) == 3


@pytest.mark.anyio
async def test_numbers_take_ascii_digits_only(client: httpx.AsyncClient) -> None:
    _erreur(await client.get("/polices/١٢٣٤٥٦٧.٠١"), 400, "NUMERO_INVALIDE")
