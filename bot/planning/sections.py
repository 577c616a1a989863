"""Which policy section a buyer question is about.

Buyers ask about policy in their own words ("do u ship to hawaii", "abrí los snacks, los puedo
devolver?"), which share few words with the section that answers them. A small classifier learns
the mapping from buyer questions written for every buyer-facing section
(bot/planning/data/policy_questions/*.jsonl, labelled by page and English heading) plus each
section's own heading and text in every language of the knowledge base. The fact finder adds its
probability to the retrieval and word-overlap scores. The fitted model is cached under the model
directory, keyed by a hash of everything it is built from.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.errors import InvalidInputError
from bot.kb.loader import ShopKnowledge
from bot.modelcache import cached_model
from bot.retrieval.lexical import fold

SECTION_MODEL_VERSION = "1"
QUESTIONS_DIR = Path(__file__).parent / "data" / "policy_questions"
# Team-facing rule pages: they steer agents, they are not quoted to buyers.
INTERNAL_POLICIES = frozenset({"policy:authority", "policy:platform_rules"})
log = logging.getLogger("shopbot.planning")

Label = tuple[str, str]  # (doc_key, English heading)


def buyer_sections(kb: ShopKnowledge) -> dict[Label, list[str]]:
    """Every buyer-facing policy section -> its heading and text in each language (by position)."""
    english = {d.meta.doc_key: d for d in kb.policies if d.meta.lang == "en"}
    out: dict[Label, list[str]] = {}
    for doc in kb.policies:
        en = english.get(doc.meta.doc_key)
        if en is None or doc.meta.doc_key in INTERNAL_POLICIES or len(en.sections) != len(doc.sections):
            continue
        for en_section, section in zip(en.sections, doc.sections, strict=True):
            out.setdefault((doc.meta.doc_key, en_section.heading), []).extend([section.heading, section.text])
    return out


def load_questions(labels: set[Label], folder: Path = QUESTIONS_DIR) -> list[tuple[str, Label]]:
    """Labelled buyer questions; lines naming a section the knowledge base no longer has are skipped
    (a seller may rename a heading), a malformed line is an error naming file and line."""
    out: list[tuple[str, Label]] = []
    skipped = 0
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label = str(row["text"]), (str(row["doc"]), str(row["section"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InvalidInputError(f"{path}:{n}: not a labelled question ({exc})") from exc
            if label in labels:
                out.append((text, label))
            else:
                skipped += 1
    if skipped:
        log.info("policy questions: %d lines name sections the knowledge base does not have", skipped)
    return out


class SectionModel:
    """TF-IDF over characters and words, multinomial logistic regression over sections."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2,
                                     preprocessor=fold, dtype=np.float32)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                     token_pattern=r"\S+", preprocessor=fold, dtype=np.float32)
        self.model = LogisticRegression(C=10, max_iter=3000)
        self.labels: list[Label] = []

    def fit(self, examples: Sequence[tuple[str, Label]]) -> SectionModel:
        texts = [t for t, _ in examples]
        self.labels = sorted({lbl for _, lbl in examples})
        index = {lbl: i for i, lbl in enumerate(self.labels)}
        x = sp.hstack([self.chars.fit_transform(texts), self.words.fit_transform(texts)]).tocsr()
        self.model.fit(x, [index[lbl] for _, lbl in examples])
        return self

    def predict(self, text: str) -> dict[Label, float]:
        x = sp.hstack([self.chars.transform([text]), self.words.transform([text])]).tocsr()
        probs = self.model.predict_proba(x)[0]
        return {self.labels[int(c)]: float(p) for c, p in zip(self.model.classes_, probs, strict=True)}


def _fingerprint(sections: dict[Label, list[str]], folder: Path) -> str:
    h = hashlib.sha256(f"{SECTION_MODEL_VERSION}|{sklearn.__version__}|".encode())
    for label, texts in sorted(sections.items()):
        h.update(json.dumps([label, texts], ensure_ascii=False).encode())
    for path in sorted(folder.glob("*.jsonl")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load_or_train(kb: ShopKnowledge, cache_dir: Path | None, folder: Path = QUESTIONS_DIR) -> SectionModel | None:
    """The fitted model from the cache, or trained now (a few seconds) and cached; None when the
    knowledge base has fewer than two buyer-facing policy sections."""
    sections = buyer_sections(kb)
    if len(sections) < 2:
        return None
    path = cache_dir / f"sections-{_fingerprint(sections, folder)}.joblib" if cache_dir else None

    def train() -> SectionModel:
        examples = [(t, lbl) for lbl, texts in sections.items() for t in texts]
        return SectionModel().fit(examples + load_questions(set(sections), folder))

    return cached_model(path, train, SectionModel)
