"""Yardsticks for the HTTP benchmark: the same endpoints written the way other teams would.

`bench.peers.conventional` is what a competent team writes from the FastAPI and SQLAlchemy
documentation (a `get_db` session dependency, a JWT dependency, the async ORM, `response_model`
with `from_attributes`, a page query and a count query, a commit in the endpoint);
`bench.peers.lean` is raw asyncpg with one statement per request and JSON built by hand.
Both serve every service's hottest read and main write under `/<service>/v1/...`, over the
service's own database, with the service's visibility rule and the same tokens.
"""
