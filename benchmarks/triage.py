"""Triage speed on this machine: batch throughput, warm single-message latency, CLI cold start.

Run: `make bench` (or .venv/bin/python -m benchmarks.triage). Writes benchmarks/results/triage.json.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import header, pct, report
from bot.config import REPO_ROOT
from bot.domain import Message
from bot.kb.loader import load_knowledge
from bot.kb.mentions import ProductMatcher
from bot.triage.model import eval_rows
from bot.triage.triager import Triager

BATCH_ROUNDS = 5
SINGLE = 1000
COLD_RUNS = 5



def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "models"
        t0 = time.perf_counter()
        triager = Triager.load(cache, ProductMatcher.from_knowledge(load_knowledge(REPO_ROOT / "knowledge")))
        train_s = time.perf_counter() - t0
        msgs = [Message(id=r["id"], text=r["text"], channel=r.get("channel")) for r in eval_rows("all")]
        triager.triage_batch(msgs[:50])  # warm up (language models load on first use)

        t0 = time.perf_counter()
        for _ in range(BATCH_ROUNDS):
            triager.triage_batch(msgs)
        batch_rate = BATCH_ROUNDS * len(msgs) / (time.perf_counter() - t0)

        lat = []
        for i in range(SINGLE):
            m = msgs[i % len(msgs)]
            t = time.perf_counter()
            triager.triage(m)
            lat.append((time.perf_counter() - t) * 1000)

        data = Path(tmp) / "data"
        (data / "models").mkdir(parents=True)
        for f in cache.iterdir():
            (data / "models" / f.name).write_bytes(f.read_bytes())
        line = json.dumps({"id": "1", "text": "kak paket saya belum sampai, sudah 10 hari!"}) + "\n"
        env = {**os.environ, "SHOPBOT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
        cold = []
        for _ in range(COLD_RUNS):
            t = time.perf_counter()
            subprocess.run([str(Path(sys.executable).parent / "shopbot"), "triage", "--input", "-",
                            "--output", "-"], input=line, text=True, capture_output=True, env=env,
                           check=True)
            cold.append(time.perf_counter() - t)

    result = {
        **header(),
        "messages": len(msgs),
        "train_s": round(train_s, 1),
        "batch_messages_per_s": round(batch_rate, 1),
        "single_p50_ms": round(statistics.median(lat), 2),
        "single_p95_ms": round(pct(lat, 95), 2),
        "cli_cold_start_median_s": round(statistics.median(cold), 2),
        "cli_cold_start_max_s": round(max(cold), 2),
    }
    report("triage", result)


if __name__ == "__main__":
    main()
