"""The CRM's secret codes: activation codes sent by post (A5) and one-time SMS codes.

Codes made at run time come from the operating system's randomness (`secrets`), never from
the world's seed. Activation codes live in the world's records (the generator seeds some);
one-time codes and the SMS inbox are the CRM's own short-lived state.
"""

from __future__ import annotations

import calendar
import hmac
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sandbox.world import ActivationCode, Language, Party, World

MAX_ACTIVATION_FAILURES = 5
ACTIVATION_VALID_MONTHS = 3
ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I
OTP_VALID_FOR = timedelta(minutes=5)
MAX_OTP_FAILURES = 5
INBOX_SIZE = 20

SMS_TEXTS = {
    Language.NL: "Uw verificatiecode is {code}. Deze code vervalt na 5 minuten.",
    Language.FR: "Votre code de vérification est {code}. Il expire dans 5 minutes.",
    Language.DE: "Ihr Bestätigungscode lautet {code}. Er läuft in 5 Minuten ab.",
    Language.EN: "Your verification code is {code}. It expires in 5 minutes.",
}


def compact_code(code: str) -> str:
    """Activation codes compare without separators and case: "abcd-efgh" == "ABCDEFGH"."""
    return "".join(c for c in code if c.isalnum()).upper()


def _compact_postcode(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ActivationCodes:
    """A5: one code per person per request, expiring, single use, blocked after 5 failures."""

    def __init__(self, world: World, today: Callable[[], date]) -> None:
        self.world = world
        self.today = today
        self.failures: dict[tuple[str, str], int] = {}  # (compact code, party id) -> count

    def issue(self, party_id: str) -> ActivationCode:
        """A new code for the person; their earlier unused codes stop working."""
        for earlier in self.codes_of(party_id):
            if not earlier.used:
                earlier.blocked = True
        raw = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(12))
        today = self.today()
        record = ActivationCode(
            code=f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}",
            party_id=party_id,
            issued=today,
            expires=add_months(today, ACTIVATION_VALID_MONTHS),
        )
        self.world.activation_codes.append(record)
        return record

    def codes_of(self, party_id: str) -> list[ActivationCode]:
        return [c for c in self.world.activation_codes if c.party_id == party_id]

    def verify(self, code: str, birth_date: date, postcode: str) -> str | None:
        """The party id when the combination is right and the code still usable, else None.

        A wrong birth date or postcode counts as a failed attempt on the code; the fifth
        blocks it for good. The caller answers every None the same way.
        """
        wanted = compact_code(code)
        if not wanted:
            return None
        today = self.today()
        live = [
            record
            for record in self.world.activation_codes
            if hmac.compare_digest(compact_code(record.code).encode(), wanted.encode())
            and not record.used
            and not record.blocked
            and today <= record.expires
        ]
        for record in live:
            party = self.world.parties.get(record.party_id)
            if (
                party is not None
                and party.birth_date == birth_date
                and _compact_postcode(party.address.postcode) == _compact_postcode(postcode)
            ):
                record.used = True
                return record.party_id
        for record in live:
            key = (wanted, record.party_id)
            self.failures[key] = self.failures.get(key, 0) + 1
            if self.failures[key] >= MAX_ACTIVATION_FAILURES:
                record.blocked = True
        return None


class OtpRefusal(StrEnum):
    NOT_FOUND = "OTP_NOT_FOUND"
    INVALID = "OTP_INVALID"
    EXPIRED = "OTP_EXPIRED"
    USED = "OTP_USED"
    BLOCKED = "OTP_BLOCKED"


class OtpRefused(Exception):
    def __init__(self, reason: OtpRefusal, attempts_left: int | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.attempts_left = attempts_left


@dataclass
class OneTimeCode:
    id: str
    party_id: str
    phone: str
    code: str
    expires_at: datetime
    failures: int = 0
    used: bool = False


@dataclass(frozen=True)
class Sms:
    phone: str
    party_id: str
    text: str
    code: str
    sent_at: datetime
    expires_at: datetime

    def as_json(self) -> dict[str, str]:
        return {
            "phone": self.phone,
            "partyId": self.party_id,
            "text": self.text,
            "code": self.code,
            "sentAt": self.sent_at.isoformat(),
            "expiresAt": self.expires_at.isoformat(),
        }


def _phone_key(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


class OneTimeCodes:
    """6-digit codes sent by SMS: valid 5 minutes, used once, burnt after 5 wrong tries."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.codes: dict[str, OneTimeCode] = {}
        self.inbox: dict[str, deque[Sms]] = {}  # phone digits -> the last messages

    def send(self, party: Party, phone: str) -> OneTimeCode:
        now = self.now()
        self._forget_before(now - timedelta(hours=1))
        record = OneTimeCode(
            id=secrets.token_urlsafe(16),
            party_id=party.id,
            phone=phone,
            code=f"{secrets.randbelow(10**6):06d}",
            expires_at=now + OTP_VALID_FOR,
        )
        self.codes[record.id] = record
        text = SMS_TEXTS.get(party.language, SMS_TEXTS[Language.EN]).format(code=record.code)
        sms = Sms(phone, party.id, text, record.code, now, record.expires_at)
        self.inbox.setdefault(_phone_key(phone), deque(maxlen=INBOX_SIZE)).appendleft(sms)
        return record

    def verify(self, otp_id: str, code: str) -> str:
        """The party id, or OtpRefused saying why."""
        record = self.codes.get(otp_id)
        if record is None:
            raise OtpRefused(OtpRefusal.NOT_FOUND)
        if record.used:
            raise OtpRefused(OtpRefusal.USED)
        if record.failures >= MAX_OTP_FAILURES:
            raise OtpRefused(OtpRefusal.BLOCKED)
        if self.now() >= record.expires_at:
            raise OtpRefused(OtpRefusal.EXPIRED)
        if not hmac.compare_digest(record.code.encode(), code.strip().encode()):
            record.failures += 1
            left = MAX_OTP_FAILURES - record.failures
            if left == 0:
                raise OtpRefused(OtpRefusal.BLOCKED)
            raise OtpRefused(OtpRefusal.INVALID, attempts_left=left)
        record.used = True
        return record.party_id

    def messages_to(self, phone: str) -> list[Sms]:
        return list(self.inbox.get(_phone_key(phone), ()))

    def messages_of(self, party_id: str) -> list[Sms]:
        found = [m for box in self.inbox.values() for m in box if m.party_id == party_id]
        return sorted(found, key=lambda m: m.sent_at, reverse=True)

    def _forget_before(self, moment: datetime) -> None:
        for stale in [k for k, r in self.codes.items() if r.expires_at < moment]:
            del self.codes[stale]
