from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from callcenter_shared.db import new_metadata
from callcenter_shared.org import include_org_tables
from callcenter_shared.tables import include_platform_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


include_platform_tables(Base.metadata)
include_org_tables(Base.metadata)
