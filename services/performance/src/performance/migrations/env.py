from callcenter_shared.migrations import run_migrations
from performance import models  # noqa: F401  (registers every table)
from performance.db import Base

run_migrations(Base.metadata)
