"""The OpenAPI document shows an example for every request body."""

from __future__ import annotations

from fastapi import FastAPI


def test_every_request_body_has_an_example(app: FastAPI) -> None:
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body:
                continue
            if "application/json" not in body["content"]:  # a file: each media type shows one
                missing += [
                    f"{method.upper()} {path} ({media})" for media, c in body["content"].items() if not c.get("example")
                ]
                continue
            schema = body["content"]["application/json"]["schema"]
            schema = schema.get("items", schema)
            name = schema["$ref"].rsplit("/", 1)[-1]
            if not schemas[name].get("examples"):
                missing.append(f"{method.upper()} {path} ({name})")
    assert missing == []
