"""The shopbot command, run as a user would (subprocess, real data dir)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import KNOWLEDGE

SHOPBOT = [sys.executable, "-c", "from bot.cli import app; app()"]


def _run(args: list[str], data: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHOPBOT_DATA_DIR": str(data), "SHOPBOT_KNOWLEDGE_DIR": str(KNOWLEDGE),
           "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(SHOPBOT + args, capture_output=True, text=True, env=env, timeout=300,
                          **kw)  # type: ignore[call-overload]


def test_help_on_every_command(tmp_path: Path) -> None:
    for args in (["--help"], ["serve", "--help"], ["ingest", "--help"], ["search", "--help"],
                 ["kb", "stats", "--help"], ["eval", "retrieval", "--help"],
                 ["size", "recommend", "--help"], ["size", "convert", "--help"]):
        r = _run(args, tmp_path)
        assert r.returncode == 0, (args, r.stderr)
        assert "Usage" in r.stdout


def test_ingest_search_stats(tmp_path: Path, small_kb: Path) -> None:
    r = _run(["ingest", str(small_kb), "--json"], tmp_path)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["added"] > 0 and summary["bad_files"] == 0
    r = _run(["search", "play mat thickness", "--json", "-k", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)["hits"]
    assert hits[0]["sku"] == "HB-MAT-01"
    r = _run(["kb", "stats", "--json"], tmp_path)
    assert json.loads(r.stdout)["chunks"] > 0


def test_search_bad_input_exit_codes(tmp_path: Path) -> None:
    r = _run(["search", "   "], tmp_path)
    assert r.returncode == 1 and "empty" in r.stderr
    r = _run(["search", "x", "--type", "nope"], tmp_path)
    assert r.returncode == 2


def test_size_commands(tmp_path: Path) -> None:
    r = _run(["size", "convert", "180", "cm", "in"], tmp_path)
    assert r.returncode == 0 and "70.87 in" in r.stdout
    r = _run(["size", "recommend", "AP-DRS-01", "165cm 60kg"], tmp_path)
    assert r.returncode == 0 and "size:" in r.stdout
    r = _run(["size", "recommend", "NOPE-01", "165cm"], tmp_path)
    assert r.returncode == 1 and "no size chart" in r.stderr
