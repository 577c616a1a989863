"""Conversations: receive buyer messages, keep triage and suggestions current, list the inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import Message
from bot.errors import NotFoundError
from bot.store.models import BuyerRow, ConversationRow, DraftRow, MessageRow, OrderRow
from bot.workspace import cases
from bot.workspace.schemas import ConversationSummary, Inbound, InboxPage, SlaClock

if TYPE_CHECKING:
    from bot.pipeline import Copilot, DraftResult
    from bot.store.db import Database

PRIORITY_RANK = {"red": 0, "orange": 1, "yellow": 2}
BURST = 5  # unanswered buyer messages read together when drafting


class SlaPolicy:
    """First response and resolution targets (domain brief: 2 h and 24 h by default)."""

    def __init__(self, first_response_minutes: int = 120, resolution_hours: int = 24) -> None:
        self.first = timedelta(minutes=first_response_minutes)
        self.resolution = timedelta(hours=resolution_hours)

    @staticmethod
    def _risk(due: datetime, done: datetime | None, span: timedelta, now: datetime) -> str:
        if done is not None:
            return "met" if done <= due else "breached"
        if now > due:
            return "breached"
        return "at_risk" if (due - now) < span * 0.25 else "ok"

    def clock(self, c: ConversationRow, now: datetime) -> SlaClock:
        start = _aware(c.first_message_at)
        first_due, res_due = start + self.first, start + self.resolution
        first_at, res_at = _aware(c.first_response_at), _aware(c.resolved_at)
        open_due = first_due if first_at is None else (res_due if res_at is None else None)
        left = None if open_due is None else int((open_due - now).total_seconds() // 60)
        return SlaClock(first_response_due=first_due, first_response_at=first_at,
                        first_response_risk=self._risk(first_due, first_at, self.first, now),  # type: ignore[arg-type]
                        resolution_due=res_due, resolved_at=res_at,
                        resolution_risk=self._risk(res_due, res_at, self.resolution, now),  # type: ignore[arg-type]
                        minutes_left=left,
                        first_response_minutes=None if first_at is None else round((first_at - start).total_seconds()
                                                                                   / 60, 1),
                        resolution_minutes=None if res_at is None else round((res_at - start).total_seconds() / 60, 1))


def _aware(dt: datetime | None) -> Any:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def rank_of(c: ConversationRow) -> int:
    """Inbox order: resolved last; urgent pinned; then chat > hotline > email; waiting on us first."""
    if c.status == "resolved":
        return 100
    return (0 if c.urgent else 10) + PRIORITY_RANK.get(c.priority, 2) + (0 if c.awaiting_reply else 20)


def summary(c: ConversationRow, buyer: BuyerRow | None, preview: str, sla: SlaPolicy,
            now: datetime) -> ConversationSummary:
    return ConversationSummary(
        id=c.id, buyer_id=c.buyer_id, buyer_name=buyer.display_name if buyer else None,
        vip=bool(buyer and buyer.vip), order_id=c.order_id, channel=c.channel, status=c.status,
        priority=c.priority, urgent=c.urgent, intent=c.intent, sentiment=c.sentiment, language=c.language,
        needs_approval=c.needs_approval, last_message_at=_aware(c.last_message_at), preview=preview[:160],
        sla=sla.clock(c, now))


def _find_conversation(s: Session, inbound: Inbound) -> ConversationRow | None:
    if inbound.conversation_external_id:
        return s.scalar(select(ConversationRow).where(
            ConversationRow.external_id == inbound.conversation_external_id))
    if inbound.buyer_id:  # the buyer's open conversation about the same order (or none named)
        stmt = (select(ConversationRow)
                .where(ConversationRow.buyer_id == inbound.buyer_id, ConversationRow.status != "resolved",
                       ConversationRow.channel == inbound.channel)
                .order_by(ConversationRow.last_message_at.desc()))
        for c in s.scalars(stmt):
            if inbound.order_id is None or c.order_id in (None, inbound.order_id):
                return c
    return None


def store_inbound(*, session: Session, inbound: Inbound, now: datetime) -> tuple[ConversationRow, MessageRow, bool]:
    """Store a buyer message (a redelivered external id is not stored twice); returns (conv, msg, new)."""
    if inbound.message_external_id:
        dup = session.scalar(select(MessageRow).where(MessageRow.external_id == inbound.message_external_id))
        if dup is not None:
            conv = session.get(ConversationRow, dup.conversation_id)
            assert conv is not None
            return conv, dup, False
    at = inbound.received_at or now
    buyer_id = inbound.buyer_id if inbound.buyer_id and session.get(BuyerRow, inbound.buyer_id) else None
    order_id = inbound.order_id if inbound.order_id and session.get(OrderRow, inbound.order_id) else None
    conv = _find_conversation(session, inbound.model_copy(update={"buyer_id": buyer_id}))
    if conv is None:
        conv = ConversationRow(buyer_id=buyer_id, order_id=order_id, channel=inbound.channel,
                               external_id=inbound.conversation_external_id, status="open",
                               priority="yellow", urgent=False, needs_approval=False,
                               first_message_at=at, last_message_at=at, awaiting_reply=True, rank=0)
        session.add(conv)
        session.flush()
    if order_id and conv.order_id is None:
        conv.order_id = order_id
    if conv.status == "resolved":  # the buyer wrote again: the conversation reopens
        conv.status, conv.resolved_at = "open", None
    msg = MessageRow(conversation_id=conv.id, direction="in", channel=inbound.channel,
                     author=buyer_id or "buyer", text=inbound.text, external_id=inbound.message_external_id,
                     created_at=at)
    session.add(msg)
    conv.last_message_at, conv.awaiting_reply = max(_aware(conv.last_message_at), at), True
    conv.rank = rank_of(conv)
    session.flush()
    return conv, msg, True


def pending_text(session: Session, conversation_id: int) -> tuple[MessageRow | None, str]:
    """The buyer's unanswered messages (a burst is read together) and the latest one."""
    rows = list(session.scalars(select(MessageRow).where(MessageRow.conversation_id == conversation_id)
                                .order_by(MessageRow.created_at.desc(), MessageRow.id.desc()).limit(20)))
    burst: list[MessageRow] = []
    for r in rows:
        if r.direction == "out":
            break
        burst.append(r)
    if not burst:  # nothing unanswered: redraft for the last buyer message
        burst = [r for r in rows if r.direction == "in"][:1]
    burst = list(reversed(burst[:BURST]))
    return (burst[-1] if burst else None), "\n".join(r.text for r in burst)


