"""The reply script library (prompts/scripts/<lang>.yaml), validated on load."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.config import REPO_ROOT
from bot.errors import KnowledgeError

SCRIPTS_DIR = REPO_ROOT / "prompts" / "scripts"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
ALLOWED = {"product", "order_ref", "carrier", "tracking_number", "last_scan_location", "last_scan_days",
           "promised_date", "eta_days", "size", "size_basis", "fact", "value", "window_days", "refund_days",
           "coupon", "choices", "recent_orders", "response_time"}
# Policy figures rendered per language (numbers come from shop.yaml / policies, not from the scripts).
LOCAL = {
    "en": {"response_time": "within 24 hours", "refund_days": "1-3 business days", "window_days": "30",
           "coupon": "$5"},
    "es": {"response_time": "en menos de 24 horas", "refund_days": "de 1 a 3 días hábiles",
           "window_days": "30", "coupon": "5 $"},
    "id": {"response_time": "dalam 24 jam", "refund_days": "1-3 hari kerja", "window_days": "30",
           "coupon": "$5"},
    "zh": {"response_time": "24小时内", "refund_days": "1-3个工作日", "window_days": "30", "coupon": "5美元"},
}


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    empathy: list[str] = []
    diagnosis: list[str] = []
    solution: list[str] = []
    closing: list[str] = []


class Defaults(BaseModel):
    model_config = ConfigDict(extra="allow")

    product: str
    order_ref: str
    choice_join: str = " or "
    list_sep: str = ", "


class ScriptLibrary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str
    version: int
    defaults: Defaults
    general_empathy: list[str] = []
    situations: dict[str, Part]
    choices: dict[str, str]

    def check(self, path: Path) -> None:
        for sid, part in self.situations.items():
            for name in ("empathy", "diagnosis", "solution", "closing"):
                for text in getattr(part, name):
                    bad = set(PLACEHOLDER.findall(text)) - ALLOWED
                    if bad:
                        raise KnowledgeError(f"{path}: {sid}.{name}: unknown placeholder(s) {sorted(bad)}")


@lru_cache(maxsize=8)
def load_library(lang: str, root: Path = SCRIPTS_DIR) -> ScriptLibrary:
    """One language's library; errors name the file and the field."""
    path = root / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lib = ScriptLibrary.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise KnowledgeError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    lib.check(path)
    return lib
