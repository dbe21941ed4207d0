"""The shared machinery of the two OpenID Connect providers (itsme-like and eID/FAS-like).

Both run the authorization code flow with PKCE S256: `/authorize` checks the request and parks
it, a persona picker stands in for the user's phone or card reader, `/authorize/decision`
issues a single-use code, and `/token` redeems it. What differs between the providers (how
the client authenticates, what the id_token looks like) stays in each provider's module.
The OAuth helpers at the top (forms, errors, HTTP Basic) also serve the broker token issuer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.idp.keys import b64url
from sandbox.world import LoginMethod, Party, Persona, PersonaKind, World

Clock = Callable[[], float]
T = TypeVar("T")

PENDING_TTL_S = 300  # an authorization request waits 5 minutes for the user
CODE_TTL_S = 60
ID_TOKEN_TTL_S = 600
MAX_ENTRIES = 10_000  # per store: beyond it the oldest entries go first
MAX_FORM_BYTES = 64 * 1024
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
_CLIENT_ID = re.compile(r"[\x21-\x7e]{1,200}")


# --- OAuth plumbing -------------------------------------------------------------------------


class FormError(ValueError):
    pass


async def read_form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body; a repeated parameter is an error (RFC 6749)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise FormError("expected an application/x-www-form-urlencoded body")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormError("request body too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise FormError("malformed form body") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise FormError(f"parameter {name} given more than once")
        form[name] = value
    return form


def oauth_error(
    error: str, description: str, status: int = 400, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An RFC 6749 section 5.2 error body."""
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )


def fault_response(status: int, message: str) -> Response:
    """How an injected fault looks on an OAuth endpoint."""
    error = "server_error" if status == 500 else "temporarily_unavailable"
    return oauth_error(error, message, status)


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """client_id and secret from an RFC 6749 section 2.3.1 HTTP Basic header (form-encoded)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def secrets_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def sandbox_secret(seed: int, label: str) -> bytes:
    """A provider secret derived from the world's seed. SANDBOX ONLY: anyone can recompute it."""
    return hashlib.sha256(f"SANDBOX ONLY|{label}|{seed}".encode()).digest()


def opaque_subject(secret: bytes, *parts: str) -> str:
    """A stable opaque subject: HMAC-SHA256 over the parts (for pairwise ids: client and party)."""
    mac = hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256)
    return b64url(mac.digest())


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier)))."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def nrn_digits(party: Party) -> str:
    return "".join(c for c in party.nrn or "" if c.isdigit())


# --- expiring single-use state --------------------------------------------------------------


class ExpiringStore(Generic[T]):
    """Entries that live `ttl_s` seconds. One TTL per store keeps insertion order equal to
    expiry order, so purging only ever looks at the oldest entries."""

    def __init__(self, ttl_s: float, clock: Clock, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, T]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: str, value: T) -> None:
        now = self.clock()
        self.purge(now)
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries.pop(key, None)
        self._entries[key] = (now + self.ttl_s, value)

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def take(self, key: str) -> T | None:
        """The entry, removed: whatever the caller does next, it cannot be taken twice."""
        entry = self._entries.pop(key, None)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def purge(self, now: float) -> None:
        while self._entries:
            oldest = next(iter(self._entries))
            if self._entries[oldest][0] > now:
                return
            del self._entries[oldest]


# --- relying parties ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRegistration:
    """A relying party as registered out of band (in the sandbox: PUT /_sandbox/clients/...)."""

    client_id: str
    redirect_uris: tuple[str, ...]
    jwks_uri: str | None = None  # itsme: private_key_jwt and id_token encryption keys
    client_secret: str | None = None  # eID: client_secret_basic; SANDBOX ONLY

    def as_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["redirect_uris"] = list(self.redirect_uris)
        return {k: v for k, v in record.items() if v is not None}


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 2000:
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not parts.fragment


def parse_redirect_uris(body: Mapping[str, object]) -> tuple[str, ...]:
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not uris:
        raise ValueError("redirect_uris must be a non-empty list")
    if not all(is_http_url(uri) for uri in uris):
        raise ValueError("each redirect URI must be an absolute http(s) URL without fragment")
    return tuple(str(uri) for uri in uris)


RegistrationParser = Callable[[str, Mapping[str, object]], ClientRegistration]


def registration_route(clients: dict[str, ClientRegistration], parse: RegistrationParser) -> Route:
    """GET, PUT and DELETE /_sandbox/clients/{client_id}: the sandbox's out-of-band registration."""

    async def endpoint(request: Request) -> Response:
        client_id: str = request.path_params["client_id"]
        if not _CLIENT_ID.fullmatch(client_id):
            return JSONResponse({"error": "client_id must be 1 to 200 visible ASCII"}, 400)
        if request.method == "GET":
            found = clients.get(client_id)
            if found is None:
                return JSONResponse({"error": f"no client {client_id}"}, 404)
            return JSONResponse(found.as_json())
        if request.method == "DELETE":
            clients.pop(client_id, None)
            return Response(status_code=204)
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
            clients[client_id] = parse(client_id, body)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return Response(status_code=204)

    return Route("/_sandbox/clients/{client_id}", endpoint, methods=["GET", "PUT", "DELETE"])


