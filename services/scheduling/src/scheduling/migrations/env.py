from callcenter_shared.migrations import run_migrations
from scheduling import models  # noqa: F401  (registers every table)
from scheduling.db import Base

run_migrations(Base.metadata)
