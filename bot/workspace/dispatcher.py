"""Platform traffic: store pushes before acknowledging them, turn them into conversations, and send
automatic first responses when the shop's policy allows (after a short thinking time).

`run_once` does one round and is what tests call; the server runs it in a loop (see bot/api/app.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.errors import ConflictError, ShopbotError
from bot.integrations.tiktok import signing
from bot.integrations.tiktok.signing import WebhookEnvelope
from bot.planning.plan import Plan
from bot.routing.autoreply import AutoReplyPolicy, decide, load_policy
from bot.store.models import (
    AuditRow,
    AutoReplyRow,
    CaseRow,
    ConversationRow,
    OrderRow,
    ShopSettingRow,
    WebhookEventRow,
)
from bot.workspace import actions, cases, conversations
from bot.workspace.auth import CurrentUser
from bot.workspace.schemas import Inbound, ProposeIn

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("shopbot.dispatcher")
SHOPBOT = CurrentUser(id=0, username="shopbot", display_name="shopbot (auto)", role="agent", via="token")
AUTO_SWITCH = "auto_reply_enabled"


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def store_event(services: Services, envelope: WebhookEnvelope, now: datetime | None = None) -> bool:
    """Persist a verified push (committed before the platform gets its 2xx); False for a redelivery."""
    now = now or datetime.now(UTC)
    try:
        with services.db.session() as s:
            s.add(WebhookEventRow(source="tiktok", notification_id=envelope.tts_notification_id,
                                  type=envelope.type, shop_id=envelope.shop_id,
                                  sent_at=datetime.fromtimestamp(envelope.timestamp, UTC), received_at=now,
                                  payload=envelope.model_dump(mode="json"), status="received"))
    except IntegrityError:
        return False
    return True


def auto_switch(services: Services) -> bool:
    with services.db.session() as s:
        row = s.get(ShopSettingRow, AUTO_SWITCH)
        return True if row is None else bool(row.value)


def set_auto_switch(services: Services, *, on: bool, by: str, now: datetime | None = None) -> None:
    """The owner's instant switch (audited); pending auto-replies are cancelled when switched off."""
    now = now or datetime.now(UTC)
    with services.db.session() as s:
        row = s.get(ShopSettingRow, AUTO_SWITCH)
        before = None if row is None else {"on": bool(row.value)}
        if row is None:
            row = ShopSettingRow(key=AUTO_SWITCH, value=on, updated_by=by, updated_at=now)
            s.add(row)
        row.value, row.updated_by, row.updated_at = on, by, now
        s.add(AuditRow(at=now, actor=by, action="auto_reply_on" if on else "auto_reply_off", entity="setting",
                       entity_id=0, before=before, after={"on": on}))
        if not on:
            for p in s.scalars(select(AutoReplyRow).where(AutoReplyRow.status == "pending")):
                p.status, p.reason, p.decided_at = "cancelled", "auto-replies switched off", now


