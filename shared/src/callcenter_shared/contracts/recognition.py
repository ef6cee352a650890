"""Events published by the recognition service (stream CALLCENTER_RECOGNITION)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from callcenter_shared.envelope import Event


class AwardGrantedV1(Event):
    """Published when an award is granted and placed on the honor wall (REC-2)."""

    subject = "callcenter.recognition.award.granted.v1"

    grant_id: uuid.UUID
    award_id: uuid.UUID
    award_name: str
    recipient_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    material: bool = False
    reason: str
    granted_at: datetime

    def key(self) -> str:
        return str(self.grant_id)


class PraiseGivenV1(Event):
    """Published when one employee gives another peer-praise points (REC-5)."""

    subject = "callcenter.recognition.praise.given.v1"

    praise_id: uuid.UUID
    giver_id: uuid.UUID
    receiver_id: uuid.UUID
    points: int = Field(ge=1)
    value: str
    given_at: datetime

    def key(self) -> str:
        return str(self.praise_id)


class PraiseReminderV1(Event):
    """Published each day, at the configured hour, for a team leader who has praised nobody yet today (REC-6).

    `members_due` are the team members the leader has not praised within the coverage window,
    the most overdue first: the people to start with.
    """

    subject = "callcenter.recognition.praise.reminder.v1"

    leader_id: uuid.UUID
    team_id: uuid.UUID
    day: date
    members_due: list[uuid.UUID]
    reminded_at: datetime

    def key(self) -> str:
        return str(self.leader_id)


class CompetitionCompletedV1(Event):
    """Published when every winner of a competition has held the training sessions they owe (REC-7)."""

    subject = "callcenter.recognition.competition.completed.v1"

    competition_id: uuid.UUID
    name: str
    winner_ids: list[uuid.UUID] = Field(description="Employees who won a category")
    sessions_held: int = Field(ge=0, description="Training sessions the winners delivered to colleagues")
    completed_at: datetime

    def key(self) -> str:
        return str(self.competition_id)


class LetterRequestedV1(Event):
    """Published when a letter of praise is asked for: it now waits for the signer it names (REC-11)."""

    subject = "callcenter.recognition.letter.requested.v1"

    letter_id: uuid.UUID
    grant_id: uuid.UUID
    signer_id: uuid.UUID
    requested_by: uuid.UUID
    requested_at: datetime

    def key(self) -> str:
        return str(self.letter_id)


class LetterSignedV1(Event):
    """Published when the senior manager a letter of praise names signs it: the PDF exists from now on (REC-11)."""

    subject = "callcenter.recognition.letter.signed.v1"

    letter_id: uuid.UUID
    grant_id: uuid.UUID
    recipient_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    signer_id: uuid.UUID
    issued_on: date = Field(description="The date printed on the letter (center time)")
    signed_at: datetime

    def key(self) -> str:
        return str(self.letter_id)


class LetterDeclinedV1(Event):
    """Published when the named signer declines to sign a letter of praise, with the reason (REC-11)."""

    subject = "callcenter.recognition.letter.declined.v1"

    letter_id: uuid.UUID
    grant_id: uuid.UUID
    signer_id: uuid.UUID
    requested_by: uuid.UUID
    reason: str
    declined_at: datetime

    def key(self) -> str:
        return str(self.letter_id)
