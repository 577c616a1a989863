"""What people do in the workspace: send a reply, propose a remedy, decide it, resolve the case.

Every function checks the role server-side, runs in one transaction and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import Triage
from bot.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from bot.planning.plan import Plan, ProposedOption
from bot.routing.decisions import Decision
from bot.store.models import ApprovalRow, AuditRow, AutoReplyRow, ConversationRow, DraftRow, MessageRow, OrderRow
from bot.workspace import cases
from bot.workspace.auth import CurrentUser, require
from bot.workspace.conversations import draft_row, rank_of, supersede
from bot.workspace.schemas import ApprovalOut, DecideIn, DraftOut, ProposeIn, SentOut
from bot.writing.builtin import Draft
from guardrails import GuardReport

if TYPE_CHECKING:
    from bot.pipeline import Copilot, DraftResult
    from bot.store.db import Database


def audit(session: Session, actor: str, action: str, entity: str, entity_id: int,
          before: dict[str, Any] | None, after: dict[str, Any] | None, now: datetime) -> None:
    session.add(AuditRow(at=now, actor=actor, action=action, entity=entity, entity_id=entity_id,
                         before=before, after=after))


T = TypeVar("T")


def _get(session: Session, model: type[T], key: int, what: str) -> T:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"{what} {key} not found")
    return row


def draft_out(d: DraftRow) -> DraftOut:
    plan = d.plan or {}
    return DraftOut(id=d.id, kind=d.kind, status=d.status, engine=d.engine, situation=d.situation, text=d.text,
                    language=d.language, choices=d.choices, citations=d.citations, guardrails=d.guardrails,
                    provenance=d.provenance, approval=plan.get("approval", {}), facts=plan.get("facts", []),
                    manipulation=plan.get("manipulation", []),
                    auto_send_ok=d.auto_send_ok, accepted_as_is=d.accepted_as_is, final_text=d.final_text,
                    sent_by=d.sent_by, created_at=d.created_at)


Deliver = Callable[[str, str, str], str]  # (platform conversation id, text, idempotency key) -> message id


def send_draft(*, db: Database, copilot: Copilot, user: CurrentUser, draft_id: int, text: str | None,
               now: datetime | None = None, deliver: Deliver | None = None, auto: bool = False) -> SentOut:
    """Send a suggestion as it is (one click) or edited; an edit that breaks a hard rule is refused.

    A platform conversation is delivered through `deliver` first: if the platform refuses, nothing is
    recorded as sent (the error reaches the caller and the suggestion stays)."""
    require(user, "agent", "sending a reply")
    now = now or datetime.now(UTC)
    with db.session() as s:
        d = _get(s, DraftRow, draft_id, "draft")
        if d.status != "suggested":
            raise ConflictError(f"draft {draft_id} is {d.status}, not a suggestion waiting to be sent")
        final = d.text if text is None or text.strip() == d.text.strip() else text.strip()
        if final != d.text:
            approved = d.provenance.get("approved_amounts")
            report = copilot.check_text(Plan.model_validate(d.plan), final, d.language, approved)
            if not report.passed:
                codes = "; ".join(f"{v.code}: {v.message}" for v in report.hard)
                raise InvalidInputError(f"the edited reply breaks a hard rule ({codes})")
        elif not d.guardrails.get("passed", False):
            raise InvalidInputError("this suggestion did not pass the guardrails; edit it before sending")
        conv = _get(s, ConversationRow, d.conversation_id, "conversation")
        platform_id = None
        if conv.external_id and deliver is not None:
            platform_id = deliver(conv.external_id, final, f"shopbot-draft-{d.id}")
        msg = MessageRow(conversation_id=conv.id, direction="out", channel=conv.channel, author=user.username,
                         text=final, created_at=now, external_id=platform_id, auto=auto)
        s.add(msg)
        if not auto:  # a person answered: nothing automatic goes out on top of it
            for pending in s.scalars(select(AutoReplyRow).where(AutoReplyRow.conversation_id == conv.id,
                                                                AutoReplyRow.status == "pending")):
                pending.status, pending.reason, pending.decided_at = "cancelled", "an agent replied", now
        d.status, d.final_text, d.accepted_as_is = "sent", final, final == d.text
        d.sent_by, d.sent_at = user.username, now
        if conv.first_response_at is None:
            conv.first_response_at = now
        conv.awaiting_reply, conv.last_message_at = False, now
        conv.rank = rank_of(conv)
        audit(s, user.username, "sent" if final == d.text else "sent_edited", "draft", d.id,
              {"text": d.text}, {"text": final}, now)
        case = cases.case_of(s, conv.id)
        if case is not None:
            cases.add_step(s, case, "follow_up_sent" if d.kind == "follow_up" else "replied", user.username, now,
                           "accepted as suggested" if final == d.text else "edited by agent")
        s.flush()
        return SentOut(message_id=msg.id, conversation_id=conv.id, text=final, accepted_as_is=final == d.text)


def propose(*, db: Database, copilot: Copilot, user: CurrentUser, draft_id: int, body: ProposeIn,
            now: datetime | None = None) -> ApprovalOut:
    """Turn a draft's proposal (plus any options the agent adds) into an approval request."""
    require(user, "agent", "proposing a remedy")
    now = now or datetime.now(UTC)
    with db.session() as s:
        d = _get(s, DraftRow, draft_id, "draft")
        conv = _get(s, ConversationRow, d.conversation_id, "conversation")
        if s.scalar(select(ApprovalRow).where(ApprovalRow.conversation_id == conv.id,
                                              ApprovalRow.status == "pending")) is not None:
            raise ConflictError(f"conversation {conv.id} already has a pending approval request")
        plan = Plan.model_validate(d.plan)
        options = list(plan.approval.options)
        for i, o in enumerate(body.options, start=1):
            if o.action in ("refund", "partial_refund", "coupon") and o.amount is None:
                raise InvalidInputError(f"option {i}: a {o.action} needs an amount")
            options.append(ProposedOption(id=f"agent{i}", action=o.action, amount=o.amount,
                                          label=o.label or f"{o.action} {o.amount or ''}".strip(),
                                          policy_doc="agent proposal", policy_section="agent's judgement"))
        if not options:
            raise InvalidInputError("nothing to propose: this draft has no options; add one (action and amount)")
        auth = copilot.authority
        roles = [auth.required_role([(o.action, o.amount), *o.extras]) for o in options]
        required = max(roles, key=auth.role_order.index)
        row = ApprovalRow(conversation_id=conv.id, draft_id=d.id, status="pending", required_role=required,
                          actions=sorted({o.action for o in options}), options=[o.model_dump() for o in options],
                          facts=[f.model_dump() for f in plan.facts], reason=plan.approval.reason or "agent proposal",
                          note=body.note, proposed_by=user.username, proposed_at=now)
        s.add(row)
        s.flush()
        conv.status, conv.needs_approval = "waiting_approval", True
        audit(s, user.username, "proposed", "approval", row.id, None,
              {"options": row.options, "required_role": required, "note": body.note}, now)
        case = cases.ensure_case(s, conv, conv.intent or "other", now)
        cases.add_step(s, case, "proposed", user.username, now, ", ".join(o.label for o in options))
        s.flush()
        return approval_out(s, row)


