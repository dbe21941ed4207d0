"""schema.graphql is the published contract: it must equal what the code exports."""

from pathlib import Path

from strawberry.printer import print_schema

from bff.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_schema_file_is_current() -> None:
    exported = print_schema(schema)
    assert SCHEMA_FILE.read_text() == exported + "\n", (
        "schema.graphql is stale: run `bff export-schema > schema.graphql`"
    )


def test_every_type_and_field_has_a_description() -> None:
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Boolean", "Int", "Float", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert missing == []
