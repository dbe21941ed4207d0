"""The public GraphQL schema."""

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from bff.schema.anonymous import AnonymousIntrospection
from bff.schema.contract import LifeContract, NonLifeContract
from bff.schema.errors import should_mask
from bff.schema.query import Query


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected errors (a client error, a backend outage) are answers, not incidents:
        only unexpected ones are logged, with their traceback."""
        for error in errors:
            if should_mask(error):
                StrawberryLogger.error(error, execution_context)


schema = Schema(
    query=Query,
    types=[LifeContract, NonLifeContract],
    extensions=[
        AnonymousIntrospection,
        partial(MaskErrors, should_mask_error=should_mask),
        # The frontends send the same few operations: parse and validate each text once
        # (bounded LRU, keyed by the query text; validation depends on nothing else).
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
    ],
)
