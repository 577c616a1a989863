"""Interface strings per language (bot/web/i18n/<lang>.yaml); buyer-facing text is never translated here."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml

from bot.errors import KnowledgeError

HERE = Path(__file__).resolve().parent / "i18n"
UI_LANGUAGES = ("en", "zh")


@lru_cache
def catalog(lang: str) -> dict[str, str]:
    """The strings of one UI language; a broken file is a clear error naming it."""
    path = HERE / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise KnowledgeError(f"{path}: expected a mapping of key -> text")
    return {str(k): v for k, v in data.items()}


def translator(lang: str) -> Callable[..., str]:
    """t(key, **values): the string in `lang`, falling back to English, then to the key itself."""
    own = catalog(lang if lang in UI_LANGUAGES else "en")
    base = catalog("en")

    def t(key: str, **values: object) -> str:
        text = own.get(key) or base.get(key) or key
        return text.format(**values) if values else text

    return t
