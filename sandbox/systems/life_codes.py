"""The life platform's own code lists: internal product codes and transaction type codes.

Product codes (derived from the world's product by its Telebib2 attributes, first rule wins):

    SCEXEC  Scala executive                      name mentions "executive"
    SCVAPZ  Scala free pension (VAPZ)            tax regime 15
    SCIPT   Scala privilege (IPT)                tax regime 16
    SCPOZ   Scala professional pension (POZ)     tax regime 21
    NNSTR   NN Strategy                          name mentions "strategy"
    PENSAV  pension savings plan                 tax regime 6
    LTSAV   long-term savings plan               tax regime 4
    GINC    guaranteed income                    A502 221
    DEATH   standalone death cover               name mentions death / décès / overlijden
    INV23   other branch-23 investment plan      A502 120
    MULTI   other multi-branch plan              A502 140
    TRAD21  branch-21 life plan                  A502 110
    CAPI26  capitalisation                       A509 26
    L<A502> anything else

Transaction type codes (F6):

    PREM  premium payment                 SURR  surrender
    PSUR  partial surrender               SWIT  switch between funds
    ASSL  automatic switch: stop loss     ASCG  automatic switch: securing capital gains
    ASDF  automatic switch: drip feed     ASPD  automatic switch: profit-sharing dynamisation
    RISK  withdrawal of risk premiums     TRFR  transfer
    ALEV  advance levy withdrawal         PROF  allocation of profit sharing
    ADVC  advance (Scala)
"""

from __future__ import annotations

from sandbox.world import Product, TransactionType

TRANSACTION_CODES: dict[TransactionType, str] = {
    TransactionType.PREMIUM: "PREM",
    TransactionType.SURRENDER: "SURR",
    TransactionType.PARTIAL_SURRENDER: "PSUR",
    TransactionType.SWITCH: "SWIT",
    TransactionType.AUTO_SWITCH_STOP_LOSS: "ASSL",
    TransactionType.AUTO_SWITCH_SECURE_GAINS: "ASCG",
    TransactionType.AUTO_SWITCH_DRIP_FEED: "ASDF",
    TransactionType.AUTO_SWITCH_PROFIT_DYNAMISATION: "ASPD",
    TransactionType.RISK_PREMIUM: "RISK",
    TransactionType.TRANSFER: "TRFR",
    TransactionType.ADVANCE_LEVY: "ALEV",
    TransactionType.PROFIT_SHARING: "PROF",
    TransactionType.ADVANCE: "ADVC",
}

_TAX_REGIME_CODES = {"15": "SCVAPZ", "16": "SCIPT", "21": "SCPOZ"}
_SAVINGS_CODES = {"6": "PENSAV", "4": "LTSAV"}
_A502_CODES = {"120": "INV23", "140": "MULTI", "110": "TRAD21"}
_DEATH_WORDS = ("death", "décès", "deces", "overlijden")


def product_code(product: Product) -> str:
    """The platform's internal code for a life product."""
    name = product.name.lower()
    tax = product.tax_regime or ""
    if "executive" in name:
        return "SCEXEC"
    if tax in _TAX_REGIME_CODES:
        return _TAX_REGIME_CODES[tax]
    if "strategy" in name:
        return "NNSTR"
    if tax in _SAVINGS_CODES:
        return _SAVINGS_CODES[tax]
    if product.a502 == "221":
        return "GINC"
    if any(word in name for word in _DEATH_WORDS):
        return "DEATH"
    if product.a502 in _A502_CODES:
        return _A502_CODES[product.a502]
    if product.a509 == "26":
        return "CAPI26"
    return f"L{product.a502}"
