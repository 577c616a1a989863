"""One message's way through the product: triage -> context -> plan -> write -> guard -> route.

Each stage is a plain call on pydantic models; the CLI and the API both use `Copilot.draft`.
Guardrails fail closed: a draft that breaks a hard rule is replaced by a safe script, and if that
also fails, by a neutral holding reply that is never auto-sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bot.domain import Message, Triage
from bot.kb.loader import ShopKnowledge
from bot.planning.context import Context, buyer_from_row, order_from_row
from bot.planning.facts import FactFinder
from bot.planning.menus import Menus, load_menus
from bot.planning.plan import Plan, ProposedOption, make_plan
from bot.routing.authority import Authority, load_authority
from bot.routing.decisions import FOLLOW_UP_SCRIPT, Decision, check_authority, chosen_option
from bot.triage.triager import Triager
from bot.writing.builtin import BuiltinWriter, Draft
from bot.writing.scripts import LOCAL

if TYPE_CHECKING:
    from bot.planning.sections import SectionModel
    from bot.retrieval.search import HybridSearcher
from guardrails import GuardInput, GuardReport, run_guardrails

AUTO_SEND_SITUATIONS = {"in_transit_on_time", "awaiting_shipment", "size_advice", "product_fact", "unit_explain",
                        "coupon_info", "policy_info", "greeting", "refund_status", "order_unknown"}
AUTO_SEND_MIN_CONFIDENCE = 0.8
HOLDING = {
    "en": "Thanks for your message. A member of our team is looking into it and will reply here shortly.",
    "es": "Gracias por tu mensaje. Una persona de nuestro equipo lo está revisando y te responderá aquí en breve.",
    "id": "Terima kasih atas pesannya, Kak. Tim kami sedang mengeceknya dan akan membalas di sini segera.",
    "zh": "感谢您的留言，我们的同事正在为您查看，稍后会在这里回复您。",
}


class DraftResult(BaseModel):
    triage: Triage
    plan: Plan
    draft: Draft
    guardrails: GuardReport
    auto_send_ok: bool
    fallback: str | None = None  # why the first draft was replaced, if it was

    def contract(self) -> dict[str, Any]:
        """The CONTRACTS.md `shopbot draft` line (triage fields + draft fields + provenance)."""
        t = self.triage.model_dump(mode="json", exclude={"explanation"})
        citations = [{"source": f.source, "section": f.section} for f in self.plan.facts]
        return {
            **t, "reply": self.draft.text, "reply_language": self.draft.language,
            "choices": self.draft.choices,
            "approval": {"required": self.plan.approval.required, "actions": self.plan.approval.actions,
                         "reason": self.plan.approval.reason, "required_role": self.plan.approval.required_role,
                         "options": [o.model_dump() for o in self.plan.approval.options]},
            "auto_send_ok": self.auto_send_ok, "citations": citations,
            "guardrails": {"passed": self.guardrails.passed,
                           "violations": [v.model_dump() for v in self.guardrails.violations]},
            "engine": self.draft.engine, "situation": self.plan.situation,
            "provenance": {"script": self.draft.script, "version": self.draft.version, "fallback": self.fallback},
        }


class FollowUp(BaseModel):
    draft: Draft
    guardrails: GuardReport
    option: ProposedOption | None


def _own_numbers(plan: Plan) -> list[str]:
    """The order and tracking numbers a reply about this plan may quote."""
    return [plan.slots[k] for k in ("order_ref", "tracking_number") if k in plan.slots]


class Copilot:
    """Holds the shared parts; `draft` never raises for a bad message (it returns a safe result)."""

    def __init__(self, kb: ShopKnowledge, triager: Triager, db: Any | None = None,
                 writer: BuiltinWriter | None = None, searcher: HybridSearcher | None = None,
                 sections: SectionModel | None = None) -> None:
        self.kb = kb
        self.finder = FactFinder(kb, searcher, sections)
        self.triager = triager
        self.db = db
        self.menus: Menus = load_menus(kb.rules)
        self.authority: Authority = load_authority(kb.rules)
        self.writer = writer or BuiltinWriter()
        self.safe_writer = BuiltinWriter()
        self._names = {b.buyer_id: b.display_name.split()[0] for b in kb.buyers.values()}
        self._notes = [b.notes for b in kb.buyers.values() if b.notes]

    def context(self, msg: Message, t: Triage, now: datetime) -> Context:
        """Order, buyer and product for a message, from the database."""
        ctx = Context(now=now)
        order_id = msg.order_id or t.entities.order_id
        if self.db is not None:
            from bot.store import repositories as repo
            from bot.store.models import BuyerRow

            with self.db.session() as s:
                row = repo.get_order(session=s, order_id=order_id) if order_id else None
                if row is not None and (msg.buyer_id is None or row.buyer_id == msg.buyer_id):
                    ctx.order = order_from_row(row)
                buyer_id = msg.buyer_id or (ctx.order.buyer_id if ctx.order else None)
                if buyer_id:
                    b = s.get(BuyerRow, buyer_id)
                    if b is not None:
                        ctx.buyer = buyer_from_row(b)
                        recent = repo.orders_of_buyer(session=s, buyer_id=buyer_id)
                        ctx.recent_orders = [order_from_row(o) for o in recent]
        if ctx.order and ctx.order.items:
            mentioned = [s for s in t.entities.products if any(i["sku"] == s for i in ctx.order.items)]
            ctx.sku = mentioned[0] if mentioned else ctx.order.items[0]["sku"]
        elif t.entities.products:
            ctx.sku = t.entities.products[0]
        return ctx

    @staticmethod
    def _backed(plan: Plan, draft: Draft, amounts: list[float]) -> list[str]:
        """Values a reply may state: facts, slot values, policy figures, proposed or approved amounts."""
        return ([f.text for f in plan.facts] + list(plan.slots.values())
                + list(LOCAL.get(draft.language, {}).values())
                + [f"{a:.2f}" for a in amounts] + [str(a) for a in amounts])

    def _guard_input(self, plan: Plan, draft: Draft, ctx: Context, approved: bool = False) -> GuardInput:
        backed = self._backed(plan, draft, [o.amount for o in plan.approval.options if o.amount is not None])
        own = [*ctx.recent_orders, *([ctx.order] if ctx.order else [])]
        allowed = [o.order_id for o in own] + [o.tracking_number for o in own if o.tracking_number]
        this_buyer = ctx.buyer.buyer_id if ctx.buyer else None
        others = [n for bid, n in self._names.items() if bid != this_buyer and len(n) > 2]
        return GuardInput(language=plan.language, choices=draft.choices, empathy_needed=plan.empathy,
                          approved=approved, backed_values=backed, allowed_orders=allowed,
                          other_buyer_names=others, private_notes=self._notes)

    def draft(self, messages: list[Message], now: datetime | None = None) -> list[DraftResult]:
        """Draft replies for a batch of messages (triage runs once for the batch)."""
        now = now or datetime.now(UTC)
        triages = self.triager.triage_batch(messages)
        return [self._one(m, t, now) for m, t in zip(messages, triages, strict=True)]

    def _one(self, msg: Message, t: Triage, now: datetime) -> DraftResult:
        ctx = self.context(msg, t, now)
        concepts = self.triager.model.lexicon.concepts(msg.text)
        plan = make_plan(msg, t, ctx, self.kb, self.menus, self.authority, concepts, self.finder)
        seed = msg.id + msg.text[:64]
        fallback = None
        try:
            if getattr(self.writer, "name", "builtin") != "builtin":
                draft = self.writer.write(plan, seed, buyer_message=msg.text)  # type: ignore[call-arg]
            else:
                draft = self.writer.write(plan, seed)
        except Exception as exc:  # engine failure: fall back to the builtin engine, say so
            fallback = f"engine failed ({type(exc).__name__}): {str(exc)[:160]}"
            draft = self.safe_writer.write(plan, seed)
        report = run_guardrails(draft.text, self._guard_input(plan, draft, ctx))
        # An LLM draft must be clean (soft rules too: empathy, choices); the builtin one must pass hard rules.
        strict = draft.engine != "builtin"
        if not report.passed or (strict and report.violations):
            codes = ", ".join(v.code for v in (report.violations if strict else report.hard))
            fallback = (fallback + "; " if fallback else "") + f"{draft.engine} draft failed guardrails: {codes}"
            draft = self.safe_writer.write(plan, seed)
            report = run_guardrails(draft.text, self._guard_input(plan, draft, ctx))
            if not report.passed:
                lang = plan.language if plan.language in HOLDING else "en"
                draft = Draft(text=HOLDING[lang], language=lang, choices=[], engine="builtin",
                              script="holding", version="1")
                report = run_guardrails(draft.text, GuardInput(language=lang))
        auto = (report.passed and not plan.approval.required and fallback is None
                and t.confidence >= AUTO_SEND_MIN_CONFIDENCE and plan.situation in AUTO_SEND_SITUATIONS
                # an answer only found in another language (e.g. an English FAQ for a Spanish buyer) waits for an agent
                and plan.fact_language in (None, plan.language))
        return DraftResult(triage=t, plan=plan, draft=draft, guardrails=report, auto_send_ok=bool(auto),
                           fallback=fallback)


    def check_text(self, plan: Plan, text: str, language: str,
                   approved_amounts: list[float] | None = None) -> GuardReport:
        """Guardrails over a text an agent wrote or edited (hard violations block sending it)."""
        draft = Draft(text=text, language=language, choices=plan.choices, engine="agent", script="edit", version="1")
        approved = approved_amounts is not None
        amounts = approved_amounts if approved else [o.amount for o in plan.approval.options if o.amount is not None]
        backed = self._backed(plan, draft, amounts or [])
        ctx = GuardInput(language=language, choices=plan.choices, empathy_needed=False, approved=approved,
                         backed_values=backed, allowed_orders=_own_numbers(plan), private_notes=self._notes)
        return run_guardrails(text, ctx)

    def follow_up(self, result: DraftResult, decision: Decision) -> FollowUp:
        """The buyer message after a decision: approved -> next step and timing; rejected -> an
        alternative in positive framing. The deciding role is checked against the authority matrix."""
        plan = result.plan
        option = chosen_option(plan.approval, decision)
        if option is not None:
            check_authority(self.authority, option, decision.decided_by_role)
            situation = FOLLOW_UP_SCRIPT.get(option.action, "approval_pending")
            choices = ["track", "product_question"]
        else:
            situation = "rejected"
            alternatives = [c for c in plan.choices if c in ("photo", "exchange", "exchange_gift", "size_chart",
                                                              "wait_new_date", "return_refund", "keep_order")]
            choices = alternatives or ["talk_agent", "product_question"]
        follow = plan.model_copy(update={"situation": situation, "choices": choices, "empathy": option is None})
        draft = self.safe_writer.write(follow, result.triage.id + situation)
        backed = self._backed(plan, draft, [option.amount] if option and option.amount is not None else [])
        ctx = GuardInput(language=plan.language, choices=draft.choices, empathy_needed=option is None,
                         approved=option is not None, backed_values=backed,
                         allowed_orders=_own_numbers(plan))
        report = run_guardrails(draft.text, ctx)
        if not report.passed:  # fail closed: a neutral line, an agent finishes it
            lang = plan.language if plan.language in HOLDING else "en"
            draft = Draft(text=HOLDING[lang], language=lang, choices=[], engine="builtin", script="holding",
                          version="1")
            report = run_guardrails(draft.text, GuardInput(language=lang))
        return FollowUp(draft=draft, guardrails=report, option=option)
