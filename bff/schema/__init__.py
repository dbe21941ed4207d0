"""The public GraphQL schema."""

from functools import partial

import strawberry
from strawberry.extensions import MaskErrors

from bff.schema.contract import LifeContract, NonLifeContract
from bff.schema.errors import should_mask
from bff.schema.query import Query

schema = strawberry.Schema(
    query=Query,
    types=[LifeContract, NonLifeContract],
    extensions=[partial(MaskErrors, should_mask_error=should_mask)],
)