# --- the authorization code flow ------------------------------------------------------------


@dataclass(frozen=True)
class ProviderProfile:
    """What the persona picker says and offers for one provider."""

    title: str  # "itsme"
    instruction: str  # what the real provider would ask the user to do
    login: LoginMethod  # personas with this preferred login are listed first
    acr_choices: tuple[tuple[str, str], ...]  # (acr value, label)
    default_acr: str


@dataclass(frozen=True)
class PendingRequest:
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    acr: str  # the requested assurance: the picker's default
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class IssuedCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    party_id: str
    acr: str
    auth_time: int
    scopes: tuple[str, ...]


class AuthorizationFlow:
    """Registered clients, pending requests and codes of one provider, and its browser routes."""

    def __init__(self, issuer: str, world: World, profile: ProviderProfile, clock: Clock) -> None:
        self.issuer = issuer
        self.world = world
        self.profile = profile
        self.clock = clock
        self.clients: dict[str, ClientRegistration] = {}
        self.pending: ExpiringStore[PendingRequest] = ExpiringStore(PENDING_TTL_S, clock)
        self.codes: ExpiringStore[IssuedCode] = ExpiringStore(CODE_TTL_S, clock)

    def routes(self) -> list[Route]:
        return [
            Route("/authorize", self.authorize, methods=["GET"]),
            Route("/authorize/decision", self.decide, methods=["POST"]),
        ]

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        for name in ("client_id", "redirect_uri"):
            if len(query.getlist(name)) > 1:
                return error_page(400, f"{name} given more than once")
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            return error_page(400, "unknown client_id")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return error_page(400, "redirect_uri is not registered for this client")
        state = query.get("state", "")

        def fail(error: str, description: str) -> Response:
            params = {"error": error, "error_description": description, "iss": self.issuer}
            if state:
                params["state"] = state
            return redirect(redirect_uri, params)

        repeated = sorted({k for k in query if len(query.getlist(k)) > 1})
        if repeated:
            return fail("invalid_request", f"parameter {repeated[0]} given more than once")
        if "request" in query:
            return fail("request_not_supported", "request objects are not supported")
        if "request_uri" in query:
            return fail("request_uri_not_supported", "request_uri is not supported")
        response_type = query.get("response_type")
        if not response_type:
            return fail("invalid_request", "response_type is required")
        if response_type != "code":
            return fail("unsupported_response_type", "only response_type=code is supported")
        scopes = tuple(query.get("scope", "").split())
        if "openid" not in scopes:
            return fail("invalid_scope", "scope must contain openid")
        if not state:
            return fail("invalid_request", "state is required")
        nonce = query.get("nonce", "")
        if not nonce:
            return fail("invalid_request", "nonce is required")
        challenge = query.get("code_challenge", "")
        if not challenge:
            return fail("invalid_request", "code_challenge is required (PKCE)")
        if query.get("code_challenge_method") != "S256":
            return fail("invalid_request", "code_challenge_method must be S256")
        if not _CHALLENGE.fullmatch(challenge):
            return fail("invalid_request", "code_challenge must be 43 base64url characters")
        if "none" in query.get("prompt", "").split():
            return fail("login_required", "the user must confirm every login")
        pending = PendingRequest(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            state=state,
            nonce=nonce,
            code_challenge=challenge,
            acr=self._requested_acr(query.get("acr_values", "")),
            scopes=scopes,
        )
        request_id = secrets.token_urlsafe(24)
        self.pending.add(request_id, pending)
        return self._picker(request_id, pending)

    async def decide(self, request: Request) -> Response:
        try:
            form = await read_form(request)
        except FormError as exc:
            return error_page(400, str(exc))
        request_id = form.get("request_id", "")
        pending = self.pending.get(request_id)
        if pending is None:
            return error_page(400, "this login request is unknown, expired or already answered")
        if form.get("action") == "deny":
            self.pending.take(request_id)
            return redirect(
                pending.redirect_uri,
                {
                    "error": "access_denied",
                    "error_description": "the user refused",
                    "state": pending.state,
                    "iss": self.issuer,
                },
            )
        party = self._chosen_party(form)
        if party is None:
            return self._picker(request_id, pending, "choose a persona or a known party id", 400)
        acr = form.get("acr") or pending.acr
        if acr not in {value for value, _ in self.profile.acr_choices}:
            return self._picker(request_id, pending, "unknown level of assurance", 400)
        if self.pending.take(request_id) is None:  # expired between the two looks
            return error_page(400, "this login request is unknown, expired or already answered")
        code = secrets.token_urlsafe(32)
        self.codes.add(
            code,
            IssuedCode(
                client_id=pending.client_id,
                redirect_uri=pending.redirect_uri,
                code_challenge=pending.code_challenge,
                nonce=pending.nonce,
                party_id=party.id,
                acr=acr,
                auth_time=int(self.clock()),
                scopes=pending.scopes,
            ),
        )
        return redirect(
            pending.redirect_uri, {"code": code, "state": pending.state, "iss": self.issuer}
        )

    def redeem(self, form: Mapping[str, str], client_id: str) -> IssuedCode | Response:
        """The code of an authenticated client's token request, or the error to answer."""
        code, redirect_uri, verifier = (
            form.get("code", ""),
            form.get("redirect_uri", ""),
            form.get("code_verifier", ""),
        )
        if not code or not redirect_uri or not verifier:
            return oauth_error("invalid_request", "code, redirect_uri and code_verifier required")
        if not _VERIFIER.fullmatch(verifier):
            return oauth_error(
                "invalid_request", "code_verifier must be 43 to 128 unreserved chars"
            )
        issued = self.codes.take(code)
        if issued is None:
            return oauth_error("invalid_grant", "code unknown, expired or already used")
        if issued.client_id != client_id:
            return oauth_error("invalid_grant", "code was issued to another client")
        if issued.redirect_uri != redirect_uri:
            return oauth_error("invalid_grant", "redirect_uri differs from the authorization's")
        if not hmac.compare_digest(pkce_challenge(verifier), issued.code_challenge):
            return oauth_error("invalid_grant", "code_verifier does not match the code_challenge")
        return issued

    def login_personas(self) -> list[tuple[Persona, Party]]:
        """Customer and company personas whose person has a national register number."""
        found: list[tuple[Persona, Party]] = []
        for persona in self.world.personas.values():
            if persona.kind not in {PersonaKind.CUSTOMER, PersonaKind.COMPANY}:
                continue
            party = self.world.parties.get(persona.party_id or "")
            if party is not None and party.nrn:
                found.append((persona, party))
        found.sort(key=lambda pair: pair[0].login is not self.profile.login)
        return found

    def _requested_acr(self, acr_values: str) -> str:
        known = {value for value, _ in self.profile.acr_choices}
        for value in acr_values.split():
            if value in known:
                return value
        return self.profile.default_acr

    def _chosen_party(self, form: Mapping[str, str]) -> Party | None:
        typed = form.get("party_id", "").strip()
        if typed:
            party = self.world.parties.get(typed) or self.world.party_by_nrn(typed)
            return party if party is not None and party.nrn else None
        chosen = form.get("persona", "")
        for persona, party in self.login_personas():
            if persona.id == chosen:
                return party
        return None

    def _picker(
        self, request_id: str, pending: PendingRequest, problem: str = "", status: int = 200
    ) -> Response:
        return HTMLResponse(
            picker_html(self.profile, request_id, pending, self.login_personas(), problem),
            status_code=status,
            headers=PAGE_HEADERS,
        )


