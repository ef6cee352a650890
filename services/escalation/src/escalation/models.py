"""Every table of the service, imported so that migrations and the app see them all."""

__all__: list[str] = []
