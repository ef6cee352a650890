"""The ceiling: a bare FastAPI app served exactly like the services (`uvicorn bench.bare:app`)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ok")
async def ok() -> dict[str, bool]:
    return {"ok": True}