def draft_row(result: DraftResult, conversation_id: int, message_id: int | None, now: datetime,
              kind: str = "reply") -> DraftRow:
    c = result.contract()
    return DraftRow(conversation_id=conversation_id, message_id=message_id, kind=kind, engine=result.draft.engine,
                    situation=result.plan.situation, text=result.draft.text, language=result.draft.language,
                    choices=result.draft.choices, plan=result.plan.model_dump(mode="json"),
                    citations=c["citations"], guardrails=result.guardrails.model_dump(mode="json"),
                    provenance={**c["provenance"], "engine": result.draft.engine,
                                "triage": result.triage.model_dump(mode="json", exclude={"explanation"})},
                    auto_send_ok=result.auto_send_ok, status="suggested", created_at=now)


def supersede(session: Session, conversation_id: int) -> None:
    """Older unsent suggestions give way to a new one."""
    for d in session.scalars(select(DraftRow).where(DraftRow.conversation_id == conversation_id,
                                                    DraftRow.status == "suggested")):
        d.status = "superseded"


def suggest(*, db: Database, copilot: Copilot, conversation_id: int, now: datetime | None = None) -> DraftRow:
    """Triage the unanswered messages and store a fresh suggestion (used on receipt and on regenerate)."""
    now = now or datetime.now(UTC)
    with db.session() as s:
        conv = s.get(ConversationRow, conversation_id)
        if conv is None:
            raise NotFoundError(f"conversation {conversation_id} not found")
        last, text = pending_text(s, conversation_id)
        if last is None:
            raise NotFoundError(f"conversation {conversation_id} has no buyer message to answer")
        msg = Message(id=f"m{last.id}", text=text[:8000], channel=conv.channel,  # type: ignore[arg-type]
                      order_id=conv.order_id, buyer_id=conv.buyer_id, received_at=last.created_at)
        last_id = last.id
    result = copilot.draft([msg], now=now)[0]  # outside the write transaction
    with db.session() as s:
        conv = s.get(ConversationRow, conversation_id)
        assert conv is not None
        t = result.triage
        last_row = s.get(MessageRow, last_id)
        if last_row is not None:
            last_row.triage = t.model_dump(mode="json", exclude={"explanation"})
        conv.intent, conv.sentiment, conv.language = t.intent, t.sentiment, t.language
        conv.urgent, conv.priority = t.urgent, t.priority
        conv.needs_approval = result.plan.approval.required
        if conv.order_id is None and t.entities.order_id and s.get(OrderRow, t.entities.order_id):
            conv.order_id = t.entities.order_id
        conv.rank = rank_of(conv)
        supersede(s, conversation_id)
        row = draft_row(result, conversation_id, last_id, now)
        s.add(row)
        cases.open_for(s, conv, t.intent, t.reason, now)
        s.flush()
        return row


