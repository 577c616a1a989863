"""Independent checks over a draft reply; each returns coded violations, and they fail closed."""

from guardrails.base import Violation
from guardrails.off_platform import check_off_platform
from guardrails.report import GuardInput, GuardReport, run_guardrails

__all__ = ["GuardInput", "GuardReport", "Violation", "check_off_platform", "run_guardrails"]
