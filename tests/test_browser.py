"""The workspace in a real browser: Playwright drives Debian's Chromium (headless) against the real app
served by uvicorn over HTTP, on a real database (PostgreSQL when configured, else SQLite).

Screenshots of each main screen are written to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.api.app import create_app
from bot.config import Settings
from bot.services import Services
from bot.workspace import auth, conversations
from bot.workspace import demo as demo_shop
from bot.workspace.schemas import Inbound
from tests.conftest import KNOWLEDGE, PASSWORDS, fresh_postgres_database

CHROMIUM = os.environ.get("SHOPBOT_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"CI needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    admin = os.environ.get("SHOPBOT_TEST_POSTGRES_URL")
    if not admin:
        yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'shop.db'}"
        return
    with fresh_postgres_database(admin) as url:
        yield url


@pytest.fixture(scope="module")
def server(database: str, demo: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over HTTP with the demo inbox received through the pipeline."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser-data"), knowledge_dir=KNOWLEDGE,
                        database_url=database, chroma_path=demo.settings.resolved_chroma_path)
    services = Services(settings, embedder=demo.embedder)
    with services.db.session() as s:
        for role, password in PASSWORDS.items():
            auth.add_user(session=s, username=role, password=password, role=role, display_name=role.title())
    demo_shop.seed_inbox(services)
    conversations.receive(db=services.db, copilot=services.copilot, inbound=Inbound(
        text="I want my money back, the blender jar cracked the first time I used it", channel="email",
        buyer_id="B-1012", order_id="576102938475610028"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(settings, services), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                    args=FLAGS, base_url=server,
                                                    viewport={"width": 1440, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        yield page
        ctx.close()


def _login(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("[data-testid=login-submit]")
    expect(page.locator("[data-testid=who]")).to_contain_text(username.title())


def _logout(page: Page) -> None:
    page.click("[data-testid=logout]")
    expect(page.locator("[data-testid=login-form]")).to_be_visible()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_agent_opens_the_most_urgent_conversation_and_sends_the_suggestion(browser_page: Page) -> None:
    page = browser_page
    page.goto("/inbox")
    _shot(page, "01-login")
    _login(page, "agent")
    rows = page.locator("[data-testid=conversation-row]")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10
    assert "urgent" in (rows.first.get_attribute("class") or "")  # urgent is pinned on top
    _shot(page, "02-inbox")
    rows.first.locator("[data-testid=open-conversation]").click()
    draft = page.locator("[data-testid=draft-text]")
    suggested = draft.input_value()
    assert len(suggested) > 40  # never an empty box
    expect(page.locator("[data-testid=order-panel]")).to_be_visible()
    _shot(page, "03-conversation")
    page.click("[data-testid=accept-send]")
    expect(page.locator("[data-testid=flash]")).to_contain_text("sent")
    outbound = page.locator("[data-testid=message-out]")
    expect(outbound.last).to_contain_text(suggested.strip()[:30])


def test_agent_proposes_a_refund_but_cannot_approve_it(browser_page: Page) -> None:
    page = browser_page
    page.goto("/inbox")
    page.locator("[data-testid=conversation-row]", has_text="blender jar cracked").locator(
        "[data-testid=open-conversation]").click()
    proposal = page.locator("[data-testid=proposal]")
    expect(proposal).to_contain_text("must approve")
    _shot(page, "04-proposal")
    page.fill("input[name=note]", "jar cracked on first use")
    page.click("[data-testid=submit-proposal]")
    expect(page.locator("[data-testid=flash]")).to_contain_text("approval")
    expect(page.locator("[data-testid=proposal-pending]")).to_be_visible()
    page.goto("/approvals")
    expect(page.locator("[data-testid=read-only]")).to_be_visible()
    card = page.locator("[data-testid=approval-card]").first
    expect(card).to_be_visible()
    assert page.locator("[data-testid=approve]").count() == 0
    # Hidden buttons are not the protection: the server refuses the agent's approval itself.
    approval_id = card.get_attribute("data-id")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate("""async ([id, csrf]) => (await fetch(`/api/approvals/${id}/approve`, {method: 'POST',
        headers: {'content-type': 'application/json', 'x-csrf-token': csrf},
        body: JSON.stringify({option_id: 'x'})})).status""", [approval_id, csrf])
    assert status == 403
    page.request.post(f"/approvals/{approval_id}/approve", form={"csrf_token": csrf or "", "option_id": "x"})
    page.goto("/approvals")
    expect(page.locator("[data-testid=approval-card]").first).to_be_visible()  # still pending
    _logout(page)


def test_supervisor_approves_and_the_buyer_follow_up_appears(browser_page: Page) -> None:
    page = browser_page
    _login(page, "supervisor")
    page.goto("/approvals")
    card = page.locator("[data-testid=approval-card]").first
    conversation = card.locator("h2 a").get_attribute("href")
    _shot(page, "05-approvals")
    card.locator("[data-testid=approve]").click()
    expect(page.locator("[data-testid=flash]")).to_contain_text("Approved")
    expect(page.locator("[data-testid=no-approvals]")).to_be_visible()
    page.goto(str(conversation))
    suggestion = page.locator("[data-testid=suggestion]")
    expect(suggestion).to_contain_text("Follow-up")
    assert len(page.locator("[data-testid=draft-text]").input_value()) > 40
    _shot(page, "06-follow-up")
    page.goto("/cases")
    expect(page.locator("[data-testid=case-row]").first).to_be_visible()
    expect(page.locator("[data-testid=cases]")).to_contain_text("Approved")
    _shot(page, "07-cases")


def test_the_interface_switches_to_chinese(browser_page: Page) -> None:
    page = browser_page
    page.goto("/inbox")
    page.click("[data-testid=lang-zh]")
    expect(page.locator("[data-testid=nav-inbox]")).to_have_text("收件箱")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert re.search(r"共 \d+ 个会话", page.content())
    _shot(page, "08-inbox-zh")
    page.locator("[data-testid=open-conversation]").first.click()
    expect(page.locator("[data-testid=regenerate]")).to_have_text("重新生成")
    _shot(page, "09-conversation-zh")
    page.click("[data-testid=lang-en]")
    expect(page.locator("[data-testid=nav-inbox]")).to_have_text("Inbox")
