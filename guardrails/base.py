"""The shape every guardrail returns."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["hard", "soft"]


class Violation(BaseModel):
    """One broken rule in a draft: a stable code, how bad it is, and the offending text."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    span: str | None = None