def redirect(uri: str, params: Mapping[str, str]) -> Response:
    separator = "&" if urlsplit(uri).query else "?"
    return RedirectResponse(
        f"{uri}{separator}{urlencode(params)}",
        status_code=302,
        headers={"Cache-Control": "no-store"},
    )


def error_page(status: int, message: str) -> Response:
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Login error</title>"
        f"</head><body><h1>Login error</h1><p>{html.escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def picker_html(
    profile: ProviderProfile,
    request_id: str,
    pending: PendingRequest,
    personas: list[tuple[Persona, Party]],
    problem: str = "",
) -> str:
    """The page where the sandbox user plays the person confirming the login."""
    e = html.escape
    rows = "".join(
        f'<li><label><input type=radio name=persona value="{e(persona.id)}"'
        f"{' checked' if index == 0 else ''}> {e(party.first_name)} {e(party.last_name)}"
        f" <small>({e(persona.id)}, {e(persona.kind.value)}: {e(persona.description)})"
        "</small></label></li>"
        for index, (persona, party) in enumerate(personas)
    )
    acrs = "".join(
        f'<label><input type=radio name=acr value="{e(value)}"'
        f"{' checked' if value == pending.acr else ''}> {e(label)}</label> "
        for value, label in profile.acr_choices
    )
    warning = f'<p role=alert style="color:#b00">{e(problem)}</p>' if problem else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{e(profile.title)} (sandbox)</title></head><body>"
        f"<h1>{e(profile.title)} (sandbox)</h1>"
        f"<p><b>{e(pending.client_id)}</b> asks you to log in ({e(' '.join(pending.scopes))})."
        f" {e(profile.instruction)}</p>{warning}"
        '<form method=post action="/authorize/decision">'
        f'<input type=hidden name=request_id value="{e(request_id)}">'
        f"<fieldset><legend>Who confirms?</legend><ul>{rows}</ul>"
        "<label>Any other party id or national number (overrides the choice above): "
        "<input type=text name=party_id autocomplete=off></label></fieldset>"
        f"<fieldset><legend>Level of assurance</legend>{acrs}</fieldset>"
        "<button type=submit name=action value=approve>Confirm</button> "
        "<button type=submit name=action value=deny>Refuse</button>"
        "</form></body></html>"
    )


def discovery(issuer: str) -> dict[str, Any]:
    """The discovery members both OpenID providers share."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
    }


def token_response(access_token: str, id_token: str) -> JSONResponse:
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_TTL_S,
            "id_token": id_token,
        },
        headers=NO_STORE,
    )
