"""The holiday calendar's names in English and Simplified Chinese (ROS-3, issue 15).

A public holiday has both names from the `holidays` package (China: zh_CN and en_US); a center holiday has
the names it was given. `name` follows Accept-Language (Content-Language says which), `name_en` and
`name_zh` carry both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from callcenter_shared.i18n import CHINESE, ENGLISH
from scheduling.holiday.service import Holiday, library_language

ZH = {"Accept-Language": "zh-CN"}


async def calendar(floor: Any, start: str, end: str, headers: dict[str, str] | None = None) -> Any:
    response = await floor.client.get(
        "/v1/holidays", params={"from": start, "to": end}, headers={**floor.a1.headers, **(headers or {})}
    )
    assert response.status_code == 200, response.text
    return response


class TestPublicHolidayNames:
    async def test_national_day_is_named_in_chinese_for_a_chinese_caller_ROS_3(self, floor: Any) -> None:
        response = await calendar(floor, "2026-10-01", "2026-10-01", ZH)
        assert response.json()["items"] == [
            {"day": "2026-10-01", "name": "国庆节", "name_en": "National Day", "name_zh": "国庆节", "source": "public"}
        ]
        assert response.headers["Content-Language"] == "zh-CN"
        assert "Accept-Language" in response.headers["Vary"]

    async def test_the_name_is_english_otherwise_ROS_3(self, floor: Any) -> None:
        for headers in (None, {"Accept-Language": "en-US"}, {"Accept-Language": "fr"}):
            response = await calendar(floor, "2026-10-01", "2026-10-01", headers)
            (holiday,) = response.json()["items"]
            assert holiday["name"] == "National Day"
            assert holiday["name_zh"] == "国庆节"
            assert response.headers["Content-Language"] == "en"

    async def test_spring_festival_days_carry_both_names_ROS_3(self, floor: Any) -> None:
        items = (await calendar(floor, "2026-02-16", "2026-02-19", ZH)).json()["items"]
        assert [(h["day"], h["name"]) for h in items] == [
            ("2026-02-16", "农历除夕"),
            ("2026-02-17", "春节"),
            ("2026-02-18", "春节"),
            ("2026-02-19", "春节"),
        ]
        assert all(h["name_en"] for h in items)


class TestCenterHolidayNames:
    async def test_both_names_are_kept_and_served_by_language_ROS_3(self, floor: Any) -> None:
        added = await floor.client.post(
            "/v1/holidays",
            json={"day": "2026-12-24", "name": "Center anniversary", "name_zh": "中心周年庆"},
            headers={**floor.manager.headers, **ZH},
        )
        assert added.status_code == 201, added.text
        assert added.json() == {
            "day": "2026-12-24",
            "name": "中心周年庆",
            "name_en": "Center anniversary",
            "name_zh": "中心周年庆",
            "source": "center",
        }
        assert added.headers["Content-Language"] == "zh-CN"
        (english,) = (await calendar(floor, "2026-12-24", "2026-12-24")).json()["items"]
        assert english["name"] == "Center anniversary"
        (chinese,) = (await calendar(floor, "2026-12-24", "2026-12-24", ZH)).json()["items"]
        assert chinese["name"] == "中心周年庆"

    async def test_a_name_given_in_one_language_serves_both_ROS_3(self, floor: Any) -> None:
        for day, body in (("2026-12-25", {"name_zh": "台风停工"}), ("2026-12-26", {"name": "Typhoon closure"})):
            added = await floor.client.post("/v1/holidays", json={"day": day, **body}, headers=floor.manager.headers)
            assert added.status_code == 201, added.text
        english = (await calendar(floor, "2026-12-25", "2026-12-26")).json()["items"]
        chinese = (await calendar(floor, "2026-12-25", "2026-12-26", ZH)).json()["items"]
        assert [h["name"] for h in english] == ["台风停工", "Typhoon closure"]
        assert [h["name"] for h in chinese] == ["台风停工", "Typhoon closure"]
        assert [(h["name_en"], h["name_zh"]) for h in english] == [(None, "台风停工"), ("Typhoon closure", None)]

    async def test_a_holiday_without_a_name_is_refused_in_the_callers_language(self, floor: Any) -> None:
        refused = await floor.client.post(
            "/v1/holidays", json={"day": "2026-12-27"}, headers={**floor.manager.headers, **ZH}
        )
        assert refused.status_code == 422
        assert refused.json()["detail"] == "请填写节假日名称：name（英文）、name_zh（中文），或两者都填。"
        assert refused.json()["errors"][0]["path"] == "body.name"


class TestLibraryLanguages:
    def test_china_has_chinese_and_english_names(self) -> None:
        assert library_language("CN", CHINESE) == "zh_CN"
        assert library_language("CN", ENGLISH) == "en_US"

    def test_a_country_without_simplified_chinese_has_no_chinese_names(self) -> None:
        assert library_language("US", CHINESE) is None
        assert library_language("DE", ENGLISH) == "en_US"

    def test_a_missing_name_falls_back_to_the_other_language(self) -> None:
        only_english = Holiday(day=date(2026, 7, 4), source="public", name_en="Independence Day", name_zh=None)
        assert only_english.name_in(CHINESE) == "Independence Day"
        only_chinese = Holiday(day=date(2026, 12, 25), source="center", name_en=None, name_zh="台风停工")
        assert only_chinese.name_in(ENGLISH) == "台风停工"
