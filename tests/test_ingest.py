"""Ingestion into an on-disk Chroma: idempotent, replaces changed docs, removes deleted ones."""

from pathlib import Path

from bot.services import Services


def test_ingest_is_idempotent_and_tracks_changes(small_services: Services, small_kb: Path) -> None:
    first = small_services.ingest()
    assert first.added and not first.unchanged and first.chunks_written > 0
    assert first.problems == []
    n_chunks = small_services.index.collection.count()

    second = small_services.ingest()
    assert not second.added and not second.replaced and second.chunks_written == 0
    assert len(second.unchanged) == len(first.added)
    assert small_services.index.collection.count() == n_chunks

    shipping = small_kb / "policies" / "en" / "shipping.md"
    shipping.write_text(shipping.read_text(encoding="utf-8") +
                        "\n## Holiday season\nParcels sent in late December travel slower.\n",
                        encoding="utf-8")
    (small_kb / "policies" / "es" / "returns.md").unlink()
    third = small_services.ingest()
    assert third.replaced == ["policy:shipping@en"]
    assert third.removed == ["policy:returns@es"]
    got = small_services.index.collection.get(where={"doc_id": "policy:returns@es"})
    assert got["ids"] == []
    hits = small_services.searcher.search("late December holiday parcels", k=3).hits
    assert hits[0].section == "Holiday season"


def test_bad_file_is_reported_and_the_rest_ingests(small_services: Services, small_kb: Path) -> None:
    (small_kb / "products" / "bad.yaml").write_text("category: toys\nproducts: []\n",
                                                  encoding="utf-8")
    report = small_services.ingest()
    assert any("bad.yaml" in p for p in report.problems)
    assert "product:HB-MAT-01" in report.added


def test_stats_count_types_and_languages(small_services: Services) -> None:
    small_services.ingest()
    stats = small_services.index.stats()
    assert stats["products"] >= 6 and stats["size_charts"] == 1 and stats["policies"] == 2
    assert set(stats["per_language"]) == {"en", "es"}
    assert stats["chunks"] == small_services.index.collection.count()


def test_ingest_records_run_and_seeds_nothing_without_orders(small_services: Services) -> None:
    from bot.store import repositories as repo

    small_services.ingest()
    with small_services.db.session() as s:
        assert repo.counts(session=s)["ingest_runs"] == 1
