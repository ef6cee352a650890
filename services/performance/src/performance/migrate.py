"""`python -m performance.migrate`: bring the database to the newest schema."""

from callcenter_shared.migrations import upgrade
from performance.settings import Settings

if __name__ == "__main__":
    upgrade("performance", Settings().database_url)
