"""Upcoming birthdays of a team for its leader (REC-9)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from recognition.birthday.service import next_birthday


class TestBirthdays:
    async def test_team_birthdays_in_the_next_days_soonest_first_REC_9(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        # the clock stands at 2026-11-02 17:00 in Asia/Shanghai
        await org.agent(org.team, name="生日今天", birthday=date(1995, 11, 2))
        await org.agent(org.team, name="生日下周", birthday=date(1990, 11, 9))
        await org.agent(org.team, name="生日昨天", birthday=date(1992, 11, 1))
        await org.agent(org.team, name="生日明年", birthday=date(1999, 1, 10))
        await org.agent(org.other_team, name="别的组", birthday=date(1993, 11, 3))
        response = await client.get(
            f"/v1/teams/{org.team.id}/birthdays", params={"days": 14}, headers=org.team.leader.headers
        )
        assert response.status_code == 200, response.text
        rows = response.json()["items"]
        assert [r["name"] for r in rows] == ["生日今天", "生日下周"]
        assert rows[0]["in_days"] == 0
        assert rows[1]["next_birthday"] == "2026-11-09"
        assert rows[1]["turning"] == 36
        longer = await client.get(f"/v1/teams/{org.team.id}/birthdays", params={"days": 70}, headers=org.deputy.headers)
        assert [r["name"] for r in longer.json()["items"]][-1] == "生日明年"

    async def test_other_teams_birthdays_are_not_listed_for_a_leader_REC_9(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        response = await client.get(f"/v1/teams/{org.team.id}/birthdays", headers=org.other_team.leader.headers)
        assert response.status_code == 403

    def test_leap_day_birthday_is_celebrated_on_28_february_in_common_years_REC_9(self) -> None:
        assert next_birthday(date(2000, 2, 29), date(2027, 1, 1)) == date(2027, 2, 28)
        assert next_birthday(date(2000, 2, 29), date(2027, 12, 1)) == date(2028, 2, 29)
