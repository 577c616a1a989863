"""The workspace API: inbox, conversations, drafts, approvals, cases and metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from bot.api.deps import ServicesDep
from bot.api.security import UserDep
from bot.domain import Intent, Priority
from bot.store.models import ApprovalRow
from bot.workspace import actions, cases, conversations, execution, views
from bot.workspace.auth import require
from bot.workspace.schemas import (
    ApprovalOut,
    CaseOut,
    ConversationDetail,
    DecideIn,
    DraftOut,
    Inbound,
    InboxPage,
    ProposeIn,
    SendIn,
    SentOut,
)

router = APIRouter(prefix="/api", tags=["workspace"])


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/conversations", response_model=InboxPage)
def inbox(
    services: ServicesDep, user: UserDep,
    status: Literal["active", "open", "waiting_approval", "resolved", "all"] = "active",
    intent: Intent | None = None, priority: Priority | None = None, urgent: bool | None = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> InboxPage:
    """Conversations in working order: urgent pinned, then channel colour, oldest waiting first."""
    with services.db.session() as s:
        return conversations.inbox(session=s, sla=services.sla, now=_now(), status=status, intent=intent,
                                   priority=priority, urgent=urgent, q=q, limit=limit, offset=offset)


@router.post("/conversations/inbound", status_code=201)
def inbound(body: Inbound, services: ServicesDep, user: UserDep) -> dict[str, Any]:
    """A buyer message from an integration: stored, triaged and given a suggestion."""
    require(user, "agent", "posting buyer messages")
    cid, mid, new = (conversations.receive(db=services.db, copilot=services.copilot, inbound=body))
    return {"conversation_id": cid, "message_id": mid, "duplicate": not new}


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail)
def conversation(conversation_id: int, services: ServicesDep, user: UserDep) -> ConversationDetail:
    """The thread, order panel, buyer value, current suggestion, approvals and case."""
    with services.db.session() as s:
        detail = views.detail(session=s, conversation_id=conversation_id, sla=services.sla,
                              stall_hours=services.settings.case_stall_hours, now=_now())
    if user.via == "session":  # a person has it open: automatic replies wait
        views.mark_presence(db=services.db, conversation_id=conversation_id,
                            seconds=services.settings.agent_presence_seconds)
    return detail


@router.post("/conversations/{conversation_id}/drafts", response_model=DraftOut, status_code=201)
def regenerate(conversation_id: int, services: ServicesDep, user: UserDep) -> DraftOut:
    """A fresh suggestion for the unanswered buyer messages (the old one is superseded)."""
    require(user, "agent", "drafting")
    row = (conversations.suggest(db=services.db, copilot=services.copilot, conversation_id=conversation_id))
    return actions.draft_out(row)


@router.post("/conversations/{conversation_id}/resolve", status_code=204)
def resolve(conversation_id: int, services: ServicesDep, user: UserDep) -> None:
    actions.resolve(db=services.db, user=user, conversation_id=conversation_id)


@router.post("/drafts/{draft_id}/send", response_model=SentOut)
def send(draft_id: int, body: SendIn, services: ServicesDep, user: UserDep) -> SentOut:
    """Accept a suggestion as it is (no text) or send an edited text (guardrails re-checked)."""
    return actions.send_draft(db=services.db, copilot=services.copilot, user=user, draft_id=draft_id,
                              text=body.text, deliver=services.deliver)


@router.post("/drafts/{draft_id}/proposal", response_model=ApprovalOut, status_code=201)
def propose(draft_id: int, body: ProposeIn, services: ServicesDep, user: UserDep) -> ApprovalOut:
    """Submit the draft's remedy options as an approval request."""
    return actions.propose(db=services.db, copilot=services.copilot, user=user, draft_id=draft_id, body=body)


@router.get("/approvals", response_model=list[ApprovalOut])
def approvals(services: ServicesDep, user: UserDep,
                    status: Literal["pending", "approved", "rejected", "all"] = "pending",
                    limit: Annotated[int, Query(ge=1, le=200)] = 100,
                    offset: Annotated[int, Query(ge=0)] = 0) -> list[ApprovalOut]:
    with services.db.session() as s:
        return actions.list_approvals(session=s, status=status, limit=limit, offset=offset)


@router.post("/approvals/{approval_id}/approve", response_model=ApprovalOut)
def approve(approval_id: int, body: DecideIn, services: ServicesDep, user: UserDep) -> ApprovalOut:
    """Approve one option, optionally with an edited amount (supervisor or owner, within authority)."""
    actions.decide(db=services.db, copilot=services.copilot, user=user, approval_id=approval_id, approve=True,
                   body=body)
    execution.execute(services=services, approval_id=approval_id, actor=user.username)
    with services.db.session() as s:
        return actions.approval_out(s, s.get(ApprovalRow, approval_id))  # type: ignore[arg-type]


@router.post("/approvals/{approval_id}/reject", response_model=ApprovalOut)
def reject(approval_id: int, body: DecideIn, services: ServicesDep, user: UserDep) -> ApprovalOut:
    """Reject with a reason; the buyer follow-up offers an alternative."""
    return (actions.decide(
        db=services.db, copilot=services.copilot, user=user, approval_id=approval_id, approve=False, body=body))


@router.get("/cases", response_model=list[CaseOut])
def list_cases(services: ServicesDep, user: UserDep, status: Literal["open", "closed", "all"] = "open",
                     limit: Annotated[int, Query(ge=1, le=500)] = 100,
                     offset: Annotated[int, Query(ge=0)] = 0) -> list[CaseOut]:
    with services.db.session() as s:
        return cases.list_cases(session=s, stall_hours=services.settings.case_stall_hours, now=_now(),
                                status=status, limit=limit, offset=offset)


@router.get("/metrics")
def metrics(services: ServicesDep, user: UserDep) -> dict[str, Any]:
    """Desk counters (open work, SLA breaches, approvals waiting, drafts accepted as-is)."""
    with services.db.session() as s:
        return views.metrics(session=s, sla=services.sla, now=_now())
