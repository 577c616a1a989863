"""Group k-fold cross-validation of the triage model on the dev split (the shipped model trains on dev,
so `shopbot eval triage --split dev` says nothing about generalisation; this does, without touching
the held-out split). Run: python -m evals.triage_cv [--folds 5] [--dump FILE]."""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.triage.lexicon import load_lexicon
from bot.triage.model import TRAIN_DIR, TriageModel, eval_rows, load_rows
from bot.triage.triager import decide_approval


def cross_validate(folds: int = 5, seed: int = 13) -> list[dict[str, Any]]:
    """Out-of-fold predictions for every dev message (folds by twin group)."""
    dev = eval_rows("dev")
    train = [r for p in sorted(TRAIN_DIR.parent.glob("train*/*.jsonl")) for r in load_rows(p)]
    groups = sorted({r.get("group") or r["id"] for r in dev})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    lexicon = load_lexicon()
    out = []
    for k in range(folds):
        test = [r for r in dev if fold_of[r.get("group") or r["id"]] == k]
        fit = train + [r for r in dev if fold_of[r.get("group") or r["id"]] != k]
        model = TriageModel(lexicon).fit(fit)
        for r, p in zip(test, model.predict([r["text"] for r in test]), strict=True):
            out.append({"id": r["id"], "text": r["text"], "gold_intent": r["intent"],
                        "gold_approval": bool(r["needs_human_approval"]), "intent": p.intent,
                        "intent_probs": p.intent_probs, "approval_prob": p.approval_prob,
                        "remedy_prob": p.remedy_prob, "request_prob": p.request_prob, "concepts": p.concepts,
                        "reason_probs": p.reason_probs})
    return out


def score(rows: list[dict[str, Any]], decide: Any = decide_approval) -> dict[str, Any]:
    tp = fp = fn = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn per intent
    for r in rows:
        pred = decide(r["approval_prob"], r["remedy_prob"], r["request_prob"], r["concepts"])
        tp += pred and r["gold_approval"]
        fp += pred and not r["gold_approval"]
        fn += (not pred) and r["gold_approval"]
        for lbl in {r["gold_intent"], r["intent"]}:
            per[lbl][0] += r["intent"] == lbl == r["gold_intent"]
            per[lbl][1] += r["intent"] == lbl != r["gold_intent"]
            per[lbl][2] += r["gold_intent"] == lbl != r["intent"]
    f1s = [2 * t / (2 * t + f + n) if t else 0.0 for t, f, n in per.values()]
    return {"approval_recall": round(tp / max(1, tp + fn), 3), "approval_precision": round(tp / max(1, tp + fp), 3),
            "missed": fn, "false_alarms": fp, "macro_f1": round(sum(f1s) / len(f1s), 3),
            "accuracy": round(sum(r["intent"] == r["gold_intent"] for r in rows) / len(rows), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dump", type=Path, default=None, help="write out-of-fold predictions (JSONL)")
    args = parser.parse_args()
    rows = cross_validate(args.folds)
    if args.dump:
        args.dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(json.dumps(score(rows), indent=2))  # noqa: T201 - a report command
    for r in rows:
        if r["gold_approval"] and not decide_approval(r["approval_prob"], r["remedy_prob"], r["request_prob"],
                                                      r["concepts"]):
            print(f"  missed approval: {r['id']} p={r['approval_prob']:.2f} {r['intent']}: {r['text'][:90]}")  # noqa: T201


if __name__ == "__main__":
    main()
