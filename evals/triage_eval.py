"""Triage eval: intent accuracy and macro-F1, per-intent precision/recall, confusion matrix,
approval recall/precision, and the same per language; also sentiment, urgency, language and the
calibration of `confidence` (what auto-send gating relies on)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from bot.domain import INTENTS, Message
from bot.errors import InvalidInputError
from bot.triage.model import eval_rows
from bot.triage.triager import Triager


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _intent_scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    per: dict[str, dict[str, float]] = {}
    for label in INTENTS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        if tp + fn == 0 and fp == 0:
            continue
        p, r, f = _prf(tp, fp, fn)
        per[label] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                      "support": tp + fn}
    present = [v["f1"] for k, v in per.items() if v["support"]]
    return {
        "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1": round(sum(present) / len(present), 4) if present else 0.0,
        "per_intent": per,
    }


def _binary(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    p, r, f = _prf(tp, fp, fn)
    return {"recall": round(r, 4), "precision": round(p, 4), "f1": round(f, 4),
            "positives": tp + fn, "missed": fn, "false_alarms": fp}


def run_triage_eval(triager: Triager, split: str = "heldout") -> dict[str, Any]:
    """Score the triager on a split (held-out: evals/triage/heldout; dev: evals/triage/data)."""
    if split not in {"heldout", "dev", "all"}:
        raise InvalidInputError("split must be heldout, dev or all")
    rows = eval_rows(split)
    out = triager.triage_batch([Message(id=r["id"], text=r["text"], channel=r.get("channel"))
                                for r in rows])
    gold = [r["intent"] for r in rows]
    pred: list[str] = [str(t.intent) for t in out]
    report: dict[str, Any] = {"split": split, **_intent_scores(gold, pred)}
    report["approval"] = _binary([r["needs_human_approval"] for r in rows],
                                 [t.needs_human_approval for t in out])
    report["confusion"] = {g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g))
                           for g in INTENTS}
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_lang[r["lang"]].append(i)
    report["per_language"] = {}
    for lang, idx in sorted(by_lang.items()):
        s = _intent_scores([gold[i] for i in idx], [pred[i] for i in idx])
        report["per_language"][lang] = {
            "n": s["n"], "accuracy": s["accuracy"], "macro_f1": s["macro_f1"],
            "approval": _binary([rows[i]["needs_human_approval"] for i in idx],
                                [out[i].needs_human_approval for i in idx]),
            "language_detected": round(sum(out[i].language == lang for i in idx) / len(idx), 3),
        }
    report["reason_accuracy"] = round(sum((t.reason == r.get("reason")) for t, r in zip(out, rows, strict=True))
                                      / len(rows), 4)
    report["sentiment_accuracy"] = round(sum(t.sentiment == r["sentiment"] for t, r in zip(out, rows, strict=True))
                                         / len(rows), 4)
    report["urgent"] = _binary([r["urgent"] for r in rows], [t.urgent for t in out])
    report["calibration"] = _calibration([t.confidence for t in out],
                                         [g == p for g, p in zip(gold, pred, strict=True)])
    report["errors"] = [{"id": r["id"], "text": r["text"][:120], "gold": r["intent"], "pred": t.intent,
                         "confidence": t.confidence}
                        for r, t in zip(rows, out, strict=True) if r["intent"] != t.intent][:40]
    return report


def _calibration(conf: list[float], correct: list[bool]) -> dict[str, Any]:
    """Expected calibration error over 10 bins, and accuracy above a few gates."""
    bins: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(conf):
        bins[min(9, int(c * 10))].append(i)
    ece = sum(len(ix) / len(conf) * abs(sum(correct[i] for i in ix) / len(ix)
                                         - sum(conf[i] for i in ix) / len(ix)) for ix in bins.values())
    gates = {}
    for gate in (0.5, 0.7, 0.8, 0.9):
        ix = [i for i, c in enumerate(conf) if c >= gate]
        gates[str(gate)] = {"share": round(len(ix) / len(conf), 3),
                            "accuracy": round(sum(correct[i] for i in ix) / len(ix), 3) if ix else None}
    return {"ece": round(ece, 4), "at_or_above": gates}


def render(report: dict[str, Any]) -> str:
    """A plain-text report for the terminal."""
    lines = [f"triage on {report['split']} ({report['n']} messages): accuracy {report['accuracy']:.3f}, "
             f"macro-F1 {report['macro_f1']:.3f}"]
    a = report["approval"]
    lines.append(f"approval: recall {a['recall']:.3f}, precision {a['precision']:.3f} "
                 f"({a['missed']} missed of {a['positives']}, {a['false_alarms']} false alarms)")
    lines.append(f"reason acc {report['reason_accuracy']:.3f}; sentiment acc {report['sentiment_accuracy']:.3f}; "
                 f"urgent recall {report['urgent']['recall']:.3f} precision {report['urgent']['precision']:.3f}")
    cal = report["calibration"]
    lines.append(f"confidence ECE {cal['ece']:.3f}; " + ", ".join(
        f">={g}: {v['share']:.0%} of messages at {v['accuracy']}" for g, v in cal["at_or_above"].items()))
    lines.append("per language:")
    for lang, r in report["per_language"].items():
        lines.append(f"  {lang}: n {r['n']}, acc {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}, approval "
                     f"R {r['approval']['recall']:.3f} P {r['approval']['precision']:.3f}, "
                     f"language detected {r['language_detected']:.3f}")
    lines.append("per intent (precision / recall / support):")
    for intent, v in report["per_intent"].items():
        lines.append(f"  {intent:26s} {v['precision']:.3f} / {v['recall']:.3f} / {v['support']}")
    lines.append("confusion (gold -> predicted counts):")
    for gold, row in report["confusion"].items():
        if row:
            ranked = sorted(row.items(), key=lambda kv: -kv[1])
            lines.append(f"  {gold:26s} " + ", ".join(f"{k}:{v}" for k, v in ranked))
    return "\n".join(lines)
