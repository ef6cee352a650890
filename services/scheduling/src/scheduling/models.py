"""Every table of the service, imported so that migrations and the app see them all."""

from scheduling.org.models import Employee, Team

__all__ = ["Employee", "Team"]