def receive(*, db: Database, copilot: Copilot, inbound: Inbound, now: datetime | None = None) -> tuple[int, int, bool]:
    """Store a buyer message, then draft the suggestion; returns (conversation id, message id, new?)."""
    now = now or datetime.now(UTC)
    with db.session() as s:  # the message is kept even if drafting fails later
        conv, msg, new = store_inbound(session=s, inbound=inbound, now=now)
        ids = (conv.id, msg.id)
    if new:
        suggest(db=db, copilot=copilot, conversation_id=ids[0], now=now)
    return ids[0], ids[1], new


def inbox(*, session: Session, sla: SlaPolicy, now: datetime, status: str | None = None,
          intent: str | None = None, priority: str | None = None, urgent: bool | None = None,
          q: str | None = None, limit: int = 50, offset: int = 0) -> InboxPage:
    """Conversations in working order (urgent pinned, channel colour, oldest waiting first)."""
    stmt = select(ConversationRow)
    if status == "active" or status is None:
        stmt = stmt.where(ConversationRow.status != "resolved")
    elif status != "all":
        stmt = stmt.where(ConversationRow.status == status)
    if intent:
        stmt = stmt.where(ConversationRow.intent == intent)
    if priority:
        stmt = stmt.where(ConversationRow.priority == priority)
    if urgent is not None:
        stmt = stmt.where(ConversationRow.urgent.is_(urgent))
    if q:
        like = f"%{q.strip()[:64]}%"
        stmt = stmt.where(ConversationRow.buyer_id.ilike(like) | ConversationRow.order_id.ilike(like))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(ConversationRow.rank, ConversationRow.last_message_at)
                                .limit(limit).offset(offset)))
    buyers = {b.buyer_id: b for b in session.scalars(
        select(BuyerRow).where(BuyerRow.buyer_id.in_({r.buyer_id for r in rows if r.buyer_id})))}
    previews = _previews(session, [r.id for r in rows])
    return InboxPage(total=total, items=[summary(r, buyers.get(r.buyer_id or ""), previews.get(r.id, ""), sla, now)
                                         for r in rows])


def _previews(session: Session, ids: list[int]) -> dict[int, str]:
    """The latest message text of each conversation, in one query."""
    if not ids:
        return {}
    latest = (select(MessageRow.conversation_id, func.max(MessageRow.id).label("mid"))
              .where(MessageRow.conversation_id.in_(ids)).group_by(MessageRow.conversation_id).subquery())
    rows = session.execute(select(MessageRow.conversation_id, MessageRow.text)
                           .join(latest, MessageRow.id == latest.c.mid))
    return {cid: text for cid, text in rows}
