"""No lost updates: row locks for every change, `ETag`/`If-Match` for clients.

A PATCH reads its row with `callcenter_shared.db.get_for_update` (the row stays locked until commit, and the
session's copy is refreshed from the database), so concurrent changes apply one after
another, each seeing the one before. A client that read version 4 and sends
`If-Match: "4"` gets 412 instead of overwriting a version 5 it has not seen.

Versioned resources send `ETag: "<version>"` (a strong tag: the version changes with
every change of the representation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Response

from callcenter_shared.errors import DomainError, problem_response_doc
from callcenter_shared.i18n import Message, t

_ENTITY_TAG = re.compile(r'(W/)?"(\d{1,18})"')


class MalformedIfMatch(DomainError):
    status = 400
    title = t("Malformed If-Match")
    slug = "malformed-if-match"


class PreconditionFailed(DomainError):
    """The client's If-Match names a version that is no longer current; nothing was changed."""

    status = 412
    title = t("Precondition failed")
    slug = "precondition-failed"


@dataclass(frozen=True)
class Precondition:
    """A parsed If-Match: the versions the client accepts, or None for `*` (any current version)."""

    versions: frozenset[int] | None

    def check(self, version: int, what: Message) -> None:
        """Refuse with 412 unless `version` (of the locked row) is one the client named."""
        if self.versions is None or version in self.versions:
            return
        named = ", ".join(str(v) for v in sorted(self.versions)) or t("only weak tags")
        raise PreconditionFailed(
            t(
                "{what} is at version {version}, not {named}: it changed since you read it. Read it again "
                "and re-apply your change.",
                what=what,
                version=version,
                named=named,
            ),
            current_version=version,
        )


def parse_if_match(value: str) -> Precondition:
    """`*`, or a comma-separated list of entity tags as this API sends them in `ETag` (`"7"`)."""
    if value.strip() == "*":
        return Precondition(None)
    versions: set[int] = set()
    for part in value.split(","):
        match = _ENTITY_TAG.fullmatch(part.strip())
        if match is None:
            raise MalformedIfMatch(
                t(
                    'If-Match must be * or entity tags as sent in ETag, e.g. If-Match: "3"; got {value!r}.',
                    value=value[:100],
                )
            )
        # If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches.
        if match.group(1) is None:
            versions.add(int(match.group(2)))
    return Precondition(frozenset(versions))


async def if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            description='Change only if the resource is still at this version: the `ETag` you read, e.g. `"3"`. '
            "A version that is no longer current gets 412 and nothing changes; without the header the change "
            "applies to whatever version is current.",
            examples=['"3"'],
        ),
    ] = None,
) -> Precondition | None:
    return None if if_match is None else parse_if_match(if_match)


IfMatch = Annotated[Precondition | None, Depends(if_match_header)]


def check(precondition: Precondition | None, version: int, what: Message) -> None:
    """Apply the client's If-Match, if any, to the locked row's version."""
    if precondition is not None:
        precondition.check(version, what)


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


_ETAG_HEADER = {
    "ETag": {"description": 'The version of the resource as an entity tag, e.g. `"3"`', "schema": {"type": "string"}}
}

# OpenAPI for single-resource reads and changes of versioned resources (`responses=` of the route).
ETAG_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"headers": _ETAG_HEADER}}
IF_MATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": _ETAG_HEADER},
    400: problem_response_doc("Malformed If-Match"),
    412: problem_response_doc("If-Match names a version that is no longer current; nothing changed"),
}
