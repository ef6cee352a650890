"""Performance service: QA scorecards and evaluations, KPIs and period scorecards, bonus, coaching and bottom-rank review."""
