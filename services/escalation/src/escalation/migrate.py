"""`python -m escalation.migrate`: bring the database to the newest schema."""

from callcenter_shared.migrations import upgrade
from escalation.settings import Settings

if __name__ == "__main__":
    upgrade("escalation", Settings().database_url)
