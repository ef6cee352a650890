"""`python -m recognition.migrate`: bring the database to the newest schema."""

from callcenter_shared.migrations import upgrade
from recognition.settings import Settings

if __name__ == "__main__":
    upgrade("recognition", Settings().database_url)
