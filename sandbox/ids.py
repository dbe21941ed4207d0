"""Identifiers of the Belgian and Dutch back offices: generators and checks (domain.md).

Every `is_valid_*` check returns a bool and accepts the printed form (with its usual
separators) or the bare digits. Every generator takes a `random.Random`, so the sandbox
stays deterministic.
"""

from __future__ import annotations

import random
import re
import string
from datetime import date


def normalise_reference(value: str) -> str:
    """A8: users type the digits only, so lookups compare digits only."""
    return "".join(c for c in value if c.isdigit())


def _mod97_check(number: int) -> int:
    """97 - (n mod 97): the check of national register and enterprise numbers."""
    return 97 - number % 97


def _mod97_remainder(number: int) -> int:
    """n mod 97 with 0 written as 97: IBAN national check and structured references."""
    return number % 97 or 97


# Belgian national register number (rijksregisternummer / numéro de registre national)

_NRN_FORMAT = re.compile(r"^\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}$")


def format_nrn(digits: str) -> str:
    """`YYMMDDSSSCC` as `YY.MM.DD-SSS.CC`."""
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


def nrn_check_digits(first_nine: str, born_from_2000: bool) -> int:
    prefix = "2" if born_from_2000 else ""
    return _mod97_check(int(prefix + first_nine))


def make_nrn(birth_date: date, serial: int) -> str:
    """The formatted number; `serial` 1..997 is odd for men and even for women."""
    if not 1 <= serial <= 997:
        raise ValueError("serial must be between 1 and 997")
    first_nine = f"{birth_date:%y%m%d}{serial:03d}"
    check = nrn_check_digits(first_nine, birth_date.year >= 2000)
    return format_nrn(f"{first_nine}{check:02d}")


def generate_nrn(rng: random.Random, birth_date: date, male: bool) -> str:
    serial = rng.randrange(1 if male else 2, 997, 2)
    return make_nrn(birth_date, serial)


def _nrn_digits(value: str) -> str | None:
    if _NRN_FORMAT.match(value):
        return normalise_reference(value)
    if len(value) == 11 and value.isdigit():
        return value
    return None


def nrn_birth_date(value: str) -> date | None:
    """The birth date the number encodes (century from the check digits), if it is a date."""
    digits = _nrn_digits(value)
    if digits is None:
        return None
    check = int(digits[9:])
    for born_from_2000, century in ((False, 1900), (True, 2000)):
        if nrn_check_digits(digits[:9], born_from_2000) == check:
            try:
                return date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
            except ValueError:
                return None
    return None


def nrn_is_male(value: str) -> bool:
    return int(normalise_reference(value)[6:9]) % 2 == 1


def is_valid_nrn(value: str) -> bool:
    """Check digits for a birth before or from 2000, a serial 001..997 and a real birth date."""
    digits = _nrn_digits(value)
    if digits is None or not 1 <= int(digits[6:9]) <= 997:
        return False
    return nrn_birth_date(digits) is not None


# Belgian enterprise number (KBO/BCE); a broker's FSMA number is its enterprise number

_ENTERPRISE_FORMAT = re.compile(r"^[01]\d{3}\.\d{3}\.\d{3}$")


def format_enterprise_number(digits: str) -> str:
    return f"{digits[0:4]}.{digits[4:7]}.{digits[7:10]}"


def generate_enterprise_number(rng: random.Random) -> str:
    first_eight = f"0{rng.randrange(2_000_000, 9_999_999):07d}"
    return format_enterprise_number(f"{first_eight}{_mod97_check(int(first_eight)):02d}")


def is_valid_enterprise_number(value: str) -> bool:
    if _ENTERPRISE_FORMAT.match(value):
        digits = normalise_reference(value)
    elif len(value) == 10 and value.isdigit() and value[0] in "01":
        digits = value
    else:
        return False
    return _mod97_check(int(digits[:8])) == int(digits[8:])


# IBAN (ISO 13616) with the Belgian national check