def _result_of(d: DraftRow, options: list[dict[str, Any]]) -> DraftResult:
    from bot.pipeline import DraftResult

    plan = Plan.model_validate(d.plan)
    plan = plan.model_copy(update={"approval": plan.approval.model_copy(
        update={"options": [ProposedOption.model_validate(o) for o in options]})})
    prov = d.provenance
    return DraftResult(triage=Triage.model_validate(prov["triage"]), plan=plan,
                       draft=Draft(text=d.text, language=d.language, choices=d.choices, engine=d.engine,
                                   script=prov.get("script", d.situation), version=str(prov.get("version", "1"))),
                       guardrails=GuardReport.model_validate(d.guardrails), auto_send_ok=d.auto_send_ok)


def decide(*, db: Database, copilot: Copilot, user: CurrentUser, approval_id: int, approve: bool, body: DecideIn,
           now: datetime | None = None) -> ApprovalOut:
    """Approve one option (amount may be edited) or reject with a reason; drafts the buyer follow-up."""
    require(user, "supervisor", "deciding an approval request")
    now = now or datetime.now(UTC)
    with db.session() as s:
        a = _get(s, ApprovalRow, approval_id, "approval request")
        if a.status != "pending":
            raise ConflictError(f"approval request {approval_id} was already {a.status}")
        decision = Decision(status="approved" if approve else "rejected", option_id=body.option_id,
                            amount=body.amount, decided_by_role=user.role, reason=body.reason)
        if approve:
            option = next((o for o in a.options if o["id"] == body.option_id), None)
            if option is None:
                raise InvalidInputError(f"option {body.option_id!r} is not in approval request {approval_id}")
            amount = body.amount if body.amount is not None else option["amount"]
            pairs = [(option["action"], amount), *[tuple(x) for x in option.get("extras", [])]]
            if not copilot.authority.may_approve(user.role, pairs):
                need = copilot.authority.required_role(pairs)
                raise ForbiddenError(f"approving {option['label']} ({amount}) needs the {need} role")
        d = _get(s, DraftRow, a.draft_id, "draft")
        follow = copilot.follow_up(_result_of(d, a.options), decision)
        before = {"status": a.status}
        a.status, a.decided_by, a.decided_at = decision.status, user.username, now
        a.decision = decision.model_dump(mode="json")
        audit(s, user.username, decision.status, "approval", a.id, before,
              {"status": a.status, **a.decision}, now)
        conv = _get(s, ConversationRow, a.conversation_id, "conversation")
        conv.status, conv.needs_approval = "open", False
        supersede(s, conv.id)
        result = _result_of(d, a.options).model_copy(update={"draft": follow.draft, "guardrails": follow.guardrails})
        row = draft_row(result, conv.id, d.message_id, now, kind="follow_up")
        row.situation = follow.draft.script
        row.provenance = {**row.provenance, "approval_id": a.id, "decision": decision.status,
                          "approved_amounts": [follow.option.amount] if follow.option and follow.option.amount
                          is not None else ([] if approve else None)}
        s.add(row)
        case = cases.ensure_case(s, conv, conv.intent or "other", now)
        if follow.option is not None:
            o = follow.option
            case.solution = f"{o.label} ({o.amount:.2f})" if o.amount is not None else o.label
        cases.add_step(s, case, decision.status, user.username, now, body.reason or (follow.option.label if
                                                                                     follow.option else None))
        s.flush()
        return approval_out(s, a)