class Dispatcher:
    """Turns stored events into conversations and decides the auto-replies that fall due."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.policy: AutoReplyPolicy = load_policy(services.knowledge.rules)

    # -- events ---------------------------------------------------------------------------------
    def process_events(self, now: datetime | None = None, limit: int = 200) -> int:
        """Handle stored events in arrival order; their outcomes are written in one transaction (a crash
        in between only means a redo, and redoing is safe: messages are deduplicated by platform id)."""
        now = now or datetime.now(UTC)
        with self.services.db.session() as s:
            events = [(e.id, e.type, e.payload) for e in s.scalars(
                select(WebhookEventRow).where(WebhookEventRow.status == "received")
                .order_by(WebhookEventRow.id).limit(limit))]
        outcomes = {eid: self._process(etype, payload, now) for eid, etype, payload in events}
        if outcomes:
            with self.services.db.session() as s:
                for ev in s.scalars(select(WebhookEventRow).where(WebhookEventRow.id.in_(outcomes))):
                    ev.status, ev.error = outcomes[ev.id]
                    ev.processed_at = now
        return len(events)

    def _process(self, etype: int, payload: dict[str, Any], now: datetime) -> tuple[str, str | None]:
        status: str
        note: str | None
        try:
            if etype == signing.NEW_MESSAGE:
                status, note = self._new_message(payload["data"], now)
            elif etype in (signing.RETURN_STATUS_CHANGE, signing.CANCELLATION_STATUS_CHANGE,
                           signing.ORDER_STATUS_CHANGE):
                status, note = self._order_event(etype, payload["data"], now)
            else:
                status, note = "ignored", f"event type {etype} is not used"
        except Exception as exc:  # recorded as failed with the reason, never retried forever
            status, note = "failed", f"{type(exc).__name__}: {str(exc)[:300]}"
            log.warning("event type %s failed: %s", etype, note)
        return status, note

    def _new_message(self, data: dict[str, Any], now: datetime) -> tuple[str, str | None]:
        sender = data.get("sender") or {}
        if sender.get("role") != "BUYER":
            return "ignored", f"sender role {sender.get('role')!r}"
        content = data["content"]
        text = json.loads(content)["content"] if isinstance(content, str) and content.startswith("{") else content
        sent = data.get("create_time")
        inbound = Inbound(text=str(text)[:8000] or "(empty message)", channel="chat",
                          buyer_id=sender.get("im_user_id"), order_id=data.get("order_id"),
                          conversation_external_id=str(data["conversation_id"]),
                          message_external_id=str(data["message_id"]),
                          received_at=datetime.fromtimestamp(int(sent), UTC) if sent else now)
        cid, _, new = conversations.receive(db=self.services.db, copilot=self.services.copilot,
                                            inbound=inbound, now=now)
        if new:
            self.schedule(cid, now)
        return "processed", None if new else "duplicate message"

    def _order_event(self, etype: int, data: dict[str, Any], now: datetime) -> tuple[str, str | None]:
        order_id = str(data["order_id"])
        label = signing.EVENT_NAMES[etype]
        with self.services.db.session() as s:
            if etype == signing.ORDER_STATUS_CHANGE:
                order = s.get(OrderRow, order_id)
                if order is None:
                    return "ignored", f"unknown order {order_id}"
                order.status = str(data.get("order_status", order.status)).lower()
                return "processed", None
            case = s.scalar(select(CaseRow).where(CaseRow.order_id == order_id, CaseRow.status == "open"))
            if case is None:
                return "ignored", f"no open case for order {order_id}"
            detail = data.get("return_status") or data.get("cancellation_status") or ""
            ref = data.get("return_id") or data.get("cancel_id") or ""
            cases.add_step(s, case, "platform_update", "tiktok", now, f"{label}: {detail} {ref}".strip())
        return "processed", None

    # -- auto-replies -------------------------------------------------------------------------------
    def schedule(self, conversation_id: int, now: datetime) -> None:
        """(Re)start the thinking time: a burst of buyer messages gets one answer."""
        due = now + timedelta(seconds=self.policy.thinking_seconds)
        with self.services.db.session() as s:
            row = s.scalar(select(AutoReplyRow).where(AutoReplyRow.conversation_id == conversation_id,
                                                      AutoReplyRow.status == "pending"))
            if row is None:
                s.add(AutoReplyRow(conversation_id=conversation_id, due_at=due, status="pending", created_at=now))
            else:
                row.due_at = due

    def next_due(self) -> datetime | None:
        with self.services.db.session() as s:
            due = s.scalar(select(AutoReplyRow.due_at).where(AutoReplyRow.status == "pending")
                           .order_by(AutoReplyRow.due_at).limit(1))
        return None if due is None else _aware(due)

    def run_due(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        with self.services.db.session() as s:
            ids = list(s.scalars(select(AutoReplyRow.id).where(AutoReplyRow.status == "pending",
                                                               AutoReplyRow.due_at <= now)
                                 .order_by(AutoReplyRow.due_at).limit(50)))
        for rid in ids:
            self._auto_reply(rid, now)
        return len(ids)

    def _finish(self, rid: int, status: str, reason: str, now: datetime, policy: dict[str, Any] | None = None,
                draft_id: int | None = None, message_id: int | None = None) -> None:
        with self.services.db.session() as s:
            row = s.get(AutoReplyRow, rid)
            if row is not None and row.status == "pending":
                row.status, row.reason, row.decided_at = status, reason, now
                row.policy, row.draft_id, row.message_id = policy, draft_id, message_id

    def _auto_reply(self, rid: int, now: datetime) -> None:
        with self.services.db.session() as s:
            row = s.get(AutoReplyRow, rid)
            if row is None or row.status != "pending":
                return
            conv = s.get(ConversationRow, row.conversation_id)
            assert conv is not None
            if conv.agent_active_until is not None and _aware(conv.agent_active_until) > now:
                reason = "an agent has the conversation open"
            elif not conv.awaiting_reply:
                reason = "already answered"
            else:
                reason = ""
            cid = conv.id
        if reason:
            self._finish(rid, "cancelled", reason, now)
            return
        draft = conversations.suggest(db=self.services.db, copilot=self.services.copilot, conversation_id=cid,
                                      now=now)
        plan = Plan.model_validate(draft.plan)
        triage = draft.provenance.get("triage", {})
        decision = decide(self.policy, switched_on=auto_switch(self.services), now=now,
                          intent=str(triage.get("intent")), confidence=float(triage.get("confidence", 0)),
                          approval_required=plan.approval.required,
                          guardrails_passed=bool(draft.guardrails.get("passed")), auto_send_ok=draft.auto_send_ok,
                          text=draft.text, choices=draft.choices, facts=len(plan.facts),
                          script=str(draft.provenance.get("script", "")))
        record = {"decision": decision.model_dump(), "policy": self.policy.model_dump(mode="json"),
                  "guardrails": draft.guardrails}
        if not decision.send:
            self._finish(rid, "skipped", decision.reason, now, record, draft.id)
            return
        try:
            sent = actions.send_draft(db=self.services.db, copilot=self.services.copilot, user=SHOPBOT,
                                      draft_id=draft.id, text=None, now=now, deliver=self.services.deliver,
                                      auto=True)
        except ShopbotError as exc:  # platform down or the draft changed: an agent takes it
            self._finish(rid, "failed", f"{type(exc).__name__}: {exc}", now, record, draft.id)
            return
        if decision.kind == "acknowledgement":
            with contextlib.suppress(ConflictError):  # a request may already be waiting for this conversation
                actions.propose(db=self.services.db, copilot=self.services.copilot, user=SHOPBOT, draft_id=draft.id,
                                body=ProposeIn(note="filed automatically with the acknowledgement"))
        with self.services.db.session() as s:
            s.add(AuditRow(at=now, actor="shopbot", action="auto_sent", entity="message",
                           entity_id=sent.message_id, before=None, after=record))
        self._finish(rid, "sent", decision.reason, now, record, draft.id, sent.message_id)

    def run_once(self, now: datetime | None = None) -> int:
        """Process new events, then send what is due; returns how much work was done."""
        return self.process_events(now) + self.run_due(now)


def auto_replies_of(services: Services, conversation_id: int) -> list[dict[str, Any]]:
    with services.db.session() as s:
        rows = s.scalars(select(AutoReplyRow).where(AutoReplyRow.conversation_id == conversation_id)
                         .order_by(AutoReplyRow.id))
        return [{"id": r.id, "status": r.status, "reason": r.reason, "due_at": _aware(r.due_at).isoformat(),
                 "decided_at": r.decided_at and _aware(r.decided_at).isoformat(), "draft_id": r.draft_id,
                 "message_id": r.message_id, "checks": (r.policy or {}).get("decision", {}).get("checks")}
                for r in rows]

