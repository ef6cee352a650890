from callcenter_shared.migrations import run_migrations
from recognition import models  # noqa: F401  (registers every table)
from recognition.db import Base

run_migrations(Base.metadata)
