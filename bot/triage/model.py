"""The triage classifiers: TF-IDF (characters, words) plus lexicon concepts, logistic regression.

Trained on our own labelled messages (bot/triage/data/train* and evals/triage/data, the dev split);
the held-out split (evals/triage/heldout, written independently) is never used. The fitted model is
cached on disk, keyed by a hash of the data, the lexicon and this module's MODEL_VERSION.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.config import REPO_ROOT
from bot.errors import InvalidInputError
from bot.modelcache import cached_model
from bot.retrieval.lexical import fold
from bot.triage.lexicon import LEXICON, Lexicon, load_lexicon

MODEL_VERSION = "6"
TRAIN_DIR = Path(__file__).parent / "data" / "train"
EVAL_DIR = REPO_ROOT / "evals" / "triage" / "data"  # the dev split
HELDOUT_DIR = REPO_ROOT / "evals" / "triage" / "heldout"  # never trained or tuned on
CONCEPT_WEIGHT = 1.0
REMEDY_INTENTS = frozenset({"refund_request", "return_request", "exchange_request", "cancel_order"})
# The request model learns only the hard contrast inside these intents: "refund me" vs "how long do
# refunds take?" / "my refund was approved, where is it?" (a remedy asked now vs asked about).
REQUEST_MODEL_INTENTS = REMEDY_INTENTS | {"order_change", "coupon_or_price"}


def _identity(text: str) -> str:
    return text


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Labelled messages from a JSONL file; a bad line is an error naming file and line."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}:{n}: {exc.msg}") from exc
    return rows


def eval_rows(split: str) -> list[dict[str, Any]]:
    """The eval set's rows of one split: 'dev' (evals/triage/data), 'heldout' (evals/triage/heldout,
    written by other hands after the first held-out split was used for a decision) or 'all'."""
    if split not in {"dev", "heldout", "all"}:
        raise InvalidInputError("split must be heldout, dev or all")
    dirs = {"dev": [EVAL_DIR], "heldout": [HELDOUT_DIR], "all": [EVAL_DIR, HELDOUT_DIR]}[split]
    return [r for d in dirs for p in sorted(d.glob("*.jsonl")) for r in load_rows(p)]


def training_rows() -> list[dict[str, Any]]:
    """What the shipped model learns from: the training files plus the eval set's dev split."""
    rows = [r for p in sorted(TRAIN_DIR.parent.glob("train*/*.jsonl")) for r in load_rows(p)]
    return rows + eval_rows("dev")


def concept_tokens(concepts: Sequence[str], text: str) -> str:
    """Concept tokens plus message shape (length bucket, question mark)."""
    toks = [f"c_{c}" for c in sorted(concepts)] or ["c_none"]
    n = len(text.split())
    toks.append("len_" + ("1" if n <= 1 else "2" if n <= 3 else "3" if n <= 8 else "4"))
    if "?" in text or "？" in text:
        toks.append("qmark")
    return " ".join(toks)


@dataclass
class Prediction:
    intent_probs: dict[str, float]
    approval_prob: float
    request_prob: float  # P(asks for the remedy now | the message is about a remedy)
    reason_probs: dict[str, float]
    sentiment_probs: dict[str, float]
    concepts: list[str]  # lexicon concepts found in the message

    @property
    def intent(self) -> str:
        return max(self.intent_probs, key=lambda k: self.intent_probs[k])

    @property
    def remedy_prob(self) -> float:
        """How likely the message is about a refund, return, exchange or cancellation at all."""
        return sum(self.intent_probs.get(i, 0.0) for i in REMEDY_INTENTS)


