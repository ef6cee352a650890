"""Plumbing shared by the call-center services. No domain rules live here."""
