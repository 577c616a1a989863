"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from bot import __version__
from bot.api.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(services: ServicesDep) -> dict[str, Any]:
    """Checks the database and the knowledge index; `ok` is false when either fails."""
    checks: dict[str, Any] = {}
    try:
        with services.db.session() as s:
            s.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, do not crash the health endpoint
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        checks["knowledge_chunks"] = services.index.collection.count()
    except Exception as exc:
        checks["knowledge_chunks"] = f"error: {type(exc).__name__}"
    ok = checks["database"] == "ok" and isinstance(checks["knowledge_chunks"], int)
    return {"ok": ok, "version": __version__, "checks": checks}
