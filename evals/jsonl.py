"""Eval sets are JSONL files of pydantic records; a bad line is an error naming file and line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from bot.errors import InvalidInputError

M = TypeVar("M", bound=BaseModel)


def load_records(path: Path, model: type[M]) -> list[M]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(model.model_validate_json(line))
            except ValueError as exc:
                raise InvalidInputError(f"{path}:{n}: {exc}") from exc
    return out
