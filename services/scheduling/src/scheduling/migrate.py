"""`python -m scheduling.migrate`: bring the database to the newest schema."""

from callcenter_shared.migrations import upgrade
from scheduling.settings import Settings

if __name__ == "__main__":
    upgrade("scheduling", Settings().database_url)