_IBAN_LENGTHS = {"BE": 16, "NL": 18, "LU": 20, "FR": 27, "DE": 22}
_BELGIAN_BANKS = ("001", "068", "063", "143", "310", "363", "539", "645", "735", "734", "973")
_DUTCH_BANKS = ("INGB", "ABNA", "RABO", "SNSB", "TRIO", "ASNB")


def _letters_to_digits(value: str) -> str:
    return "".join(str(int(c, 36)) for c in value)


def _iban_remainder(compact: str) -> int:
    return int(_letters_to_digits(compact[4:] + compact[:4])) % 97


def _iban_with_check(country: str, bban: str) -> str:
    check = 98 - _iban_remainder(f"{country}00{bban}")
    return f"{country}{check:02d}{bban}"


def format_iban(iban: str) -> str:
    """Groups of four: `BE68 5390 0754 7034`."""
    compact = iban.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def generate_belgian_iban(rng: random.Random) -> str:
    first_ten = f"{rng.choice(_BELGIAN_BANKS)}{rng.randrange(10_000_000):07d}"
    bban = f"{first_ten}{_mod97_remainder(int(first_ten)):02d}"
    return format_iban(_iban_with_check("BE", bban))


def generate_dutch_iban(rng: random.Random) -> str:
    bban = f"{rng.choice(_DUTCH_BANKS)}{rng.randrange(100_000_000, 10_000_000_000):010d}"
    return format_iban(_iban_with_check("NL", bban))


def is_valid_iban(value: str) -> bool:
    """ISO 13616 mod 97 = 1, the country's length where known, and Belgium's national check."""
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
        return False
    country = compact[:2]
    if _IBAN_LENGTHS.get(country, len(compact)) != len(compact):
        return False
    if _iban_remainder(compact) != 1:
        return False
    if country == "BE":
        bban = compact[4:]
        return bban.isdigit() and _mod97_remainder(int(bban[:10])) == int(bban[10:])
    return True


def is_valid_belgian_iban(value: str) -> bool:
    return value.replace(" ", "").upper().startswith("BE") and is_valid_iban(value)


# Structured payment reference (gestructureerde mededeling / communication structurée)

