"""Only `{ __typename }` answers anonymous callers.

Every root field of Query declares a permission (see bff/auth/permissions.py); the
introspection fields (`__schema`, `__type`) have no resolver of ours to declare one on, so
this extension refuses an anonymous operation that selects them before it executes.
GraphiQL keeps working for a signed-in user: its introspection query carries the session.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from bff.auth.permissions import SIGN_IN
from bff.auth.principal import Principal

OPEN_TO_ANONYMOUS = frozenset({"__typename"})


def root_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> Iterator[str]:
    """The names of the fields an operation selects at its root, through fragments."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                yield from root_fields(fragment.selection_set, fragments, seen | {name})


class AnonymousIntrospection(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        anonymous = not isinstance(getattr(context.context, "principal", None), Principal)
        if anonymous and document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                if context.operation_name and (
                    definition.name is None or definition.name.value != context.operation_name
                ):
                    continue
                names = set(root_fields(definition.selection_set, fragments))
                if any(n.startswith("__") and n not in OPEN_TO_ANONYMOUS for n in names):
                    error = GraphQLError(SIGN_IN, extensions={"code": "UNAUTHENTICATED"})
                    context.result = ExecutionResult(data=None, errors=[error])
        yield
