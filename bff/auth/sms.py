"""Login by activation letter and one-time SMS code, for persons without itsme or eID (A1).

Registration, once (A5): the person types the activation code from the letter, their birth
date and postcode. The CRM checks the combination (the code works once, expires, and is
blocked after five failures) and says only "valid" or "not valid", so we answer one generic
message whatever part was wrong. On success the party is enrolled for SMS login (`SmsEnrolments`)
and the first one-time code goes out: the answer is a `login_id`.

Every later login: the person gives their customer number (the CRM party id printed on every
letter, e.g. P0000818; case and separators ignored, A8). When that party is enrolled the CRM
sends a code; either way the answer is a fresh `login_id`, so it does not tell whether the
number exists or is enrolled (an unknown one gets a decoy login that no code opens).

Verify: `login_id` + the 6-digit code. The CRM checks it (once, within 5 minutes, five wrong
tries burn it); we count wrong tries too, so decoys refuse exactly like real logins. Success
opens a session with method sms and level of assurance substantial (A2) in the same session
store as the itsme/eID logins.

The `login_id` is ours, random and short-lived; the CRM's otp id never leaves the BFF. Codes,
activation codes and customer numbers are never logged. Rate limits are in `sms_routes`.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from bff.adapters.crm import NoMobileNumber
from bff.adapters.errors import BackendError, BackendNotFound
from bff.auth.errors import AuthError, ServiceUnavailable
from bff.auth.login import SessionOpener
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile

LOGIN_TTL_S = 300  # as long as the CRM's code lives
MAX_WRONG_CODES = 5  # as the CRM: the fifth wrong code ends the login
MAX_PENDING = 100_000
_OTP = re.compile(r"[0-9]{6}")
_CUSTOMER_NUMBER = re.compile(r"[A-Z0-9]{1,20}")
_SEPARATORS = re.compile(r"[\s./\-]")


class ActivationRefused(AuthError):
    code = "activation_invalid"
    status = 400

    @property
    def public_message(self) -> str:
        return "This combination of activation code, birth date and postcode is not valid."


class CodeRefused(AuthError):
    code = "code_invalid"
    status = 400

    @property
    def public_message(self) -> str:
        return "The code is not valid. Check it, or ask for a new code."


class NoMobile(AuthError):
    code = "no_mobile_number"
    status = 409

    @property
    def public_message(self) -> str:
        return "No mobile number is known for you; please contact your broker."


class SmsCrm(Protocol):
    """What the SMS login needs of the CRM (`CrmAdapter` provides it)."""

    async def verify_activation(self, code: str, birth_date: date, postcode: str) -> str | None: ...

    async def send_otp(self, party_id: str) -> str: ...

    async def verify_otp(self, otp_id: str, code: str) -> str | None: ...


class SmsEnrolments(Protocol):
    """Which parties have activated SMS login."""

    async def enrol(self, party_id: str) -> None: ...

    async def is_enrolled(self, party_id: str) -> bool: ...


class MemorySmsEnrolments:
    """In this process only: a restart forgets them (the person then needs a new letter)."""

    def __init__(self) -> None:
        self._parties: set[str] = set()

    async def enrol(self, party_id: str) -> None:
        self._parties.add(party_id)

    async def is_enrolled(self, party_id: str) -> bool:
        return party_id in self._parties


@dataclass(frozen=True)
class PendingSmsLogin:
    party_id: str | None  # None: a decoy, for a number that is unknown or not enrolled
    otp_id: str | None
    device_id: str | None  # when given at the start, the verify must come from that device
    expires: float
    wrong_codes: int = 0


class PendingSmsLogins(Protocol):
    async def put(self, login_id: str, login: PendingSmsLogin) -> None: ...

    async def get(self, login_id: str) -> PendingSmsLogin | None: ...

    async def drop(self, login_id: str) -> None: ...


class MemoryPendingSmsLogins:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._logins: dict[str, PendingSmsLogin] = {}

    async def put(self, login_id: str, login: PendingSmsLogin) -> None:
        if len(self._logins) >= MAX_PENDING:
            now = self.clock()
            for key, old in list(self._logins.items()):
                if old.expires <= now:
                    del self._logins[key]
        self._logins[login_id] = login

    async def get(self, login_id: str) -> PendingSmsLogin | None:
        login = self._logins.get(login_id)
        if login is not None and login.expires <= self.clock():
            del self._logins[login_id]
            return None
        return login

    async def drop(self, login_id: str) -> None:
        self._logins.pop(login_id, None)


def customer_number(raw: str) -> str | None:
    """The party id the person typed, without separators and case (A8); None if malformed."""
    value = _SEPARATORS.sub("", raw).upper()
    return value if _CUSTOMER_NUMBER.fullmatch(value) else None


class SmsLogin:
    def __init__(
        self,
        crm: SmsCrm,
        enrolments: SmsEnrolments,
        pending: PendingSmsLogins,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.crm = crm
        self.enrolments = enrolments
        self.pending = pending
        self.clock = clock

    async def activate(
        self, code: str, birth_date: date, postcode: str, device_id: str | None
    ) -> str:
        """A5: redeem the letter's code, enrol the party, send the first code -> login_id."""
        try:
            party_id = await self.crm.verify_activation(code, birth_date, postcode)
        except BackendError as exc:
            raise ServiceUnavailable(f"activation check failed: {exc}") from None
        if party_id is None:
            raise ActivationRefused("the CRM refused the activation")
        await self.enrolments.enrol(party_id)
        try:
            return await self._send(party_id, device_id)
        except NoMobileNumber:
            raise NoMobile("activated, but the CRM knows no mobile number") from None

    async def start(self, number: str, device_id: str | None) -> str:
        """A login by customer number -> login_id; the same answer for unknown numbers."""
        party_id = customer_number(number)
        if party_id is not None and await self.enrolments.is_enrolled(party_id):
            try:
                return await self._send(party_id, device_id)
            except (NoMobileNumber, BackendNotFound):
                pass  # answered like an unknown number
        return await self._remember(PendingSmsLogin(None, None, device_id, self._expiry()))

    async def verify(self, login_id: str, code: str, device_id: str | None) -> str:
        """The party id when `code` is the login's one-time code; the login is then over."""
        login = await self.pending.get(login_id)
        if login is None:
            raise CodeRefused("unknown, used or expired login")
        if login.device_id is not None and not (
            device_id is not None and hmac.compare_digest(login.device_id, device_id)
        ):
            raise CodeRefused("the login was started on another device")
        party_id: str | None = None
        if login.party_id is not None and login.otp_id is not None and _OTP.fullmatch(code):
            try:
                party_id = await self.crm.verify_otp(login.otp_id, code)
            except BackendError as exc:
                raise ServiceUnavailable(f"code check failed: {exc}") from None
        if party_id is None or party_id != login.party_id:
            wrong = login.wrong_codes + 1
            if wrong >= MAX_WRONG_CODES:
                await self.pending.drop(login_id)
            else:
                await self.pending.put(login_id, replace(login, wrong_codes=wrong))
            raise CodeRefused(f"wrong code ({wrong} of {MAX_WRONG_CODES})")
        await self.pending.drop(login_id)  # single use, even before the CRM's own check
        return party_id

    async def _send(self, party_id: str, device_id: str | None) -> str:
        try:
            otp_id = await self.crm.send_otp(party_id)
        except (NoMobileNumber, BackendNotFound):
            raise
        except BackendError as exc:
            raise ServiceUnavailable(f"sending the code failed: {exc}") from None
        return await self._remember(PendingSmsLogin(party_id, otp_id, device_id, self._expiry()))

    async def _remember(self, login: PendingSmsLogin) -> str:
        login_id = secrets.token_urlsafe(24)
        await self.pending.put(login_id, login)
        return login_id

    def _expiry(self) -> float:
        return self.clock() + LOGIN_TTL_S


async def open_sms_session(
    opener: SessionOpener, party_id: str, profile: Profile, device_id: str | None
) -> tuple[str, int]:
    """A2: a customer session for a party proven by SMS code -> (secret, lifetime in s).
    The same store as the provider logins, so device rules and revocation apply alike."""
    principal = Principal(
        kind=PrincipalKind.CUSTOMER,
        subject=party_id,
        profile=profile,
        method=AuthMethod.SMS,
        assurance=Assurance.SUBSTANTIAL,
        auth_time=datetime.now(UTC),
    )
    secret, _ = await opener.sessions.create(principal, device_id)
    return secret, opener.ttl_s
