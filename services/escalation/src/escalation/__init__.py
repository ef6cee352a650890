"""Escalation service: Cases and the five-level escalation chain with deadlines, ownership and no concealment."""
