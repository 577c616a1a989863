"""JSONL batch processing shared by `shopbot triage` (and later `shopbot draft`): one line in, one out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO

from pydantic import ValidationError

from bot.domain import Message

BATCH = 256


def _error_line(line_no: int, raw: dict[str, Any] | None, reason: str) -> dict[str, Any]:
    rid = raw.get("id") if isinstance(raw, dict) else None
    return {"id": str(rid) if isinstance(rid, (str, int)) and str(rid) else str(line_no),
            "error": reason}


def parse_line(line_no: int, raw_bytes: bytes) -> Message | dict[str, Any]:
    """A Message, or an error record naming what is wrong with the line."""
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error_line(line_no, None, f"line is not UTF-8 (byte {exc.start})")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error_line(line_no, None, f"not JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(raw, dict):
        return _error_line(line_no, None, "expected a JSON object")
    try:
        return Message.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(line)"
        return _error_line(line_no, raw, f"{field}: {first['msg']}")


def read_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based numbers (bytes: encoding is checked per line)."""
    for n, line in enumerate(stream, 1):
        stripped = line.strip()
        if stripped:
            yield n, stripped


def process(lines: Iterable[tuple[int, bytes]],
            handle: Callable[[Sequence[Message]], list[dict[str, Any]]],
            emit: Callable[[dict[str, Any]], None]) -> tuple[int, int]:
    """Run `handle` over batches of valid messages, keeping input order; returns (ok, errors)."""
    ok = errors = 0
    pending: list[Message | dict[str, Any]] = []

    def flush() -> None:
        nonlocal ok, errors
        msgs = [p for p in pending if isinstance(p, Message)]
        results = iter(handle(msgs)) if msgs else iter(())
        for p in pending:
            if isinstance(p, Message):
                out = next(results)
                if "error" in out:
                    errors += 1
                else:
                    ok += 1
                emit(out)
            else:
                errors += 1
                emit(p)
        pending.clear()

    for n, raw in lines:
        pending.append(parse_line(n, raw))
        if len(pending) >= BATCH:
            flush()
    flush()
    return ok, errors
