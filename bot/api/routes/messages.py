"""Triage and drafting over HTTP: the same pipeline as `shopbot triage` and `shopbot draft`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from bot.api.deps import ServicesDep
from bot.domain import Message, Triage

router = APIRouter(prefix="/api", tags=["messages"])
MAX_BATCH = 100


class MessagesIn(BaseModel):
    messages: list[Message] = Field(min_length=1, max_length=MAX_BATCH)


class TriageOut(BaseModel):
    results: list[Triage]


@router.post("/triage", response_model=TriageOut)
async def triage(body: MessagesIn, services: ServicesDep, explain: bool = False) -> TriageOut:
    """Triage up to 100 messages (CONTRACTS.md fields)."""
    results = await run_in_threadpool(services.triager.triage_batch, body.messages, explain)
    return TriageOut(results=results)


@router.post("/draft")
async def draft(body: MessagesIn, services: ServicesDep) -> dict[str, Any]:
    """Draft replies for up to 100 messages (CONTRACTS.md `shopbot draft` fields)."""
    results = await run_in_threadpool(lambda: services.copilot.draft(body.messages))
    return {"results": [r.contract() for r in results]}
