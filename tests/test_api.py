"""The HTTP API over the real demo services."""

from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.services import Services


def _client(demo: Services, token: str | None = None) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(create_app(demo.settings, demo), headers=headers)


def test_health(demo: Services) -> None:
    with _client(demo) as c:
        body = c.get("/health").json()
    assert body["ok"] is True and body["checks"]["knowledge_chunks"] > 100


def test_search_endpoint(demo: Services, demo_tokens: dict[str, str]) -> None:
    with _client(demo, demo_tokens["agent"]) as c:
        r = c.get("/api/knowledge/search", params={"q": "ukuran M cukup untuk tinggi 165cm?", "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["language"] == "id" and len(body["hits"]) == 3
    assert {"score", "source", "section", "doc_key"} <= set(body["hits"][0])


def test_search_rejects_bad_input(demo: Services, demo_tokens: dict[str, str]) -> None:
    with _client(demo, demo_tokens["agent"]) as c:
        assert c.get("/api/knowledge/search", params={"q": ""}).status_code == 422
        assert c.get("/api/knowledge/search", params={"q": "x", "k": 999}).status_code == 422
        assert c.get("/api/knowledge/search", params={"q": "x", "type": "bogus"}).status_code == 422
        assert c.get("/api/knowledge/search", params={"q": "a" * 3000}).status_code == 422
        r = c.get("/api/knowledge/search", params={"q": "   "})
        assert r.status_code == 422 and "empty" in r.json()["detail"]


def test_stats_endpoint(demo: Services, demo_tokens: dict[str, str]) -> None:
    with _client(demo, demo_tokens["agent"]) as c:
        stats = c.get("/api/knowledge/stats").json()
    assert stats["products"] >= 40 and set(stats["per_language"]) >= {"en", "es", "id", "zh"}


def test_triage_and_draft_endpoints(demo: Services, demo_tokens: dict[str, str]) -> None:
    with _client(demo, demo_tokens["agent"]) as c:
        r = c.post("/api/triage", json={"messages": [{"id": "1", "text": "refund pls, it broke"}]})
        assert r.status_code == 200 and r.json()["results"][0]["needs_human_approval"] is True
        r = c.post("/api/draft", json={"messages": [{"id": "2", "text": "kak paket saya di mana?"}]})
        row = r.json()["results"][0]
        assert r.status_code == 200 and row["reply"] and row["reply_language"] == "id"
        assert row["guardrails"]["passed"] is True


def test_message_endpoints_reject_bad_input(demo: Services, demo_tokens: dict[str, str]) -> None:
    with _client(demo, demo_tokens["agent"]) as c:
        assert c.post("/api/triage", json={"messages": []}).status_code == 422
        assert c.post("/api/triage", json={"messages": [{"id": "1"}]}).status_code == 422
        assert c.post("/api/triage", json={"messages": [{"id": "1", "text": "x" * 9000}]}).status_code == 422
        too_many = [{"id": str(i), "text": "hi"} for i in range(101)]
        assert c.post("/api/draft", json={"messages": too_many}).status_code == 422
        bad = c.post("/api/draft", content=b"{not json", headers={"content-type": "application/json"})
        assert bad.status_code == 422


def test_api_needs_a_user(demo: Services) -> None:
    with _client(demo) as c:
        assert c.get("/health").status_code == 200
        r = c.get("/api/knowledge/search", params={"q": "refund"})
        assert r.status_code == 401 and "sign in" in r.json()["detail"]
        assert c.post("/api/triage", json={"messages": [{"id": "1", "text": "hi"}]}).status_code == 401
    with _client(demo, "sbt_forged-token") as c:
        assert c.get("/api/conversations").status_code == 401
