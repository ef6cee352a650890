"""Plumbing shared by the call-center services. No domain rules live here."""

# The product's version, in one place: the apps' OpenAPI, the AsyncAPI document, the shared
# package (setuptools reads it), `make images` and a test that keeps the services' pyprojects equal.
__version__ = "0.1.0"
