"""Reply eval: style checks (choices, empathy first, grounded facts, language, length) and hard rules
(guardrails, approval correctness, forbidden content).

dev = evals/replies/situations.jsonl (180; its old 30% hash held-out part was retired after being looked at
too often) + evals/replies/dev/rN-*.jsonl (fresh held-out sets r2..r6, 120 each, each measured once and then
retired into dev); held-out = evals/replies/heldout/*.jsonl (120, r7). Every fresh set was written on
2026-12-04 by four helper sessions, one per language, from the domain brief and the demo shop only,
never shown the code or the other eval files. Never tune on held-out."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain import Message
from bot.errors import InvalidInputError
from bot.pipeline import Copilot, DraftResult
from evals.jsonl import load_records
from guardrails.checks import check_empathy

DATASET = Path(__file__).parent / "replies" / "situations.jsonl"
DEV_DIR = Path(__file__).parent / "replies" / "dev"
HELDOUT_DIR = Path(__file__).parent / "replies" / "heldout"
MAX_CHARS = {"zh": 260, "default": 650}


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    situations: list[str]
    approval_required: bool
    empathy: bool
    choices_min: int = 1
    facts: list[str] = []
    forbidden: list[str] = []


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: str
    message: Message
    expect: Expect


def load_cases(path: Path = DATASET) -> list[Case]:
    return load_records(path, Case)


def split_cases(split: str, dev: Path = DATASET, heldout: Path = HELDOUT_DIR) -> list[Case]:
    """The cases of a split: heldout, dev or all."""
    if split not in {"heldout", "dev", "all"}:
        raise InvalidInputError("split must be heldout, dev or all")
    cases = []
    if split in ("dev", "all"):
        cases = load_cases(dev)
        for path in sorted(DEV_DIR.glob("*.jsonl")) if dev == DATASET else []:
            cases += load_cases(path)
    if split in ("heldout", "all"):
        for path in sorted(heldout.glob("*.jsonl")):
            cases += load_cases(path)
    return cases


def score(case: Case, r: DraftResult) -> dict[str, bool]:
    """Each check is True (pass) or False."""
    e, text = case.expect, r.draft.text
    fact_keys = {f.key for f in r.plan.facts}
    return {
        # style
        "choices": len(r.draft.choices) >= e.choices_min,
        "empathy_first": not check_empathy(text, e.empathy),
        "facts_cited": all(k in fact_keys for k in e.facts),
        "language": r.draft.language == case.lang,
        "length": 0 < len(text) <= MAX_CHARS.get(case.lang, MAX_CHARS["default"]),
        "situation": r.plan.situation in e.situations,
        # hard rules
        "guardrails": r.guardrails.passed,
        "approval": (not e.approval_required) or r.plan.approval.required,
        "forbidden_absent": not any(f.lower() in text.lower() for f in e.forbidden),
        "not_empty": bool(text.strip()),
    }


HARD = ("guardrails", "approval", "forbidden_absent", "not_empty")


def run_replies_eval(copilot: Copilot, split: str = "heldout", dev: Path = DATASET,
                     heldout: Path = HELDOUT_DIR) -> dict[str, Any]:
    cases = split_cases(split, dev, heldout)
    results = copilot.draft([c.message for c in cases])
    totals: dict[str, list[bool]] = defaultdict(list)
    per_lang: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    failures = []
    for c, r in zip(cases, results, strict=True):
        s = score(c, r)
        for k, v in s.items():
            totals[k].append(v)
            per_lang[c.lang][k].append(v)
        bad = [k for k, v in s.items() if not v]
        if bad:
            failures.append({"id": c.id, "failed": bad, "situation": r.plan.situation,
                             "expected": c.expect.situations, "reply": r.draft.text[:200],
                             "violations": [v.code for v in r.guardrails.violations]})
    rate = {k: round(sum(v) / len(v), 4) for k, v in totals.items()}
    return {
        "split": split, "n": len(cases), "rates": rate,
        "hard_rules_100": all(rate.get(k, 0) == 1.0 for k in HARD),
        "approval_false_alarms": sum(1 for c, r in zip(cases, results, strict=True)
                                     if not c.expect.approval_required and r.plan.approval.required),
        "auto_send_share": round(sum(r.auto_send_ok for r in results) / max(1, len(results)), 3),
        "per_language": {lang: {k: round(sum(v) / len(v), 3) for k, v in d.items()} for lang, d in per_lang.items()},
        "failures": failures,
    }


def render(report: dict[str, Any]) -> str:
    lines = [f"replies on {report['split']} ({report['n']} situations); hard rules at 100%: {report['hard_rules_100']}"]
    lines += [f"  {k:18s} {v:.3f}" for k, v in report["rates"].items()]
    lines.append(f"  approval requests where none was expected: {report['approval_false_alarms']}; "
                 f"auto-send eligible: {report['auto_send_share']:.0%}")
    for lang, r in sorted(report["per_language"].items()):
        lines.append(f"  {lang}: " + ", ".join(f"{k} {v:.2f}" for k, v in r.items()))
    for f in report["failures"][:12]:
        lines.append(f"  FAIL {f['id']} {f['failed']} got {f['situation']} want {f['expected']}: {f['reply'][:90]!r}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps([c.model_dump() for c in load_cases()][:2], indent=1))  # noqa: T201
