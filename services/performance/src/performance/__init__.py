"""Performance service: QA scorecards and evaluations, KPIs, bonus, coaching and bottom-rank review."""
