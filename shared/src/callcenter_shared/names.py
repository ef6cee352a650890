"""People's display names next to their ids in responses, read in one statement per response.

A read schema declares `<role>_name: PersonName = None` next to `<role>_id` (or next to a
`<role>` id field such as `created_by`); `with_names` walks a response (a model, a page, a
list, nested models) and fills every such field from one lookup of all the ids it found.
Scheduling reads its own directory table; the other services read their org copy
(`callcenter_shared.org.org_employee`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any, TypeVar, get_args

from pydantic import BaseModel, Field
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.org import org_employee


class _PersonNameMarker:
    """Marks a schema field as the display name of the person whose id sits next to it."""


PERSON_NAME = _PersonNameMarker()

PersonName = Annotated[
    str | None,
    Field(description="The person's display name from the org directory; null if the directory does not know them"),
    PERSON_NAME,
]

Response = TypeVar("Response")


async def names_of(session: AsyncSession, person_ids: Iterable[uuid.UUID | None], table: Table) -> dict[uuid.UUID, str]:
    """Names by id from a directory table (the owner's or a read copy), in one statement."""
    wanted = {i for i in person_ids if i is not None}
    names = _read_in_this_session(session, table, wanted)
    unread = wanted - names.keys()
    if unread:
        rows = await session.execute(select(table.c.id, table.c.name).where(table.c.id.in_(unread)))
        names.update({row.id: row.name for row in rows})
    return names


def _read_in_this_session(session: AsyncSession, table: Table, wanted: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the wanted people this transaction already holds as objects of the table's mapped class.

    A write usually has loaded the people its response names (a superior, an owner): no second read.
    """
    if not wanted:
        return {}
    names: dict[uuid.UUID, str] = {}
    for instance in session.identity_map.values():
        if getattr(type(instance), "__table__", None) is not table:
            continue
        loaded = instance.__dict__  # only what is loaded: reading an expired attribute would query
        if loaded.get("id") in wanted and isinstance(loaded.get("name"), str):
            names[loaded["id"]] = loaded["name"]
    return names


@cache
def person_name_fields(model: type[BaseModel]) -> dict[str, str]:
    """`{name field: id field}` for every `PersonName` field of `model`.

    `<role>_name` pairs with `<role>_id` if the model has it, else with `<role>` (`created_by`).
    """
    pairs: dict[str, str] = {}
    for field_name, info in model.model_fields.items():
        if not any(item is PERSON_NAME for item in info.metadata):
            continue
        role = field_name.removesuffix("_name")
        id_field = f"{role}_id" if f"{role}_id" in model.model_fields else role
        if id_field not in model.model_fields:
            raise TypeError(f"{model.__name__}.{field_name} has no id field ({role}_id or {role}) to name")
        pairs[field_name] = id_field
    return pairs


def _may_hold_models(annotation: Any) -> bool:
    """Whether a field of this type can hold a model (or a list of them): `with_names` looks inside it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    if annotation is Any or isinstance(annotation, TypeVar):
        return True
    return any(_may_hold_models(argument) for argument in get_args(annotation))


@cache
def _nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` that can hold models; the others (ids, names, dates) are never walked."""
    return tuple(name for name, info in model.model_fields.items() if _may_hold_models(info.annotation))


def _models_in(value: Any, found: list[BaseModel]) -> list[BaseModel]:
    """Every model in `value` (itself, the models in its fields, in lists and tuples, at any depth)."""
    if isinstance(value, BaseModel):
        found.append(value)
        for field_name in _nested_fields(type(value)):
            _models_in(getattr(value, field_name), found)
    elif isinstance(value, list | tuple):
        for item in value:
            _models_in(item, found)
    return found


async def with_names(session: AsyncSession, response: Response, table: Table = org_employee) -> Response:
    """`response` with every `PersonName` field filled, from one lookup of all its ids."""
    wanted: list[tuple[BaseModel, str, uuid.UUID]] = []
    for model in _models_in(response, []):
        for name_field, id_field in person_name_fields(type(model)).items():
            person_id = getattr(model, id_field)
            if isinstance(person_id, uuid.UUID):
                wanted.append((model, name_field, person_id))
    names = await names_of(session, (person_id for _, _, person_id in wanted), table)
    for model, name_field, person_id in wanted:
        setattr(model, name_field, names.get(person_id))
    return response
