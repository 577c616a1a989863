"""A supervisor's decision on an approval request, and the buyer follow-up it leads to."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.errors import InvalidInputError
from bot.planning.plan import ApprovalProposal, ProposedOption
from bot.routing.authority import Authority

FOLLOW_UP_SCRIPT = {"refund": "approved_refund", "partial_refund": "approved_refund", "reship": "approved_reship",
                    "exchange": "approved_exchange", "return": "approved_return", "coupon": "approved_coupon"}


class Decision(BaseModel):
    """Approve one proposed option (optionally with an edited amount) or reject with a reason."""

    status: Literal["approved", "rejected"]
    option_id: str | None = None
    amount: float | None = Field(default=None, ge=0)
    decided_by_role: str
    reason: str | None = None


def chosen_option(proposal: ApprovalProposal, decision: Decision) -> ProposedOption | None:
    """The approved option with any edited amount; refuses unknown options and missing authority."""
    if decision.status == "rejected":
        if not decision.reason:
            raise InvalidInputError("a rejection needs a reason")
        return None
    option = next((o for o in proposal.options if o.id == decision.option_id), None)
    if option is None:
        raise InvalidInputError(f"option {decision.option_id!r} is not in this approval request")
    if decision.amount is not None:
        option = option.model_copy(update={"amount": decision.amount})
    return option


def check_authority(authority: Authority, option: ProposedOption, role: str) -> None:
    """Server-side rule: the deciding role must be allowed to approve this option's amounts."""
    if not authority.may_approve(role, [(option.action, option.amount), *option.extras]):
        need = authority.required_role([(option.action, option.amount), *option.extras])
        raise InvalidInputError(f"role {role!r} may not approve {option.id} (needs {need})")
