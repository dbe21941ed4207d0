"""The operation files of examples/operations/: their text, the personas they are meant for
(`# personas: a, b`) and the variables each persona sends (`# variables a: {...}`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "examples" / "operations"
PERSONAS_LINE = re.compile(r"#\s*personas:\s*(.*)")
VARIABLES_LINE = re.compile(r"#\s*variables\s+([\w-]+)\s*:\s*(.*)")


@dataclass(frozen=True)
class Operation:
    name: str  # the file name without .graphql
    text: str
    personas: tuple[str, ...]
    variables: dict[str, str] = field(default_factory=dict)  # persona -> its JSON text
    problems: tuple[str, ...] = ()  # header lines that could not be read

    def variables_of(self, persona: str) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.variables.get(persona, "{}"))
        return value


def operation_files() -> list[Path]:
    return sorted(OPERATIONS_DIR.glob("*.graphql"))


def read_operation(path: Path) -> Operation:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = PERSONAS_LINE.fullmatch(lines[0].strip()) if lines else None
    personas = tuple(p.strip() for p in first.group(1).split(",")) if first else ()
    problems = [] if first else ["the first line is not `# personas: ...`"]
    variables: dict[str, str] = {}
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        found = VARIABLES_LINE.fullmatch(stripped)
        if found is None:
            if stripped.startswith("# variables"):
                problems.append(f"unreadable variables line: {stripped}")
            continue
        if found.group(1) in variables:
            problems.append(f"two variables lines for {found.group(1)}")
        variables[found.group(1)] = found.group(2)
    return Operation(path.stem, text, personas, variables, tuple(problems))


def all_operations() -> list[Operation]:
    return [read_operation(path) for path in operation_files()]
