"""Solution menus (knowledge/rules/solution_menus.yaml): what may be proposed in each situation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.errors import KnowledgeError


class PolicyRef(BaseModel):
    doc_key: str
    section: str


class Extra(BaseModel):
    action: str
    amount: float | None = None


class MenuOption(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    action: str
    amount: float | None = None
    amount_basis: str | None = None
    label: str
    requires_approval: bool
    policy: PolicyRef
    with_: list[Extra] = []

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> MenuOption:
        data = dict(raw)
        data["with_"] = data.pop("with", None) or []
        return cls.model_validate(data)


class Situation(BaseModel):
    id: str
    description: str = ""
    options: list[MenuOption]
    tiering: str | None = None


class Menus(BaseModel):
    small_amount_max: float = 15
    vip_lifetime_spend_min: float = 500
    situations: dict[str, Situation]

    def get(self, situation: str) -> Situation | None:
        return self.situations.get(situation)


def load_menus(rules: dict[str, Any]) -> Menus:
    """Parse the menus; errors name the situation."""
    data = rules.get("solution_menus")
    if not isinstance(data, dict):
        raise KnowledgeError("rules/solution_menus.yaml is missing")
    situations = {}
    for raw in data.get("situations", []):
        try:
            sit = Situation(id=raw["id"], description=raw.get("description", ""),
                            options=[MenuOption.parse(o) for o in raw.get("options", [])],
                            tiering=raw.get("tiering"))
        except (KeyError, ValueError) as exc:
            raise KnowledgeError(f"rules/solution_menus.yaml: situation {raw.get('id')!r}: {exc}") from exc
        situations[sit.id] = sit
    tiering = data.get("tiering", {})
    return Menus(small_amount_max=tiering.get("small_amount_max", 15),
                 vip_lifetime_spend_min=tiering.get("vip_lifetime_spend_min", 500),
                 situations=situations)
