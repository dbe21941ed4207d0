"""`bff token --persona ID`: log a sandbox persona in the way its frontend would, and print the
credential the BFF gives (mobile bearer session, web session, or the broker issuer's JWT).

Everything goes through the identity providers over HTTP; the sandbox's persona picker is
answered here as the persona would answer it on their phone or card reader.
"""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from bff.auth.routes import SESSION_COOKIE


class TokenError(Exception):
    pass


def device_id_for(persona_id: str) -> str:
    """A stable device per persona, so a second token does not end the first (A4)."""
    return "sandbox-device-" + hashlib.sha256(persona_id.encode()).hexdigest()[:16]


def _json(response: httpx.Response, what: str) -> Any:
    if response.status_code != 200:
        raise TokenError(f"{what} answered {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise TokenError(f"{what} did not answer JSON") from None


def _redirect(response: httpx.Response, what: str) -> str:
    location: str | None = response.headers.get("location")
    if response.status_code not in (302, 303) or not location:
        raise TokenError(f"{what} answered {response.status_code}: {response.text[:200]}")
    return location


class _HiddenInputs(HTMLParser):
    """Collects the hidden inputs of the provider's login page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "input" and fields.get("type") == "hidden" and fields.get("name"):
            self.values[fields["name"] or ""] = fields.get("value") or ""


def _confirm_at_provider(http: httpx.Client, authorize_url: str, persona_id: str) -> str:
    """Play the persona at the provider's picker; return where the provider redirects to."""
    page = http.get(authorize_url)
    if page.status_code != 200:
        raise TokenError(f"the provider refused the login request ({page.status_code})")
    inputs = _HiddenInputs()
    inputs.feed(page.text)
    request_id = inputs.values.get("request_id")
    if not request_id:
        raise TokenError("the provider's login page has no request to confirm")
    decision = http.post(
        urljoin(authorize_url, "/authorize/decision"),
        data={"request_id": request_id, "persona": persona_id},
    )
    return _redirect(decision, "the provider")


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _broker_token(http: httpx.Client, issuer: str, persona: dict[str, Any]) -> str:
    metadata = _json(http.get(f"{issuer}/.well-known/openid-configuration"), "the broker issuer")
    answer = _json(
        http.post(
            metadata["token_endpoint"],
            data={"grant_type": "client_credentials"},
            auth=(persona["client_id"], persona["client_secret"]),
        ),
        "the broker issuer",
    )
    return str(answer["access_token"])


def _mobile_token(http: httpx.Client, bff: str, provider: str, persona_id: str) -> str:
    device = device_id_for(persona_id)
    start = _json(
        http.post(f"{bff}/auth/mobile/{provider}/start", json={"device_id": device}),
        "the BFF",
    )
    params = _query(_confirm_at_provider(http, start["authorization_url"], persona_id))
    if "code" not in params:
        raise TokenError(f"the provider refused: {params.get('error', 'no code')}")
    answer = _json(
        http.post(
            f"{bff}/auth/mobile/{provider}/token",
            json={
                "code": params["code"],
                "state": params.get("state", ""),
                "iss": params.get("iss", ""),
                "device_id": device,
            },
        ),
        "the BFF",
    )
    return str(answer["access_token"])


def _web_session(http: httpx.Client, bff: str, provider: str, persona_id: str) -> str:
    login = _redirect(http.get(f"{bff}/auth/{provider}/login"), "the BFF")
    callback = _confirm_at_provider(http, login, persona_id)
    done = http.get(callback)
    _redirect(done, "the BFF")
    for header in done.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == SESSION_COOKIE:
            return rest.split(";", 1)[0]
    raise TokenError("the BFF set no session cookie")


def _sms_inbox(http: httpx.Client, crm: str, party_id: str) -> list[dict[str, Any]]:
    answer = _json(http.get(f"{crm}/_sandbox/sms", params={"partyId": party_id}), "the CRM")
    return list(answer["messages"])


def _sms_login(http: httpx.Client, bff: str, itsme: str, persona: dict[str, Any]) -> str:
    """Activation by letter on the first run, /auth/sms/start on later ones; the letter and
    the SMS are read from the sandbox CRM, as the person reads their post and phone. When the
    start sends no SMS (this BFF forgot the enrolment), a new letter is asked for."""
    crm = str(_json(http.get(f"{itsme}/_sandbox/systems"), "the sandbox")["crm"]).rstrip("/")
    party_id = str(persona["party_id"])
    device = device_id_for(persona["id"]) if persona["profile"] == "mobile" else None
    before = {(m["sentAt"], m["code"]) for m in _sms_inbox(http, crm, party_id)}
    login_id = ""
    if not _usable_letter(http, crm, party_id):
        start = http.post(
            f"{bff}/auth/sms/start", json={"customer_number": party_id, "device_id": device}
        )
        login_id = str(_json(start, "the BFF")["login_id"])
    new = [m for m in _sms_inbox(http, crm, party_id) if (m["sentAt"], m["code"]) not in before]
    if not new:
        letter = _usable_letter(http, crm, party_id)
        if letter is None:
            requested = http.post(f"{crm}/activation/request", json={"partyId": party_id})
            if requested.status_code != 202:
                raise TokenError(f"the CRM sent no activation letter ({requested.status_code})")
            letter = _usable_letter(http, crm, party_id)
        person = _json(http.get(f"{crm}/parties/{party_id}"), "the CRM")
        activate = http.post(
            f"{bff}/auth/sms/activate",
            json={
                "activation_code": letter,
                "birth_date": person["birthDate"],
                "postcode": person["address"]["postcode"],
                "device_id": device,
            },
        )
        login_id = str(_json(activate, "the BFF")["login_id"])
        new = _sms_inbox(http, crm, party_id)[:1]
    if not new:
        raise TokenError("no SMS arrived")
    answer = _json(
        http.post(
            f"{bff}/auth/sms/verify",
            json={
                "login_id": login_id,
                "code": new[0]["code"],
                "profile": persona["profile"],
                "device_id": device,
            },
        ),
        "the BFF",
    )
    return str(answer["access_token"])


def _usable_letter(http: httpx.Client, crm: str, party_id: str) -> str | None:
    letters = _json(http.get(f"{crm}/_sandbox/letters", params={"partyId": party_id}), "the CRM")
    for letter in letters["letters"]:
        if not letter["used"] and not letter["blocked"]:
            return str(letter["code"])
    return None


def obtain_token(persona_id: str, bff_url: str) -> str:
    bff = bff_url.rstrip("/")
    with httpx.Client(timeout=20, follow_redirects=False) as http:
        try:
            providers = _json(http.get(f"{bff}/auth/providers"), f"the BFF at {bff}")
            personas = _json(
                http.get(f"{providers['itsme']['issuer']}/_sandbox/personas"),
                "the sandbox",
            )
        except httpx.HTTPError:
            raise TokenError(f"no BFF backed by the sandbox answers at {bff}") from None
        by_id = {p["id"]: p for p in personas}
        persona = by_id.get(persona_id)
        if persona is None:
            raise TokenError(f"unknown persona {persona_id!r}; known: {', '.join(sorted(by_id))}")
        try:
            if persona["kind"] == "broker":
                return _broker_token(http, providers["broker"]["issuer"], persona)
            provider = persona["login"]
            if provider == "sms":
                return _sms_login(http, bff, providers["itsme"]["issuer"], persona)
            if provider not in ("itsme", "eid"):
                raise TokenError(f"persona {persona_id!r} logs in by {provider}, not offered yet")
            if persona["profile"] == "mobile":
                return _mobile_token(http, bff, provider, persona_id)
            return _web_session(http, bff, provider, persona_id)
        except httpx.HTTPError as exc:
            raise TokenError(f"login failed: {type(exc).__name__}") from None
