"""`python -m sandbox serve | personas`: the sandbox back office as a product of its own."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import uvloop

from sandbox.generate import REFERENCE_DAY
from sandbox.runner import SYSTEM_NAMES, Options, PortError, serve


def _port_assignment(text: str) -> tuple[str, int]:
    name, _, port = text.partition("=")
    if name not in SYSTEM_NAMES or not port.isdigit() or not 0 <= int(port) < 65536:
        raise argparse.ArgumentTypeError(
            f"expected NAME=PORT with NAME one of {', '.join(SYSTEM_NAMES)}"
        )
    return name, int(port)


def _as_of(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date YYYY-MM-DD") from None
    if day < REFERENCE_DAY:
        raise argparse.ArgumentTypeError(f"must be {REFERENCE_DAY} or later")
    return day


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="run every system on its own localhost port")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument(
        "--port",
        action="append",
        type=_port_assignment,
        default=[],
        metavar="NAME=PORT",
        help="fix one system's port (repeatable); the others take free ports",
    )
    run.add_argument("--seed", type=int, default=42, help="data generator seed (default 42)")
    run.add_argument("--as-of", type=_as_of, default=None, help="the data's today (>= 2024-01-01)")
    run.add_argument("--latency", choices=["realistic", "off"], default="realistic")
    personas = sub.add_parser("personas", help="list the named personas")
    personas.add_argument("--json", action="store_true")
    personas.add_argument("--seed", type=int, default=42)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "personas":
        from sandbox.generate import build_world
        from sandbox.personas import persona_records

        records = persona_records(build_world(seed=args.seed))
        public = [
            {k: r[k] for k in ("id", "kind", "profile", "description", "login")} for r in records
        ]
        if args.json:
            print(json.dumps(public, indent=2))
        else:
            for r in public:
                print(f"{r['id']:<20} {r['kind']:<9} {r['profile']:<7} {r['description']}")
        return 0
    options = Options(
        host=args.host,
        ports=dict(args.port),
        seed=args.seed,
        as_of=args.as_of,
        latency=args.latency,
    )
    try:
        uvloop.run(serve(options))
    except PortError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
