"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from typing import Any

from bot.config import REPO_ROOT


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def header() -> dict[str, str]:
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}


def report(name: str, result: dict[str, Any]) -> None:
    """Write benchmarks/results/<name>.json and print a Markdown table."""
    (REPO_ROOT / "benchmarks" / "results" / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print("| metric | value |\n| --- | --- |")
    for key, val in result.items():
        print(f"| {key} | {val} |")
