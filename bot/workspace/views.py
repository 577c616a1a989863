"""Read models for the screens: one conversation with everything around it, and desk metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from bot.errors import NotFoundError
from bot.store.models import ApprovalRow, BuyerRow, CaseRow, ConversationRow, DraftRow, MessageRow, OrderRow
from bot.workspace import cases
from bot.workspace.actions import approval_out, draft_out
from bot.workspace.conversations import SlaPolicy, summary
from bot.workspace.schemas import BuyerPanel, ConversationDetail, MessageOut, OrderPanel

if TYPE_CHECKING:
    from bot.store.db import Database


def detail(*, session: Session, conversation_id: int, sla: SlaPolicy, stall_hours: float,
           now: datetime) -> ConversationDetail:
    """The thread, order and buyer panels, the current suggestion, approvals and the case."""
    c = session.get(ConversationRow, conversation_id)
    if c is None:
        raise NotFoundError(f"conversation {conversation_id} not found")
    msgs = list(session.scalars(select(MessageRow).where(MessageRow.conversation_id == c.id)
                                .order_by(MessageRow.created_at, MessageRow.id)))
    drafts = list(session.scalars(select(DraftRow).where(DraftRow.conversation_id == c.id)
                                  .order_by(DraftRow.id.desc()).limit(20)))
    approvals = list(session.scalars(select(ApprovalRow).where(ApprovalRow.conversation_id == c.id)
                                     .order_by(ApprovalRow.id.desc())))
    buyer = session.get(BuyerRow, c.buyer_id) if c.buyer_id else None
    order = session.get(OrderRow, c.order_id) if c.order_id else None
    case = cases.case_of(session, c.id)
    suggestion = next((d for d in drafts if d.status == "suggested"), None)
    return ConversationDetail(
        conversation=summary(c, buyer, msgs[-1].text if msgs else "", sla, now),
        messages=[MessageOut(id=m.id, direction=m.direction, channel=m.channel, author=m.author, text=m.text,
                             created_at=m.created_at, triage=m.triage, auto=m.auto) for m in msgs],
        suggestion=draft_out(suggestion) if suggestion else None,
        drafts=[draft_out(d) for d in drafts],
        approvals=[approval_out(session, a) for a in approvals],
        case=cases.case_out(session, case, stall_hours, now) if case else None,
        order=OrderPanel(order_id=order.order_id, status=order.status, total=float(order.total), market=order.market,
                         carrier=order.carrier, tracking_number=order.tracking_number, placed_at=order.placed_at,
                         promised_delivery_at=order.promised_delivery_at, delivered_at=order.delivered_at,
                         items=order.items, tracking_events=order.tracking_events) if order else None,
        buyer=BuyerPanel(buyer_id=buyer.buyer_id, display_name=buyer.display_name, language=buyer.language,
                         lifetime_spend=float(buyer.lifetime_spend), vip=buyer.vip) if buyer else None,
    )


def inbox_counts(*, session: Session, sla: SlaPolicy, now: datetime) -> dict[str, int]:
    """The four counters above the inbox, in one query."""
    active = ConversationRow.status != "resolved"
    late = and_(active, ConversationRow.first_response_at.is_(None), ConversationRow.first_message_at < now - sla.first)
    row = session.execute(select(
        func.count(when((active, 1))), func.count(when((and_(active, ConversationRow.urgent.is_(True)), 1))),
        func.count(when((late, 1))), func.count(when((ConversationRow.status == "waiting_approval", 1))))).one()
    return {"open": row[0], "urgent_open": row[1], "awaiting_first_response_breached": row[2],
            "approvals_pending": int(session.scalar(select(func.count()).select_from(ApprovalRow)
                                                    .where(ApprovalRow.status == "pending")) or 0)}


def metrics(*, session: Session, sla: SlaPolicy, now: datetime) -> dict[str, Any]:
    """Desk counters: open work, approvals waiting, SLA breaches, drafts accepted as-is vs edited."""
    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    conv = select(func.count()).select_from(ConversationRow)
    open_ = conv.where(ConversationRow.status != "resolved")
    first_due = now - sla.first
    sent = select(func.count()).select_from(DraftRow).where(DraftRow.status == "sent")
    return {
        "conversations": count(conv),
        "open": count(open_),
        "urgent_open": count(open_.where(ConversationRow.urgent.is_(True))),
        "awaiting_first_response_breached": count(open_.where(ConversationRow.first_response_at.is_(None),
                                                              ConversationRow.first_message_at < first_due)),
        "unresolved_past_resolution_sla": count(open_.where(ConversationRow.first_message_at < now - sla.resolution)),
        "approvals_pending": count(select(func.count()).select_from(ApprovalRow)
                                   .where(ApprovalRow.status == "pending")),
        "cases_open": count(select(func.count()).select_from(CaseRow).where(CaseRow.status == "open")),
        "drafts_sent": count(sent),
        "drafts_sent_as_is": count(sent.where(DraftRow.accepted_as_is.is_(True))),
        **_durations(session),
        "messages_last_24h": count(select(func.count()).select_from(MessageRow)
                                   .where(MessageRow.created_at >= now - timedelta(hours=24))),
        "at": now.astimezone(UTC).isoformat(),
    }


def mark_presence(*, db: Database, conversation_id: int, seconds: float, now: datetime | None = None) -> None:
    """An agent is looking at the conversation: automatic replies hold off for `seconds`."""
    if seconds <= 0:
        return
    now = now or datetime.now(UTC)
    with db.session() as s:
        c = s.get(ConversationRow, conversation_id)
        if c is not None:
            c.agent_active_until = now + timedelta(seconds=seconds)


def _durations(session: Session) -> dict[str, float | None]:
    """Median minutes to first response and to resolution, from the real timestamps."""
    rows = session.execute(select(ConversationRow.first_message_at, ConversationRow.first_response_at,
                                  ConversationRow.resolved_at)
                           .where(ConversationRow.first_response_at.is_not(None))
                           .order_by(ConversationRow.id.desc()).limit(5000)).all()
    first = sorted((r[1] - r[0]).total_seconds() / 60 for r in rows if r[1] is not None)
    solved = sorted((r[2] - r[0]).total_seconds() / 60 for r in rows if r[2] is not None)
    return {"median_first_response_minutes": round(first[len(first) // 2], 1) if first else None,
            "median_resolution_minutes": round(solved[len(solved) // 2], 1) if solved else None}
