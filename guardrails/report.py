"""Run every check over a draft and decide: pass, or repair/replace (fail closed)."""

from __future__ import annotations

from pydantic import BaseModel

from guardrails.base import Violation
from guardrails.checks import (
    check_choices,
    check_empathy,
    check_flat_refusal,
    check_language,
    check_leak,
    check_other_buyers,
    check_review_incentive,
    check_unapproved_promise,
    check_unbacked_numbers,
)
from guardrails.off_platform import check_off_platform


class GuardInput(BaseModel):
    """What the checks may know besides the text (never the buyer's own words as instructions)."""

    language: str
    choices: list[str] = []
    empathy_needed: bool = False
    approved: bool = False
    backed_values: list[str] = []  # facts, slot values, policy figures, approved amounts
    allowed_orders: list[str] = []  # this buyer's order and tracking numbers
    other_buyer_names: list[str] = []
    private_notes: list[str] = []


class GuardReport(BaseModel):
    passed: bool
    violations: list[Violation]

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "hard"]


def run_guardrails(text: str, ctx: GuardInput) -> GuardReport:
    """All checks; `passed` is false when any hard rule is broken. An error in a check fails closed."""
    violations: list[Violation] = []
    checks = [
        lambda: check_off_platform(text, ctx.allowed_orders),
        lambda: check_review_incentive(text),
        lambda: check_unapproved_promise(text, ctx.approved),
        lambda: check_unbacked_numbers(text, ctx.backed_values),
        lambda: check_flat_refusal(text, ctx.choices),
        lambda: check_empathy(text, ctx.empathy_needed),
        lambda: check_choices(text, ctx.choices),
        lambda: check_leak(text, ctx.private_notes),
        lambda: check_other_buyers(text, set(ctx.allowed_orders), ctx.other_buyer_names),
        lambda: check_language(text, ctx.language),
    ]
    for check in checks:
        try:
            violations.extend(check())
        except Exception as exc:  # a broken check must not let a draft through
            violations.append(Violation(code="check_error", severity="hard",
                                        message=f"guardrail failed to run: {type(exc).__name__}"))
    if not text.strip():
        violations.append(Violation(code="empty", severity="hard", message="empty draft"))
    return GuardReport(passed=not any(v.severity == "hard" for v in violations), violations=violations)
