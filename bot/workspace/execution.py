"""Carry an approved decision back to the platform and record the outcome on the case.

Runs after the decision is committed; the platform call carries an idempotency key per approval, so a
retry (the `execute` endpoint) never refunds twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.errors import ConflictError, NotFoundError, ShopbotError
from bot.store.models import ApprovalRow, AuditRow, ConversationRow
from bot.workspace import cases

if TYPE_CHECKING:
    from bot.services import Services

PLATFORM_KIND = {"refund": "REFUND", "partial_refund": "REFUND", "return": "RETURN_AND_REFUND",
                 "exchange": "REPLACEMENT", "reship": "REPLACEMENT"}


def execute(*, services: Services, approval_id: int, actor: str, now: datetime | None = None) -> dict[str, Any]:
    """Execute an approved option through the TikTok Shop API (or say what must be done by hand)."""
    now = now or datetime.now(UTC)
    with services.db.session() as s:
        a = s.get(ApprovalRow, approval_id)
        if a is None:
            raise NotFoundError(f"approval request {approval_id} not found")
        if a.status != "approved" or not a.decision:
            raise ConflictError(f"approval request {approval_id} is {a.status}; only approved ones are executed")
        conv = s.get(ConversationRow, a.conversation_id)
        assert conv is not None
        option = next(o for o in a.options if o["id"] == a.decision["option_id"])
        amount = a.decision.get("amount") if a.decision.get("amount") is not None else option.get("amount")
        external, order_id = conv.external_id, conv.order_id
    kind = PLATFORM_KIND.get(option["action"])
    result: dict[str, Any] = {"approval_id": approval_id, "action": option["action"], "amount": amount}
    if kind is None or external is None or services.tiktok is None or order_id is None:
        why = ("coupons are issued in Seller Center" if kind is None else
               "not a TikTok Shop conversation" if external is None or services.tiktok is None else
               "no order is linked to the conversation")
        return _record(services, a.id, actor, now, "execute_by_hand", f"{option['label']}: {why}",
                       {**result, "executed": False, "reason": why})
    try:
        platform_id = services.tiktok.create_aftersale(
            order_id=order_id, kind=kind, amount=amount if option["action"] in ("refund", "partial_refund") else None,
            currency=services.copilot.authority.currency, reason=option["label"],
            idempotency_key=f"shopbot-approval-{approval_id}")
    except ShopbotError as exc:
        return _record(services, a.id, actor, now, "execution_failed", str(exc)[:300],
                       {**result, "executed": False, "reason": str(exc)})
    return _record(services, a.id, actor, now, "executed", f"{option['label']} -> {platform_id}",
                   {**result, "executed": True, "platform_id": platform_id})


def _record(services: Services, approval_id: int, actor: str, now: datetime, step: str, note: str,
            result: dict[str, Any]) -> dict[str, Any]:
    with services.db.session() as s:
        a = s.get(ApprovalRow, approval_id)
        assert a is not None
        conv = s.get(ConversationRow, a.conversation_id)
        assert conv is not None
        case = cases.ensure_case(s, conv, conv.intent or "other", now)
        cases.add_step(s, case, step, actor, now, note)
        s.add(AuditRow(at=now, actor=actor, action=step, entity="approval", entity_id=approval_id, before=None,
                       after=result))
    return result
