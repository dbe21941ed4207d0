"""The `bff` command: run the demo, the BFF alone, the sandbox alone; personas and tokens."""

from __future__ import annotations

import argparse
import subprocess
import sys

import uvloop

from bff.listen import ListenError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bff", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="sandbox back office + BFF on this machine")
    demo.add_argument("--port", type=int, default=8000, help="the BFF's port (default 8000)")
    demo.add_argument(
        "--sandbox-port",
        action="append",
        default=[],
        metavar="NAME=PORT",
        help="fix a sandbox system's port (repeatable); others take free ports",
    )
    demo.add_argument("--seed", type=int, default=42, help="sandbox data seed")
    demo.add_argument(
        "--latency",
        choices=["realistic", "off"],
        default="realistic",
        help="the sandbox systems' injected latency",
    )

    sub.add_parser("serve", help="the BFF alone; backends and secrets from BFF_* variables")

    sandbox = sub.add_parser("sandbox", help="the sandbox systems alone")
    sandbox.add_argument("args", nargs=argparse.REMAINDER, help="passed to `sandbox serve`")

    personas = sub.add_parser("personas", help="the sandbox's named personas")
    personas.add_argument("--json", action="store_true")

    token = sub.add_parser("token", help="log a persona in through the sandbox providers")
    token.add_argument("--persona", required=True)
    token.add_argument("--bff-url", default="http://127.0.0.1:8000")

    sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    return parser


def _sandbox(*args: str) -> int:
    """Run the sandbox's own command line (a separate program: bff never imports it)."""
    try:
        return subprocess.call([sys.executable, "-m", "sandbox", *args])  # noqa: S603
    except KeyboardInterrupt:
        return 0


def _fail(message: str, code: int = 1) -> int:
    print(f"bff: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export-schema":
        from strawberry.printer import print_schema

        from bff.schema import schema

        print(print_schema(schema))
        return 0
    if args.command == "personas":
        return _sandbox("personas", *(["--json"] if args.json else []))
    if args.command == "sandbox":
        return _sandbox("serve", *args.args)
    if args.command == "token":
        from bff.token_cli import TokenError, obtain_token

        try:
            print(obtain_token(args.persona, args.bff_url))
        except TokenError as exc:
            return _fail(str(exc))
        return 0
    if args.command == "demo":
        from bff.demo import DemoError, DemoOptions, run

        options = DemoOptions(
            port=args.port,
            sandbox_ports=args.sandbox_port,
            seed=args.seed,
            latency=args.latency,
        )
        try:
            uvloop.run(run(options))
        except (DemoError, ListenError) as exc:
            return _fail(str(exc))
        except KeyboardInterrupt:
            return 0
        return 0
    if args.command == "serve":
        from bff.serve import ServeError, serve

        try:
            serve()
        except (ServeError, ListenError) as exc:
            return _fail(str(exc))
        return 0
    return _fail(f"unknown command {args.command}", 2)


if __name__ == "__main__":
    raise SystemExit(main())