def resolve(*, db: Database, user: CurrentUser, conversation_id: int, now: datetime | None = None) -> None:
    """Mark a conversation solved; its case closes (the 3-day satisfaction follow-up is due then)."""
    require(user, "agent", "resolving a conversation")
    now = now or datetime.now(UTC)
    with db.session() as s:
        conv = _get(s, ConversationRow, conversation_id, "conversation")
        if conv.status == "waiting_approval":
            raise ConflictError("a pending approval request must be decided before resolving")
        before = {"status": conv.status}
        conv.status, conv.resolved_at, conv.awaiting_reply = "resolved", now, False
        conv.rank = rank_of(conv)
        audit(s, user.username, "resolved", "conversation", conv.id, before, {"status": "resolved"}, now)
        case = cases.case_of(s, conv.id)
        if case is not None and case.status != "closed":
            case.status, case.closed_at = "closed", now
            cases.add_step(s, case, "resolved", user.username, now)


def approval_out(s: Session, a: ApprovalRow, with_audit: bool = True) -> ApprovalOut:
    conv = s.get(ConversationRow, a.conversation_id)
    order = s.get(OrderRow, conv.order_id) if conv and conv.order_id else None
    trail = []
    if with_audit:
        trail = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "before": e.before, "after": e.after}
                 for e in s.scalars(select(AuditRow).where(AuditRow.entity == "approval", AuditRow.entity_id == a.id)
                                    .order_by(AuditRow.at, AuditRow.id))]
    return ApprovalOut(id=a.id, conversation_id=a.conversation_id, draft_id=a.draft_id, status=a.status,
                       required_role=a.required_role, actions=a.actions, options=a.options, facts=a.facts,
                       reason=a.reason, note=a.note, proposed_by=a.proposed_by, proposed_at=a.proposed_at,
                       decided_by=a.decided_by, decided_at=a.decided_at, decision=a.decision,
                       buyer_id=conv.buyer_id if conv else None, order_id=conv.order_id if conv else None,
                       order_total=float(order.total) if order else None, audit=trail)


def list_approvals(*, session: Session, status: str | None = "pending", limit: int = 100,
                   offset: int = 0) -> list[ApprovalOut]:
    stmt = select(ApprovalRow)
    if status and status != "all":
        stmt = stmt.where(ApprovalRow.status == status)
    rows = session.scalars(stmt.order_by(ApprovalRow.proposed_at).limit(limit).offset(offset))
    return [approval_out(session, a) for a in rows]
