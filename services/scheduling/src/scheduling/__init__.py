"""Scheduling service: org directory, roster, swaps, leave and handovers."""
