"""Pages of the workspace: login, inbox, conversation, approvals, cases. Forms post back with a CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.api.deps import ServicesDep
from bot.api.routes.auth import login_session
from bot.api.security import OptionalUserDep, csrf_token
from bot.domain import INTENTS
from bot.errors import ShopbotError, TooManyAttemptsError
from bot.web.i18n import UI_LANGUAGES, translator
from bot.workspace import actions, cases, conversations, dispatcher, execution, views
from bot.workspace.auth import CurrentUser, require
from bot.workspace.schemas import DecideIn, OptionIn, ProposeIn

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)


def ui_lang(request: Request) -> str:
    lang = request.cookies.get("shopbot_lang", "en")
    return lang if lang in UI_LANGUAGES else "en"


def render(request: Request, name: str, user: CurrentUser | None, code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = ui_lang(request)
    flash = request.session.pop("flash", None)
    return templates.TemplateResponse(request, name, {
        "t": translator(lang), "lang": lang, "user": user, "csrf": csrf_token(request), "flash": flash,
        "now": datetime.now(UTC), **ctx}, status_code=code)


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = {"kind": kind, "text": text}


def act(request: Request, ok_url: str, err_url: str, fn: Callable[[], Any], ok_text: str) -> RedirectResponse:
    """Run an action; a refused one comes back as a message on the page (the server decides, not the UI)."""
    try:
        fn()
    except ShopbotError as exc:
        flash(request, "error", str(exc))
        return back(err_url)
    flash(request, "ok", ok_text)
    return back(ok_url)


def need_login(request: Request) -> RedirectResponse:
    return back("/login?next=" + quote(request.url.path))


@router.get("/")
def home() -> RedirectResponse:
    return back("/inbox")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUserDep, next: str = "/inbox") -> Response:
    return render(request, "login.html", user, next=next if next.startswith("/") else "/inbox")


@router.post("/login")
def login_form(request: Request, services: ServicesDep, user: OptionalUserDep,
               username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
               next: Annotated[str, Form(max_length=200)] = "/inbox") -> Response:
    try:
        login_session(request, services, username, password)
    except TooManyAttemptsError as exc:
        flash(request, "error", str(exc))
        return back("/login")
    except ShopbotError:
        flash(request, "error", translator(ui_lang(request))("login.failed"))
        return back("/login")
    return back(next if next.startswith("/") and not next.startswith("//") else "/inbox")


@router.post("/logout")
def logout(request: Request, user: OptionalUserDep) -> RedirectResponse:
    request.session.clear()
    return back("/login")


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str = "/inbox") -> RedirectResponse:
    resp = back(next if next.startswith("/") and not next.startswith("//") else "/inbox")
    if code in UI_LANGUAGES:
        resp.set_cookie("shopbot_lang", code, max_age=365 * 86400, samesite="lax")
    return resp


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, services: ServicesDep, user: OptionalUserDep, status: str = "active",
          intent: str = "", priority: str = "", urgent: str = "", page: int = 1) -> Response:
    if user is None:
        return need_login(request)
    page = max(1, min(page, 10_000))
    with services.db.session() as s:
        data = conversations.inbox(
            session=s, sla=services.sla, now=datetime.now(UTC),
            status=status if status in ("active", "open", "waiting_approval", "resolved", "all") else "active",
            intent=intent if intent in INTENTS else None,
            priority=priority if priority in ("red", "orange", "yellow") else None,
            urgent=True if urgent == "1" else None, limit=50, offset=(page - 1) * 50)
        counts = views.inbox_counts(session=s, sla=services.sla, now=datetime.now(UTC))
    return render(request, "inbox.html", user, page_data=data, counts=counts, intents=INTENTS,
                  auto_on=dispatcher.auto_switch(services),
                  filters={"status": status, "intent": intent, "priority": priority, "urgent": urgent},
                  page=page)


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation(conversation_id: int, request: Request, services: ServicesDep, user: OptionalUserDep) -> Response:
    if user is None:
        return need_login(request)
    try:
        with services.db.session() as s:
            d = views.detail(session=s, conversation_id=conversation_id, sla=services.sla,
                             stall_hours=services.settings.case_stall_hours, now=datetime.now(UTC))
    except ShopbotError as exc:
        return render(request, "error.html", user, code=404, message=str(exc))
    views.mark_presence(db=services.db, conversation_id=conversation_id,
                        seconds=services.settings.agent_presence_seconds)
    autos = dispatcher.auto_replies_of(services, conversation_id)
    return render(request, "conversation.html", user, d=d, autos=autos)


@router.post("/conversations/{conversation_id}/regenerate")
def regenerate(conversation_id: int, request: Request, services: ServicesDep, user: OptionalUserDep) -> Response:
    if user is None:
        return need_login(request)
    url = f"/conversations/{conversation_id}"
    return act(request, url, url, lambda: conversations.suggest(
        db=services.db, copilot=services.copilot, conversation_id=conversation_id),
        translator(ui_lang(request))("flash.regenerated"))


@router.post("/conversations/{conversation_id}/resolve")
def resolve(conversation_id: int, request: Request, services: ServicesDep, user: OptionalUserDep) -> Response:
    if user is None:
        return need_login(request)
    url = f"/conversations/{conversation_id}"
    return act(request, "/inbox", url, lambda: actions.resolve(db=services.db, user=user,
                                                                conversation_id=conversation_id),
               translator(ui_lang(request))("flash.resolved"))


@router.post("/drafts/{draft_id}/send")
def send(draft_id: int, request: Request, services: ServicesDep, user: OptionalUserDep,
         conversation_id: Annotated[int, Form()], text: Annotated[str | None, Form(max_length=4000)] = None,
         ) -> Response:
    if user is None:
        return need_login(request)
    url = f"/conversations/{conversation_id}"
    return act(request, url, url, lambda: actions.send_draft(
        db=services.db, copilot=services.copilot, user=user, draft_id=draft_id, text=text or None,
        deliver=services.deliver),
        translator(ui_lang(request))("flash.sent"))


@router.post("/drafts/{draft_id}/propose")
def propose(draft_id: int, request: Request, services: ServicesDep, user: OptionalUserDep,
            conversation_id: Annotated[int, Form()], note: Annotated[str, Form(max_length=2000)] = "",
            extra_action: Annotated[str, Form(max_length=20)] = "",
            extra_amount: Annotated[str, Form(max_length=20)] = "") -> Response:
    if user is None:
        return need_login(request)
    url = f"/conversations/{conversation_id}"

    def run() -> None:
        options = []
        if extra_action:
            try:
                amount = float(extra_amount) if extra_amount.strip() else None
                options.append(OptionIn(action=extra_action, amount=amount))  # type: ignore[arg-type]
            except ValueError as exc:
                raise ShopbotError(f"the extra option is not valid: {exc}") from exc
        actions.propose(db=services.db, copilot=services.copilot, user=user, draft_id=draft_id,
                        body=ProposeIn(note=note or None, options=options))

    return act(request, url, url, run, translator(ui_lang(request))("flash.proposed"))


@router.post("/settings/auto-replies")
def switch_auto_replies(request: Request, services: ServicesDep, user: OptionalUserDep,
                        enabled: Annotated[str, Form(max_length=5)]) -> Response:
    if user is None:
        return need_login(request)

    def run() -> None:
        require(user, "owner", "switching auto-replies")
        dispatcher.set_auto_switch(services, on=enabled == "true", by=user.username)

    return act(request, "/inbox", "/inbox", run, translator(ui_lang(request))("flash.auto_switched"))


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request, services: ServicesDep, user: OptionalUserDep, status: str = "pending") -> Response:
    if user is None:
        return need_login(request)
    with services.db.session() as s:
        items = actions.list_approvals(session=s, status=status if status in ("pending", "approved", "rejected",
                                                                              "all") else "pending")
    return render(request, "approvals.html", user, items=items, status=status)


@router.post("/approvals/{approval_id}/{verdict}")
def decide(approval_id: int, verdict: str, request: Request, services: ServicesDep, user: OptionalUserDep,
           option_id: Annotated[str, Form(max_length=40)] = "", amount: Annotated[str, Form(max_length=20)] = "",
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    if user is None:
        return need_login(request)
    if verdict not in ("approve", "reject"):
        return render(request, "error.html", user, code=404, message="unknown action")

    def run() -> None:
        try:
            value = float(amount) if amount.strip() else None
            body = DecideIn(option_id=option_id or None, amount=value, reason=reason or None)
        except ValueError as exc:
            raise ShopbotError(f"not a valid amount: {amount!r}") from exc
        actions.decide(db=services.db, copilot=services.copilot, user=user, approval_id=approval_id,
                       approve=verdict == "approve", body=body)
        if verdict == "approve":
            execution.execute(services=services, approval_id=approval_id, actor=user.username)

    return act(request, "/approvals", "/approvals", run,
               translator(ui_lang(request))("flash.approved" if verdict == "approve" else "flash.rejected"))


@router.get("/cases", response_class=HTMLResponse)
def case_table(request: Request, services: ServicesDep, user: OptionalUserDep, status: str = "open") -> Response:
    if user is None:
        return need_login(request)
    with services.db.session() as s:
        items = cases.list_cases(session=s, stall_hours=services.settings.case_stall_hours, now=datetime.now(UTC),
                                 status=status if status in ("open", "closed") else None, limit=300)
    return render(request, "cases.html", user, items=items, status=status)


def mount_web(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
