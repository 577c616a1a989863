"""Speed of the knowledge layer on this machine: ingest throughput and search latency.

Run: `make bench` (or .venv/bin/python -m benchmarks.retrieval). Writes benchmarks/results/retrieval.json
and prints a Markdown table for the README. Uses a fresh temporary data dir.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import header, pct
from bot.config import REPO_ROOT, Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from evals.retrieval_eval import load_questions  # noqa: E402

N_QUERIES = 1000



def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(data_dir=Path(tmp), knowledge_dir=REPO_ROOT / "knowledge"))
        t0 = time.perf_counter()
        services.embedder  # noqa: B018 - model load timed separately
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = services.ingest()
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = services.ingest()
        reingest_s = time.perf_counter() - t0
        assert again.chunks_written == 0

        questions = load_questions()
        queries = [(q.query, q.sku) for q in questions]
        searcher = services.searcher
        searcher.search("warm up", k=3)
        lat: list[float] = []
        for i in range(N_QUERIES):
            text, sku = queries[i % len(queries)]
            t = time.perf_counter()
            searcher.search(text, k=3, sku=sku)
            lat.append((time.perf_counter() - t) * 1000)

    result = {
        **header(),
        "embedder": services.embedder.name,
        "model_load_s": round(load_s, 2),
        "chunks": report.chunks_written,
        "documents": len(report.added),
        "ingest_s": round(ingest_s, 2),
        "ingest_chunks_per_s": round(report.chunks_written / ingest_s, 1),
        "reingest_unchanged_s": round(reingest_s, 2),
        "search_queries": N_QUERIES,
        "search_p50_ms": round(statistics.median(lat), 2),
        "search_p95_ms": round(pct(lat, 95), 2),
        "search_max_ms": round(max(lat), 2),
    }
    report("retrieval", result)


if __name__ == "__main__":
    main()
