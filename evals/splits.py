"""Stable dev vs held-out assignment by a hash of the item id, for the reply and retrieval eval sets
(the triage held-out set is a separate folder, evals/triage/heldout). Never tune on held-out."""

import hashlib

HELDOUT_PERCENT = 30


def split_of(item_id: str, heldout_percent: int = HELDOUT_PERCENT) -> str:
    """'heldout' for a fixed ~30% of ids, 'dev' for the rest; independent of file order."""
    bucket = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < heldout_percent else "dev"
