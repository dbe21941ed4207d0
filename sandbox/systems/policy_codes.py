"""How the policy administration stores the world's records: Telebib2 codes and its numbers.

Contract status, Telebib2 A003 (world ContractStatus -> A003 + termination reason):

    active          1  in force
    surrendered     2  terminated, reason 02 (surrender)
    expired         2  terminated, reason 01 (end date reached)
    cancelled       3  cancelled (annulled: treated as never in force)
    suspended       4  suspended
    in_acceptance   5  in force from first payment (accepted, not yet in force)

A003 6 ("in force until") exists in the code list but the sandbox never uses it.

Termination reasons: a small code list of the policy administration's own, sent only with
A003 2 (`TERMINATION_REASONS`): 01 expiry, 02 surrender by the policyholder, 03 death of the
insured, 04 non-payment of premium, 05 termination by the insurer, 06 termination by the
policyholder at renewal. The world only produces 01 and 02.

Party roles, Telebib2 X043: policyholder 003, co-policyholder 017, insured 013, beneficiary 014,
beneficiary in case of life 048, beneficiary in case of death 049, driver 004, owner 012; the
broker is the intermediary, 002.

Payment frequency, Telebib2 A325: none 0, yearly 1, half-yearly 2, quarterly 3, monthly 4,
single premium 5, free 8.

Policy numbers: the policy administration writes `BB/NNNNNNN/SS` (BB = the digits of the legal
branch A509, e.g. "01a" -> "01"; NNNNNNN the 7-digit contract base; SS the 2-digit suffix) and
reads any of the formats the other systems print (life platform `NNNNNNN-SS`, non-life system
`N.SS` without the base's leading zeros) or the bare digits (A8). Writing uses sandbox.ids;
reading is `read_policy_number`, which tells the formats apart by their digit groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from sandbox.world import ContractStatus, PaymentFrequency, Role

INTERMEDIARY: Final = "002"

ROLE_CODES: Final[dict[Role, str]] = {
    Role.POLICYHOLDER: "003",
    Role.CO_POLICYHOLDER: "017",
    Role.INSURED: "013",
    Role.BENEFICIARY: "014",
    Role.BENEFICIARY_LIFE: "048",
    Role.BENEFICIARY_DEATH: "049",
    Role.DRIVER: "004",
    Role.OWNER: "012",
}

# Every X043 code the schema admits (006 insurer is in Telebib2 but never on a sandbox contract).
X043_CODES: Final = ("002", "003", "004", "006", "012", "013", "014", "017", "048", "049")

TERMINATION_REASONS: Final[dict[str, str]] = {
    "01": "expiry",
    "02": "surrender by the policyholder",
    "03": "death of the insured",
    "04": "non-payment of premium",
    "05": "termination by the insurer",
    "06": "termination by the policyholder at renewal",
}

A003_CODES: Final = ("1", "2", "3", "4", "5", "6")

_STATUS: Final[dict[ContractStatus, tuple[str, str | None]]] = {
    ContractStatus.ACTIVE: ("1", None),
    ContractStatus.SURRENDERED: ("2", "02"),
    ContractStatus.EXPIRED: ("2", "01"),
    ContractStatus.CANCELLED: ("3", None),
    ContractStatus.SUSPENDED: ("4", None),
    ContractStatus.IN_ACCEPTANCE: ("5", None),
}

PAYMENT_FREQUENCY: Final[dict[PaymentFrequency, str]] = {
    PaymentFrequency.NONE: "0",
    PaymentFrequency.YEARLY: "1",
    PaymentFrequency.HALF_YEARLY: "2",
    PaymentFrequency.QUARTERLY: "3",
    PaymentFrequency.MONTHLY: "4",
    PaymentFrequency.SINGLE: "5",
    PaymentFrequency.FREE: "8",
}

_SEPARATORS: Final = re.compile(r"[/.\-\s]+")


def status_code(status: ContractStatus) -> tuple[str, str | None]:
    """(A003 code, termination reason or None)."""
    return _STATUS[status]


def cents(amount: Decimal) -> int:
    return int(amount.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def digits_only(text: str) -> str | None:
    """A8: the digits of a reference typed with '/', '-', '.' or spaces; None if anything else."""
    stripped = _SEPARATORS.sub("", text)
    return stripped if stripped.isdigit() and stripped.isascii() else None


@dataclass(frozen=True)
class PolicyNumber:
    base: int
    suffix: int
    branch: str | None  # the two branch digits, when the number carried them


def read_policy_number(text: str) -> PolicyNumber | None:
    """Reads `BB/NNNNNNN/SS`, `NNNNNNN-SS`, `N.SS` or bare digits; None if it is none of them."""
    groups = [g for g in _SEPARATORS.split(text.strip()) if g]
    if not groups or not all(g.isascii() and g.isdigit() for g in groups):
        return None
    if len(groups) == 1:
        digits = groups[0]
        if len(digits) == 11:
            groups = [digits[:2], digits[2:9], digits[9:]]
        elif 3 <= len(digits) <= 9:
            groups = [digits[:-2], digits[-2:]]
        else:
            return None
    if len(groups) == 3:
        branch, base, suffix = groups
        if len(branch) != 2:
            return None
    elif len(groups) == 2:
        branch = None
        base, suffix = groups
    else:
        return None
    if not 1 <= len(base) <= 7 or len(suffix) != 2:
        return None
    return PolicyNumber(int(base), int(suffix), branch)
