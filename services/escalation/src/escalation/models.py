"""Every table of the service, imported so that migrations and the app see them all."""

from escalation.case.models import Case, CaseHistory, CaseInstruction, CaseNumberCounter, CaseStint
from escalation.category.models import Category

__all__ = ["Case", "CaseHistory", "CaseInstruction", "CaseNumberCounter", "CaseStint", "Category"]
