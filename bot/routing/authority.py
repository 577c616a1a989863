"""The approval authority matrix (knowledge/rules/authority.yaml) as code-free data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.errors import KnowledgeError


class ActionLimit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_basis: str
    limits: dict[str, float | None]


class Authority(BaseModel):
    """Roles from least to most authority and, per action, what each role may approve alone."""

    model_config = ConfigDict(extra="ignore")

    currency: str = "USD"
    roles: list[dict[str, Any]]
    actions: dict[str, ActionLimit]

    @property
    def role_order(self) -> list[str]:
        return [str(r["id"]) for r in self.roles]

    def required_role(self, actions: list[tuple[str, float | None]]) -> str:
        """The least role that may approve every action of a case (amounts summed per action)."""
        totals: dict[str, float] = defaultdict(float)
        for action, amount in actions:
            if action not in self.actions:
                raise KnowledgeError(f"authority.yaml has no limits for action {action!r}")
            totals[action] += amount or 0.0
        needed = 0
        order = self.role_order
        for action, total in totals.items():
            limits = self.actions[action].limits
            for i, role in enumerate(order):
                cap = limits.get(role, 0)
                if cap is None or (cap > 0 and total <= cap):
                    needed = max(needed, i)
                    break
            else:
                needed = len(order) - 1
        return order[needed]

    def may_approve(self, role: str, actions: list[tuple[str, float | None]]) -> bool:
        """Whether a role may approve this whole case on its own."""
        order = self.role_order
        return role in order and order.index(role) >= order.index(self.required_role(actions))


def load_authority(rules: dict[str, Any]) -> Authority:
    """From the knowledge folder's rules; a missing or bad matrix is a clear error."""
    data = rules.get("authority")
    if not isinstance(data, dict):
        raise KnowledgeError("rules/authority.yaml is missing")
    try:
        return Authority.model_validate(data)
    except ValueError as exc:
        raise KnowledgeError(f"rules/authority.yaml: {exc}") from exc
