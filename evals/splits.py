"""Stable train/dev vs held-out assignment by a hash of the item id (never tune on held-out)."""

import hashlib

HELDOUT_PERCENT = 30


def split_of(item_id: str, heldout_percent: int = HELDOUT_PERCENT) -> str:
    """'heldout' for a fixed ~30% of ids, 'dev' for the rest; independent of file order."""
    bucket = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < heldout_percent else "dev"


def stratified_group_splits(rows: list[dict[str, str]], key: str = "intent",
                            heldout_percent: int = HELDOUT_PERCENT) -> dict[str, str]:
    """id -> split, holding out ~30% of the twin groups of every (language pair, label) stratum.

    Groups are ranked by a stable hash inside their stratum, so the assignment never depends on
    file order, and every label has held-out examples (a plain hash can miss a small class).
    """
    strata: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        group = r.get("group") or r["id"]
        stratum = (group.split(":", 1)[0] if ":" in group else r.get("lang", ""), r[key])
        strata.setdefault(stratum, set()).add(group)
    held: set[str] = set()
    for groups in strata.values():
        ranked = sorted(groups, key=lambda g: hashlib.sha256(g.encode()).hexdigest())
        n = max(1, round(len(ranked) * heldout_percent / 100))
        held.update(ranked[:n])
    return {r["id"]: ("heldout" if (r.get("group") or r["id"]) in held else "dev") for r in rows}
