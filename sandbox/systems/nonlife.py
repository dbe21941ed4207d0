"""The non-life system (the "other team"): car, motorcycle, fire, liability, legal assistance.

JSON REST with French field names; numbers `N.SS` only (anything else is 400); dates
DD/MM/YYYY; amounts as strings with a decimal comma ("1234,56"); offset paging
(`?offset=&limite=`, limite 1..50, default 20) answering
`{"total", "offset", "limite", "elements"}`. Errors: `{"erreur": {"code", "libelle"}}`.
Read-only. Codes and formats: `sandbox.systems.nonlife_codes`.

    GET  /polices/{numero}             {"numero", "produit", "statut", "dateEffet",
                                        "dateEcheance" (end date or null), "primeAnnuelle"
                                        (premium per period x periods per year), "devise",
                                        "detailsDisponibles", "bonusMalus", "objetAssure",
                                        "exclusions"}
    GET  /polices/{numero}/garanties   offset page of coverages, plus "detailsDisponibles"
    POST /polices/lot                  {"numeros": [...]} (<= 100)
                                       -> {"polices": [police with "garanties"], "inconnus": [...]}

Unknown numbers and life contracts are 404 (POLICE_INCONNUE), or listed under "inconnus" in a
lot. Without details in the back office (C5), "detailsDisponibles" is false and the insured
object, bonus-malus, exclusions and coverages are left out (no coverages in the page either).
"""

from __future__ import annotations

import json
import re

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.systems import SystemContext
from sandbox.systems.nonlife_index import Police, garantie_json, index_policies, police_json

# ASCII digits only: \d and str.isdigit also take "²" or "٣", which int() refuses or misreads
NUMERO = re.compile(r"(?:0|[1-9][0-9]{0,6})\.[0-9]{2}")
ENTIER = re.compile(r"0*([0-9]{1,18})")  # plus long : hors de toute borne
MAX_LOT = 100
LIMITE_DEFAULT = 20
LIMITE_MAX = 50

_LIBELLES = {
    400: ("REQUETE_INVALIDE", "Requête invalide"),
    404: ("RESSOURCE_INCONNUE", "Ressource inconnue"),
    405: ("METHODE_NON_AUTORISEE", "Méthode non autorisée"),
    429: ("TROP_DE_REQUETES", "Trop de requêtes, veuillez réessayer plus tard"),
    500: ("ERREUR_INTERNE", "Erreur interne du système"),
    502: ("SYSTEME_INJOIGNABLE", "Système injoignable"),
    503: ("MAINTENANCE", "Système en maintenance"),
}


class NonLifeError(Exception):
    def __init__(self, status: int, code: str, libelle: str) -> None:
        super().__init__(libelle)
        self.status = status
        self.code = code
        self.libelle = libelle


def error_response(status: int, code: str, libelle: str) -> Response:
    return JSONResponse({"erreur": {"code": code, "libelle": libelle}}, status_code=status)


def render_error(status: int, message: str) -> Response:
    code, libelle = _LIBELLES.get(status, (f"HTTP_{status}", message))
    return error_response(status, code, libelle)


def _bad(code: str, libelle: str) -> NonLifeError:
    return NonLifeError(400, code, libelle)


def _check_numero(numero: str) -> str:
    if not NUMERO.fullmatch(numero):
        raise _bad("NUMERO_INVALIDE", f"Numéro de police invalide : {numero!r} (format N.SS)")
    return numero


def _int_param(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]+", raw):
        raise _bad("PARAMETRE_INVALIDE", f"{name} doit être un nombre entier")
    entier = ENTIER.fullmatch(raw)
    if entier is None:
        raise _bad("PARAMETRE_INVALIDE", f"{name} est trop grand")
    value = int(entier.group(1))
    if value < low or (high is not None and value > high):
        bound = f"entre {low} et {high}" if high is not None else f"au moins {low}"
        raise _bad("PARAMETRE_INVALIDE", f"{name} doit être {bound}")
    return value


class NonLifeApi:
    def __init__(self, policies: dict[str, Police]) -> None:
        self.policies = policies

    def _police(self, request: Request) -> Police:
        numero = _check_numero(request.path_params["numero"])
        police = self.policies.get(numero)
        if police is None:
            raise NonLifeError(404, "POLICE_INCONNUE", f"Police inconnue : {numero}")
        return police

    async def police(self, request: Request) -> Response:
        return JSONResponse(police_json(self._police(request)))

    async def garanties(self, request: Request) -> Response:
        police = self._police(request)
        offset = _int_param(request, "offset", 0, 0, None)
        limite = _int_param(request, "limite", LIMITE_DEFAULT, 1, LIMITE_MAX)
        available = police.contract.details_available
        coverages = police.contract.coverages if available else []
        return JSONResponse(
            {
                "total": len(coverages),
                "offset": offset,
                "limite": limite,
                "elements": [garantie_json(c) for c in coverages[offset : offset + limite]],
                "detailsDisponibles": available,
            }
        )

    async def lot(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise _bad("CORPS_INVALIDE", "Le corps de la requête doit être du JSON") from None
        numeros = body.get("numeros") if isinstance(body, dict) else None
        if not isinstance(numeros, list) or not all(isinstance(n, str) for n in numeros):
            raise _bad("CORPS_INVALIDE", "numeros doit être une liste de chaînes")
        if len(numeros) > MAX_LOT:
            raise _bad("LOT_TROP_GRAND", f"Au maximum {MAX_LOT} numéros par lot")
        wanted = [_check_numero(n) for n in dict.fromkeys(numeros)]
        return JSONResponse(
            {
                "polices": [
                    police_json(self.policies[n], with_garanties=True)
                    for n in wanted
                    if n in self.policies
                ],
                "inconnus": [n for n in wanted if n not in self.policies],
            }
        )


async def _on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NonLifeError):
        return error_response(exc.status, exc.code, exc.libelle)
    if isinstance(exc, HTTPException):
        response = render_error(exc.status_code, exc.detail)
        response.headers.update(exc.headers or {})
        return response
    raise exc


def create_app(ctx: SystemContext) -> Starlette:
    api = NonLifeApi(index_policies(ctx.world))
    routes = [
        Route("/polices/lot", api.lot, methods=["POST"]),
        Route("/polices/{numero}", api.police, methods=["GET"]),
        Route("/polices/{numero}/garanties", api.garanties, methods=["GET"]),
    ]
    return Starlette(
        routes=routes, exception_handlers={NonLifeError: _on_error, HTTPException: _on_error}
    )