class TriageModel:
    """Five linear classifiers over one shared feature space."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # min_df=2: features seen once are noise (dev split: macro-F1 0.824 -> 0.835, model 6.7 -> 2.1 MB)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2,
                                     preprocessor=fold, dtype=np.float32)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                                     token_pattern=r"\S+", preprocessor=fold, dtype=np.float32)
        self.concepts = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                                        use_idf=False, norm=None, binary=True,
                                        preprocessor=_identity, dtype=np.float32)
        self.intent = LogisticRegression(C=30, max_iter=5000)
        self.approval = LogisticRegression(C=30, max_iter=5000, class_weight="balanced")
        self.request = LogisticRegression(C=30, max_iter=5000, class_weight="balanced")
        self.reason = LogisticRegression(C=10, max_iter=5000)
        self.sentiment = LogisticRegression(C=10, max_iter=5000)

    def _matrix(self, texts: Sequence[str], fit: bool = False,
                concepts: Sequence[Sequence[str]] | None = None) -> sp.csr_matrix:
        found = concepts if concepts is not None else [self.lexicon.concepts(t) for t in texts]
        ctoks = [concept_tokens(c, t) for c, t in zip(found, texts, strict=True)]
        if fit:
            parts = [self.chars.fit_transform(texts), self.words.fit_transform(texts),
                     CONCEPT_WEIGHT * self.concepts.fit_transform(ctoks)]
        else:
            parts = [self.chars.transform(texts), self.words.transform(texts),
                     CONCEPT_WEIGHT * self.concepts.transform(ctoks)]
        return sp.hstack(parts).tocsr()

    def fit(self, rows: Sequence[dict[str, Any]]) -> TriageModel:
        texts = [r["text"] for r in rows]
        x = self._matrix(texts, fit=True)
        self.intent.fit(x, [r["intent"] for r in rows])
        self.approval.fit(x, [bool(r["needs_human_approval"]) for r in rows])
        sub = [i for i, r in enumerate(rows) if r["intent"] in REQUEST_MODEL_INTENTS]
        self.request.fit(x[sub], [bool(rows[i]["needs_human_approval"]) for i in sub])
        self.reason.fit(x, [r.get("reason") or "none" for r in rows])
        self.sentiment.fit(x, [r["sentiment"] for r in rows])
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Probabilities for every message (batch: one sparse matrix, five matrix products)."""
        concepts = [self.lexicon.concepts(t) for t in texts]  # once: features and rules share them
        x = self._matrix(texts, concepts=concepts)
        pi, pa = self.intent.predict_proba(x), self.approval.predict_proba(x)
        pr, ps = self.reason.predict_proba(x), self.sentiment.predict_proba(x)
        pq = self.request.predict_proba(x)
        true_col = list(self.approval.classes_).index(True)
        req_col = list(self.request.classes_).index(True)
        out = []
        for i in range(len(texts)):
            out.append(Prediction(
                intent_probs=dict(zip(self.intent.classes_, pi[i].tolist(), strict=True)),
                approval_prob=float(pa[i, true_col]),
                request_prob=float(pq[i, req_col]),
                reason_probs=dict(zip(self.reason.classes_, pr[i].tolist(), strict=True)),
                sentiment_probs=dict(zip(self.sentiment.classes_, ps[i].tolist(), strict=True)),
                concepts=concepts[i]))
        return out

    def top_features(self, text: str, intent: str, n: int = 8) -> list[tuple[str, float]]:
        """The features that pushed this message towards an intent (coefficient x value)."""
        x = self._matrix([text])
        row = list(self.intent.classes_).index(intent)
        coef = self.intent.coef_[row]
        names = (
            [f"chars '{f}'" for f in self.chars.get_feature_names_out()]
            + [f"word '{f}'" for f in self.words.get_feature_names_out()]
            + [f"concept {f}" for f in self.concepts.get_feature_names_out()])
        contrib = [(names[j], float(coef[j] * v)) for j, v in zip(x.indices, x.data, strict=True)]
        contrib.sort(key=lambda t: -t[1])
        return [(name, round(w, 3)) for name, w in contrib[:n] if w > 0]


def _fingerprint() -> str:
    """Hash of everything the model is built from (files, lexicon, versions), without parsing."""
    h = hashlib.sha256()
    h.update(f"{MODEL_VERSION}|{sklearn.__version__}|".encode())
    for path in [LEXICON, *sorted(TRAIN_DIR.parent.glob("train*/*.jsonl")),
                 *sorted(EVAL_DIR.glob("*.jsonl"))]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load_or_train(cache_dir: Path | None) -> TriageModel:
    """The fitted model from the cache, or trained now (about 10 s) and cached."""
    lexicon = load_lexicon()
    path = cache_dir / f"triage-{_fingerprint()}.joblib" if cache_dir else None
    model = cached_model(path, lambda: TriageModel(lexicon).fit(training_rows()), TriageModel)
    model.lexicon = lexicon
    return model
