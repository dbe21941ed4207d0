"""Identifiers as the back-office systems print them, read strictly and written canonically:
printed contract numbers `BB/NNNNNNN/SS` (policy administration, document store, broker
registry) and enterprise (FSMA) numbers `0NNN.NNN.NNN`."""

from __future__ import annotations

import re

from bff.adapters.errors import BackendProtocolError
from bff.domain.records import ContractKey

_PRINTED = re.compile(r"(\d{2})/(\d{7})/(\d{2})", re.ASCII)
_ENTERPRISE_SEPARATORS = str.maketrans("", "", ". ")
_ENTERPRISE_ANSWER = re.compile(r"\d{4}\.\d{3}\.\d{3}|\d{10}", re.ASCII)


def key_of_printed(system: str, number: str) -> ContractKey:
    """The key of a printed number `BB/NNNNNNN/SS` in an answer; anything else breaks the
    system's protocol."""
    match = _PRINTED.fullmatch(number)
    if match is None:
        raise BackendProtocolError(system, f"{number!r} is not a BB/NNNNNNN/SS contract number")
    return ContractKey(int(match[2]), int(match[3]))


def enterprise_digits(value: str) -> str | None:
    """The 10 digits of an enterprise number typed with or without dots or spaces, the leading
    0 added to the 9-digit form; None when it is no such number (its check digits included:
    the last two are 97 - the first eight mod 97)."""
    digits = value.translate(_ENTERPRISE_SEPARATORS)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return None
    return digits if 97 - int(digits[:8]) % 97 == int(digits[8:]) else None


def enterprise_of_answer(system: str, value: str) -> str:
    """The 10 digits of an enterprise number in an answer (`0NNN.NNN.NNN` or bare)."""
    digits = enterprise_digits(value) if _ENTERPRISE_ANSWER.fullmatch(value) else None
    if digits is None:
        raise BackendProtocolError(system, f"{value!r} is not an enterprise number")
    return digits
