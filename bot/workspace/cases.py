"""The after-sales progress table: one case per conversation with an issue, each step timed and owned."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import CaseRow, CaseStepRow, ConversationRow
from bot.workspace.schemas import CaseOut, CaseStepOut

# intents that start an after-sales case (questions and greetings do not)
CASE_INTENTS = {"where_is_my_order", "item_not_as_described", "wrong_size_or_colour", "damaged_or_defective",
                "refund_request", "return_request", "exchange_request", "cancel_order", "order_change"}


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def case_of(session: Session, conversation_id: int) -> CaseRow | None:
    return session.scalar(select(CaseRow).where(CaseRow.conversation_id == conversation_id))


def add_step(session: Session, case: CaseRow, step: str, owner: str, now: datetime, note: str | None = None) -> None:
    session.add(CaseStepRow(case_id=case.id, step=step, owner=owner, note=note, at=now))


def open_for(session: Session, conv: ConversationRow, intent: str, reason: str | None, now: datetime) -> CaseRow | None:
    """Open a case the first time a conversation carries an after-sales issue; reopen a closed one."""
    case = case_of(session, conv.id)
    if case is None:
        if intent not in CASE_INTENTS:
            return None
        case = CaseRow(conversation_id=conv.id, buyer_id=conv.buyer_id, order_id=conv.order_id,
                       issue_type=reason or intent, status="open", opened_at=now)
        session.add(case)
        session.flush()
        add_step(session, case, "opened", "shopbot", now, f"triage: {intent}")
    elif case.status == "closed":
        case.status, case.closed_at = "open", None
        add_step(session, case, "reopened", "shopbot", now, "the buyer wrote again")
    return case


def ensure_case(session: Session, conv: ConversationRow, issue_type: str, now: datetime) -> CaseRow:
    """The conversation's case, opened now if triage did not open one (e.g. an agent's own proposal)."""
    case = case_of(session, conv.id)
    if case is None:
        case = CaseRow(conversation_id=conv.id, buyer_id=conv.buyer_id, order_id=conv.order_id,
                       issue_type=issue_type, status="open", opened_at=now)
        session.add(case)
        session.flush()
    return case


def case_out(session: Session, case: CaseRow, stall_hours: float, now: datetime) -> CaseOut:
    steps = list(session.scalars(select(CaseStepRow).where(CaseStepRow.case_id == case.id)
                                 .order_by(CaseStepRow.at, CaseStepRow.id)))
    last = _aware(steps[-1].at) if steps else _aware(case.opened_at)
    hours = (now - last).total_seconds() / 3600
    return CaseOut(id=case.id, conversation_id=case.conversation_id, buyer_id=case.buyer_id, order_id=case.order_id,
                   issue_type=case.issue_type, solution=case.solution, status=case.status,
                   opened_at=_aware(case.opened_at), closed_at=case.closed_at and _aware(case.closed_at),
                   stalled=case.status == "open" and hours >= stall_hours, hours_since_last_step=round(hours, 1),
                   steps=[CaseStepOut(step=s.step, owner=s.owner, note=s.note, at=_aware(s.at)) for s in steps])


def list_cases(*, session: Session, stall_hours: float, now: datetime, status: str | None = None,
               limit: int = 100, offset: int = 0) -> list[CaseOut]:
    stmt = select(CaseRow)
    if status in ("open", "closed"):
        stmt = stmt.where(CaseRow.status == status)
    rows = session.scalars(stmt.order_by(CaseRow.status.desc(), CaseRow.opened_at).limit(limit).offset(offset))
    return [case_out(session, c, stall_hours, now) for c in rows]
