from callcenter_shared.migrations import run_migrations
from escalation import models  # noqa: F401  (registers every table)
from escalation.db import Base

run_migrations(Base.metadata)
