"""The demo shop knowledge folder is complete and valid; bad files are reported precisely."""

from pathlib import Path

from bot.kb.loader import load_knowledge
from tests.conftest import KNOWLEDGE

CATEGORIES = {"apparel", "shoes", "accessories", "jewellery", "electronics", "home_baby", "beauty",
              "snacks"}


def test_demo_shop_loads_clean() -> None:
    kb = load_knowledge(KNOWLEDGE)
    assert kb.problems == []
    assert len(kb.products) >= 40
    assert set(kb.categories.values()) == CATEGORIES
    for p in kb.products.values():
        assert p.known_shortcomings, f"{p.sku} has no known shortcomings"
        assert p.materials and p.care
    assert len(kb.size_charts) >= 5
    keys = {(d.meta.doc_key, d.meta.lang) for d in kb.policies}
    for topic in ("returns", "exchanges", "shipping", "coupons", "vip", "authority",
                  "platform_rules"):
        for lang in ("en", "es", "id", "zh"):
            assert (f"policy:{topic}", lang) in keys
    assert len(kb.orders) >= 20 and len(kb.buyers) >= 10
    assert any(b.lifetime_spend >= 500 for b in kb.buyers.values())
    assert kb.glossary


def test_play_mat_states_units() -> None:
    kb = load_knowledge(KNOWLEDGE)
    mat = kb.products["HB-MAT-01"]
    units = {d.unit for d in mat.dimensions}
    assert "cm" in units


def test_bad_files_are_reported_with_line_and_skipped(small_kb: Path) -> None:
    (small_kb / "products" / "broken.yaml").write_text(
        "category: snacks\nproducts:\n  - sku: SN-BAD-01\n    title: x\n    price: -3\n",
        encoding="utf-8")
    (small_kb / "products" / "latin1.yaml").write_bytes("title: caf\xe9".encode("latin-1"))
    (small_kb / "products" / "syntax.yaml").write_text("category: [unclosed\n", encoding="utf-8")
    kb = load_knowledge(small_kb)
    by_path = {p.path: p.reason for p in kb.problems}
    assert "line 5" in by_path["products/broken.yaml"] and "price" in by_path["products/broken.yaml"]
    assert "not UTF-8" in by_path["products/latin1.yaml"]
    assert "invalid YAML" in by_path["products/syntax.yaml"]
    assert "HB-MAT-01" in kb.products  # the good files still load


def test_policy_without_front_matter_is_refused(small_kb: Path) -> None:
    (small_kb / "policies" / "en" / "nofront.md").write_text("## Hi\ntext\n", encoding="utf-8")
    kb = load_knowledge(small_kb)
    assert any("front matter" in p.reason for p in kb.problems)