_STRUCTURED_FORMAT = re.compile(r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")


def structured_reference(first_ten: int) -> str:
    """`+++DDD/DDDD/DDDCC+++` for a number below 10**10."""
    if not 0 < first_ten < 10**10:
        raise ValueError("a structured reference carries 1 to 10 digits")
    d = f"{first_ten:010d}{_mod97_remainder(first_ten):02d}"
    return f"+++{d[0:3]}/{d[3:7]}/{d[7:12]}+++"


def generate_structured_reference(rng: random.Random) -> str:
    return structured_reference(rng.randrange(1, 10**10))


def is_valid_structured_reference(value: str) -> bool:
    if _STRUCTURED_FORMAT.match(value):
        digits = normalise_reference(value)
    elif len(value) == 12 and value.isdigit():
        digits = value
    else:
        return False
    first_ten = int(digits[:10])
    return first_ten > 0 and _mod97_remainder(first_ten) == int(digits[10:])


# Dutch citizen service number (BSN) and postcode


def _bsn_sum(digits: str) -> int:
    weighted = sum((9 - i) * int(d) for i, d in enumerate(digits[:8]))
    return weighted - int(digits[8])


def generate_bsn(rng: random.Random) -> str:
    while True:
        first_eight = f"{rng.randrange(10_000_000, 100_000_000):08d}"
        last = sum((9 - i) * int(d) for i, d in enumerate(first_eight)) % 11
        if last < 10:
            return f"{first_eight}{last}"


def is_valid_bsn(value: str) -> bool:
    """The 11-test: (9d1 + 8d2 + ... + 2d8 - d9) mod 11 = 0."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    return _bsn_sum(value) % 11 == 0


_DUTCH_POSTCODE = re.compile(r"^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$")
_POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


def generate_dutch_postcode(rng: random.Random, low: int = 1000, high: int = 9999) -> str:
    """`1234 AB` with the digits between low and high (a city's range)."""
    while True:
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if letters not in {"SA", "SD", "SS"}:
            return f"{rng.randint(low, high)} {letters}"


def is_valid_dutch_postcode(value: str) -> bool:
    return bool(_DUTCH_POSTCODE.match(value))


def is_valid_belgian_postcode(value: str) -> bool:
    return len(value) == 4 and value.isdigit() and value[0] != "0"


# ISIN (ISO 6166)

_ISIN_FORMAT = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}\d$")


def _luhn_sum(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total


def isin_check_digit(first_eleven: str) -> int:
    return (10 - _luhn_sum(_letters_to_digits(first_eleven) + "0") % 10) % 10


def generate_isin(rng: random.Random, country: str = "LU") -> str:
    body = country + "".join(rng.choice(string.digits) for _ in range(9))
    return f"{body}{isin_check_digit(body)}"


def is_valid_isin(value: str) -> bool:
    """Luhn over the expansion of letters to numbers (A=10 ... Z=35)."""
    if not _ISIN_FORMAT.match(value):
        return False
    return _luhn_sum(_letters_to_digits(value)) % 10 == 0


# Contract numbers: one contract, one number format per back-office system (A7, A8)


def branch_digits(a509: str) -> str:
    """Telebib2 A509 legal branch without its letters: "10a" -> "10", "01a" -> "01"."""
    return "".join(c for c in a509 if c.isdigit()).zfill(2)


def policy_number(a509: str, base: int, suffix: int) -> str:
    """Policy administration: `BB/NNNNNNN/SS`."""
    return f"{branch_digits(a509)}/{base:07d}/{suffix:02d}"


def life_number(base: int, suffix: int) -> str:
    """Life platform: `NNNNNNN-SS`."""
    return f"{base:07d}-{suffix:02d}"


def nonlife_number(base: int, suffix: int) -> str:
    """Non-life system: `N.SS`, the 7-digit base without its leading zeros."""
    return f"{base}.{suffix:02d}"


def parse_policy_number(value: str) -> tuple[str, int, int] | None:
    """(branch digits, base, suffix) from `BB/NNNNNNN/SS` or its 11 digits."""
    digits = normalise_reference(value)
    if len(digits) != 11:
        return None
    return digits[0:2], int(digits[2:9]), int(digits[9:11])


def parse_life_number(value: str) -> tuple[int, int] | None:
    """(base, suffix) from `NNNNNNN-SS` or its 9 digits."""
    digits = normalise_reference(value)
    if len(digits) != 9:
        return None
    return int(digits[0:7]), int(digits[7:9])


def parse_nonlife_number(value: str) -> tuple[int, int] | None:
    """(base, suffix) from `N.SS` or its digits; the base has 1 to 7 digits."""
    digits = normalise_reference(value)
    if not 3 <= len(digits) <= 9 or int(digits[:-2]) == 0:
        return None
    return int(digits[:-2]), int(digits[-2:])


# Vehicles and phones

_PLATE = re.compile(r"^[12]-[A-Z]{3}-\d{3}$")
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O, Q
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def generate_belgian_plate(rng: random.Random) -> str:
    """The 2010 format `1-ABC-234` (the leading digit 1 or 2)."""
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    return f"{rng.choice('12')}-{letters}-{rng.randrange(1000):03d}"


def is_valid_belgian_plate(value: str) -> bool:
    return bool(_PLATE.match(value))


def generate_vin(rng: random.Random, wmi: str) -> str:
    """A 17-character VIN after the manufacturer's 3-character world identifier."""
    return wmi + "".join(rng.choice(_VIN_CHARS) for _ in range(14))


def is_valid_vin(value: str) -> bool:
    return bool(_VIN.match(value))


def generate_belgian_mobile(rng: random.Random) -> str:
    """E.164: `+32 4xx xx xx xx`."""
    prefix = rng.choice(("460", "468", "470", "471", "472", "473", "475", "476", "477", "478"))
    return f"+32{prefix}{rng.randrange(1_000_000):06d}"


def generate_dutch_mobile(rng: random.Random) -> str:
    return f"+316{rng.randrange(10_000_000, 100_000_000):08d}"


def is_valid_belgian_mobile(value: str) -> bool:
    return bool(re.fullmatch(r"\+324[5-9]\d{7}", value))
