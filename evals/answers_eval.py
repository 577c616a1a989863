"""Answer selection: does a product or policy question get the knowledge-base section that answers it?

evals/answers/questions.jsonl holds buyer questions in four languages with the product (when the
order card names one), the situation and the acceptable (page, English section) pairs. The score is
top-1 accuracy of FactFinder.find; "none" counts a question left without an answer. The split is a
stable hash of the id (evals/splits.py); the held-out part is never tuned on."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.errors import InvalidInputError
from bot.planning.facts import FactFinder
from evals.jsonl import load_records
from evals.splits import split_of

DATASET = Path(__file__).parent / "answers" / "questions.jsonl"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str
    section: str


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: str
    text: str
    sku: str | None
    situation: Literal["product_fact", "policy_info", "troubleshoot"]
    expect: list[Section]


def load_questions(path: Path = DATASET) -> list[Question]:
    return load_records(path, Question)


def run_answers_eval(finder: FactFinder, split: str = "heldout", path: Path = DATASET) -> dict[str, Any]:
    if split not in {"heldout", "dev", "all"}:
        raise InvalidInputError("split must be heldout, dev or all")
    questions = [q for q in load_questions(path) if split == "all" or split_of(q.id) == split]
    hits: dict[str, list[bool]] = defaultdict(list)
    misses = []
    none = 0
    for q in questions:
        found = finder.find(q.text, q.lang, q.situation, q.sku)
        got = (found.doc_key, found.section_en) if found else None
        ok = got is not None and any((e.doc, e.section) == got for e in q.expect)
        none += got is None
        for key in ("all", f"lang:{q.lang}", f"situation:{q.situation}"):
            hits[key].append(ok)
        if not ok:
            misses.append({"id": q.id, "lang": q.lang, "text": q.text, "got": got,
                           "want": [(e.doc, e.section) for e in q.expect]})
    rate = {k: round(sum(v) / len(v), 3) for k, v in sorted(hits.items())}
    return {"split": split, "n": len(questions), "accuracy": rate.get("all", 0.0), "unanswered": none,
            "breakdown": {k: v for k, v in rate.items() if k != "all"}, "misses": misses}


def render(report: dict[str, Any]) -> str:
    lines = [f"answer selection on {report['split']} ({report['n']} questions): top-1 accuracy "
             f"{report['accuracy']:.3f}, unanswered {report['unanswered']}"]
    lines += [f"  {k:26s} {v:.3f}" for k, v in report["breakdown"].items()]
    for m in report["misses"][:15]:
        lines.append(f"  miss {m['id']} {m['text'][:60]!r} got {m['got']} want {m['want'][0]}")
    return "\n".join(lines)
