"""Independent checks over a draft reply; each returns coded violations, and they fail closed."""

from guardrails.base import Violation
from guardrails.off_platform import check_off_platform

__all__ = ["Violation", "check_off_platform"]
