"""The shared contract checker (../shared/tools/check_contracts.py) passes against our CLI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT

CHECKER = REPO_ROOT.parent / "shared" / "tools" / "check_contracts.py"


@pytest.mark.skipif(not CHECKER.exists(), reason="../shared/tools/check_contracts.py not present")
def test_triage_contract_holds(tmp_path: Path) -> None:
    shopbot = Path(sys.executable).parent / "shopbot"
    cmd = f"env SHOPBOT_DATA_DIR={tmp_path} HF_HUB_OFFLINE=1 {shopbot}"
    r = subprocess.run([sys.executable, str(CHECKER), "--shopbot", cmd], capture_output=True,
                       text=True, timeout=600, env=os.environ.copy())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "contract holds" in r.stdout
