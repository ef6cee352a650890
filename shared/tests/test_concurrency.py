"""If-Match parsing and checking (RFC 9110 13.1.1): strong comparison, `*`, lists, clear refusals."""

from __future__ import annotations

import pytest

from callcenter_shared.concurrency import MalformedIfMatch, PreconditionFailed, parse_if_match


@pytest.mark.parametrize(
    ("header", "version"), [('"4"', 4), ("*", 99), ('"1", "4"', 4), (' "4" ', 4), ('W/"3", "4"', 4)]
)
def test_matching_if_match_passes(header: str, version: int) -> None:
    parse_if_match(header).check(version, "Employee A")


@pytest.mark.parametrize("header", ['"3"', 'W/"4"', '"40"'])
def test_other_or_weak_tag_is_412_naming_the_current_version(header: str) -> None:
    with pytest.raises(PreconditionFailed) as refused:
        parse_if_match(header).check(4, "Employee A")
    assert refused.value.extensions == {"current_version": 4}
    assert "Employee A is at version 4" in refused.value.detail


@pytest.mark.parametrize("header", ["4", '"four"', '"4', "", ",", '"4";"5"', '"-1"', '"1e3"', '"99999999999999999999"'])
def test_malformed_if_match_is_refused_with_what_is_expected(header: str) -> None:
    with pytest.raises(MalformedIfMatch) as refused:
        parse_if_match(header)
    assert refused.value.status == 400
    assert 'If-Match: "3"' in refused.value.detail
