"""The dashboard query and what a life failure must leave of it (partial results)."""

from __future__ import annotations

from typing import Any

DASHBOARD = """{ viewer { displayName totalWealth { total { amount } }
  contracts { id number broker { name }
    ... on LifeContract { reserve { amount { amount } } } } } }"""
PERSONA = "strategy-investor"


def life_nulled(body: dict[str, Any]) -> bool:
    viewer = body["data"]["viewer"]
    return (
        bool(viewer["displayName"])
        and viewer["totalWealth"] is None
        and all(c["reserve"] is None and c["broker"]["name"] for c in viewer["contracts"])
        and {e["extensions"]["system"] for e in body["errors"]} == {"life"}
        and {e["extensions"]["code"] for e in body["errors"]} == {"BACKEND_UNAVAILABLE"}
    )
