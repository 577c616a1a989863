"""The shop's auto-reply policy (knowledge/rules/auto_reply.yaml) and the decision for one draft."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain import INTENTS
from bot.errors import KnowledgeError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REMEDY_INTENTS = {"refund_request", "return_request", "exchange_request", "cancel_order", "order_change"}


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    start: time
    end: time

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {v!r}") from exc
        return v

    def open_at(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.timezone))
        return DAYS[local.weekday()] in self.days and self.start <= local.time() < self.end


class AutoReplyPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    intents: list[str] = []
    min_confidence: float = Field(default=0.8, ge=0, le=1)
    min_reply_chars: int = Field(default=60, ge=1)
    acknowledge_approvals: bool = True
    thinking_seconds: float = Field(default=20, ge=0, le=3600)
    hours: Literal["always"] | OpeningHours = "always"

    @field_validator("intents")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [i for i in v if i not in INTENTS]
        if unknown:
            raise ValueError(f"unknown intents {unknown}")
        remedies = [i for i in v if i in REMEDY_INTENTS]
        if remedies:
            raise ValueError(f"remedy intents are never answered alone: {remedies}")
        return v


class AutoDecision(BaseModel):
    """Whether to send automatically, what kind of reply, and every check that led there."""

    send: bool
    kind: Literal["answer", "acknowledgement", "none"]
    reason: str
    checks: dict[str, Any]


def load_policy(rules: dict[str, Any]) -> AutoReplyPolicy:
    data = rules.get("auto_reply")
    if data is None:
        return AutoReplyPolicy()
    try:
        return AutoReplyPolicy.model_validate(data)
    except ValueError as exc:
        raise KnowledgeError(f"rules/auto_reply.yaml: {exc}") from exc


def decide(policy: AutoReplyPolicy, *, switched_on: bool, now: datetime, intent: str, confidence: float,
           approval_required: bool, guardrails_passed: bool, auto_send_ok: bool, text: str, choices: list[str],
           facts: int, script: str) -> AutoDecision:
    """Apply the policy to one drafted reply (fail closed: any doubt leaves it to an agent)."""
    open_now = policy.hours == "always" or (isinstance(policy.hours, OpeningHours) and policy.hours.open_at(now))
    substantive = len(text) >= policy.min_reply_chars and bool(choices or facts) and script != "holding"
    checks = {"switched_on": switched_on, "policy_enabled": policy.enabled, "open_now": open_now,
              "intent": intent, "confidence": round(confidence, 3), "approval_required": approval_required,
              "guardrails_passed": guardrails_passed, "auto_send_ok": auto_send_ok, "substantive": substantive}
    refusals = [(not switched_on, "auto-replies are switched off"), (not policy.enabled, "policy disabled"),
                (not open_now, "outside opening hours"), (not guardrails_passed, "the draft failed the guardrails"),
                (not substantive, "the draft is not substantive enough to send alone")]
    for refused, why in refusals:
        if refused:
            return AutoDecision(send=False, kind="none", reason=why, checks=checks)
    if approval_required:
        if policy.acknowledge_approvals:
            return AutoDecision(send=True, kind="acknowledgement", checks=checks,
                                reason="money or goods: acknowledgement sent, approval request filed")
        return AutoDecision(send=False, kind="none", reason="needs approval", checks=checks)
    if intent not in policy.intents:
        return AutoDecision(send=False, kind="none", reason=f"intent {intent} is not auto-answered", checks=checks)
    if confidence < policy.min_confidence:
        return AutoDecision(send=False, kind="none", checks=checks,
                            reason=f"triage confidence {confidence:.2f} < {policy.min_confidence}")
    if not auto_send_ok:
        return AutoDecision(send=False, kind="none", reason="this situation is left to an agent", checks=checks)
    return AutoDecision(send=True, kind="answer", reason="safe question answered", checks=checks)
