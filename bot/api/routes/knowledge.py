"""Knowledge search and stats."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from bot.api.deps import ServicesDep
from bot.retrieval.search import SearchResult

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


@router.get("/search", response_model=SearchResult)
async def search(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Query, any language")],
    sku: Annotated[str | None, Query(max_length=32)] = None,
    type: Annotated[Literal["policy", "product", "size_chart", "doc"] | None, Query()] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchResult:
    """Hybrid search over the indexed knowledge."""
    return await run_in_threadpool(services.searcher.search, q, k, sku, type)


@router.get("/stats")
async def stats(services: ServicesDep) -> dict[str, Any]:
    """What is indexed, per type and language."""
    return await run_in_threadpool(services.index.stats)
