"""The `shopbot` command: thin wrappers over the same services the API uses."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot.config import Settings, get_settings
from bot.errors import ShopbotError
from bot.services import Services

app = typer.Typer(help="shopbot: after-sales copilot for TikTok Shop sellers.",
                  no_args_is_help=True, add_completion=False)
kb_app = typer.Typer(help="Inspect the knowledge base.", no_args_is_help=True)
eval_app = typer.Typer(help="Offline evaluations (scores on held-out data).", no_args_is_help=True)
size_app = typer.Typer(help="Size charts: unit conversion and size advice.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")
app.add_typer(size_app, name="size")
users_app = typer.Typer(help="Workspace users and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

out = Console()
err = Console(stderr=True)
T = TypeVar("T")


def _services() -> Services:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("alembic", "bm25s", "httpx", "chromadb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return Services(settings)


def _run(fn: Callable[[], T]) -> T:
    """Turn domain errors into a one-line message and exit code 1."""
    try:
        return fn()
    except ShopbotError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
          port: Annotated[int | None, typer.Option(help="Port.")] = None,
          ingest: Annotated[bool, typer.Option(help="Ingest the knowledge folder first.")] = True,
          demo: Annotated[bool | None, typer.Option(help="Demo logins and buyer traffic (SHOPBOT_DEMO).")] = None,
          ) -> None:
    """Start the copilot web service: the workspace UI at /, API docs at /docs."""
    import uvicorn

    from bot.api.app import create_app

    services = _services()
    if demo is not None:
        services.settings = services.settings.model_copy(update={"demo": demo})
    if ingest:
        _run(lambda: services.ingest())
    settings = services.settings
    h, p = host or settings.host, port or settings.port
    if settings.demo:
        from bot.workspace import demo as demo_shop

        if not settings.tiktok_app_key:  # the whole loop offline: simulated TikTok Shop -> webhook -> shopbot
            settings = services.settings = demo_shop.with_simulator(settings)
            demo_shop.start_simulator(settings, f"http://{h}:{p}/webhooks/tiktok", services.knowledge.orders)
            out.print(f"  TikTok Shop simulator on {settings.tiktok_api_base} (pushes to /webhooks/tiktok)")
        err.print("seeding the demo inbox (each message goes through triage and drafting)...")
        info = _run(lambda: demo_shop.start(services))
        for username, password, role in info["users"]:
            out.print(f"  demo login: {username} / {password}  ({role})")
        if not info["users"]:
            out.print("  users already exist: sign in with yours (`shopbot users add` creates more)")
    out.print(f"shopbot serving on http://{h}:{p}  (workspace: http://{h}:{p}/inbox, API docs: http://{h}:{p}/docs)")
    uvicorn.run(create_app(settings, services), host=h, port=p, log_level="info")


@app.command()
def ingest(path: Annotated[Path | None, typer.Argument(help="Knowledge folder.")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
           ) -> None:
    """Index knowledge into Chroma (idempotent: unchanged docs are skipped)."""
    services = _services()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True, disable=as_json) as bar:
        task = bar.add_task("embedding documents", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = _run(lambda: services.ingest(path, progress))
    for problem in report.problems:
        err.print(f"[yellow]{problem}[/yellow]", highlight=False)
    summary = report.summary()
    if as_json:
        out.print_json(json.dumps({**summary, "problems": report.problems}))
    else:
        out.print("ingest: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


@app.command()
def search(query: Annotated[str, typer.Argument(help="What to look for, any language.")],
           sku: Annotated[str | None, typer.Option(help="Scope product facts to one SKU.")] = None,
           type_: Annotated[str | None, typer.Option(
               "--type", help="policy | product | size_chart")] = None,
           k: Annotated[int, typer.Option("-k", help="Number of hits.")] = 5,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Search the knowledge base (hybrid: filters + semantic + lexical)."""
    if type_ not in (None, "policy", "product", "size_chart", "doc"):
        err.print("error: --type must be policy, product, size_chart or doc")
        raise typer.Exit(2)
    services = _services()
    result = _run(lambda: services.searcher.search(query, k=k, sku=sku, doc_type=type_))  # type: ignore[arg-type]
    if as_json:
        out.print_json(result.model_dump_json())
        return
    table = Table(title=f"{query!r} (lang {result.language}"
                  + (f", +{', '.join(result.expansions)}" if result.expansions else "") + ")")
    for col in ("#", "score", "source", "section", "text"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(result.hits, 1):
        snippet = h.text.split("\n", 1)[-1][:140]
        table.add_row(str(i), f"{h.score:.2f}", h.source, h.section, snippet)
    out.print(table)


def _open_in(path: str) -> BinaryIO:
    return sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115


def _open_out(path: str) -> TextIO:
    if path == "-":
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        return sys.stdout
    return open(path, "w", encoding="utf-8")  # noqa: SIM115


def _batch(verb: str, input_: str, output: str, build: Callable[[Services], Any],
           handle: Callable[[Any, Any], list[dict[str, Any]]]) -> None:
    """Shared JSONL loop of `triage` and `draft`: bad lines are reported in-line, order is kept."""
    from bot.batch import process, read_lines

    services = _services()
    try:
        src = _open_in(input_)
        dst = _open_out(output)
    except OSError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    engine = _run(lambda: build(services))

    def emit(row: dict[str, Any]) -> None:
        dst.write(json.dumps(row, ensure_ascii=False) + "\n")

    try:
        ok, bad = process(read_lines(src), lambda msgs: handle(engine, msgs), emit)
        dst.flush()
    finally:
        for stream in (src, dst):
            if stream not in (sys.stdin.buffer, sys.stdout):
                stream.close()
    err.print(f"{verb}: {ok} ok, {bad} errors", highlight=False)
    raise typer.Exit(1 if bad else 0)


@app.command()
def triage(input_: Annotated[str, typer.Option("--input", help="JSONL file, or - for stdin.")],
           output: Annotated[str, typer.Option("--output", help="JSONL file, or - for stdout.")],
           explain: Annotated[bool, typer.Option(help="Add why: features, cue words, probabilities.")] = False,
           ) -> None:
    """Triage buyer messages (CONTRACTS.md): one JSON object per line in, one per line out."""
    exclude = None if explain else {"explanation"}
    _batch("triage", input_, output, lambda s: s.triager,
           lambda triager, msgs: [t.model_dump(mode="json", exclude=exclude)
                                  for t in triager.triage_batch(msgs, explain=explain)])


@app.command()
def draft(input_: Annotated[str, typer.Option("--input", help="JSONL file, or - for stdin.")],
          output: Annotated[str, typer.Option("--output", help="JSONL file, or - for stdout.")]) -> None:
    """Draft replies (CONTRACTS.md): triage fields plus reply, choices, approval, guardrails."""
    _batch("draft", input_, output, lambda s: s.copilot,
           lambda copilot, msgs: [r.contract() for r in copilot.draft(list(msgs))])


@kb_app.command("stats")
def kb_stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is indexed: products, size charts, policies, chunks, per language."""
    stats: dict[str, Any] = _run(lambda: _services().index.stats())
    if as_json:
        out.print_json(json.dumps(stats))
        return
    for key, val in stats.items():
        out.print(f"{key}: {val}")


@size_app.command("convert")
def size_convert(value: float, from_unit: str, to_unit: str) -> None:
    """Convert a length or weight exactly (e.g. `shopbot size convert 180 cm in`)."""
    from bot.kb.sizing import convert

    result = _run(lambda: convert(value, from_unit, to_unit))
    out.print(f"{value:g} {from_unit} = {float(result):.2f} {to_unit}")


@size_app.command("recommend")
def size_recommend(sku: str, measurements: Annotated[str, typer.Argument(
        help='Free text, e.g. "165cm 60kg" or "5\'4 130 lbs".')]) -> None:
    """Recommend a size for a product from a buyer's height/weight."""
    from bot.errors import NotFoundError
    from bot.kb.sizing import describe, parse_body, recommend

    services = _services()

    def advise() -> Any:
        chart = services.knowledge.chart_for(sku)
        if chart is None:
            raise NotFoundError(f"no size chart for {sku}")
        measures = parse_body(measurements)
        return chart, measures, recommend(chart, measures)

    chart, measures, advice = _run(advise)
    read = ", ".join(f"{k} {describe(m)}" for k, m in measures.items())
    out.print(f"chart {chart.id}; read {read or 'nothing'}")
    out.print(f"size: {advice.size or 'no recommendation'} ({advice.note})")


def _report_and_gate(report: dict[str, Any], text: str, as_json: bool, failed: list[str]) -> None:
    """Print an eval report (JSON or text); exit 1 naming every gate that failed."""
    if as_json:
        out.print_json(json.dumps(report))
    else:
        out.print(text, highlight=False)
    if failed:
        err.print("[red]eval gate failed:[/red] " + "; ".join(failed))
        raise typer.Exit(1)


@eval_app.command("triage")
def eval_triage(split: Annotated[str, typer.Option(help="heldout | dev | all")] = "heldout",
                as_json: Annotated[bool, typer.Option("--json")] = False,
                min_macro_f1: Annotated[float | None, typer.Option(help="Gate on macro-F1.")] = None,
                min_approval_recall: Annotated[float | None, typer.Option(
                    help="Gate on approval recall.")] = None) -> None:
    """Triage quality: accuracy, macro-F1, per intent, confusion matrix, approval, per language."""
    from evals.triage_eval import render, run_triage_eval

    services = _services()
    report = _run(lambda: run_triage_eval(services.triager, split=split))
    failed = []
    if min_macro_f1 is not None and report["macro_f1"] < min_macro_f1:
        failed.append(f"macro-F1 {report['macro_f1']:.3f} < {min_macro_f1}")
    if min_approval_recall is not None and report["approval"]["recall"] < min_approval_recall:
        failed.append(f"approval recall {report['approval']['recall']:.3f} < {min_approval_recall}")
    _report_and_gate(report, render(report), as_json, failed)


@eval_app.command("replies")
def eval_replies(split: Annotated[str, typer.Option(help="heldout | dev | all")] = "heldout",
                 as_json: Annotated[bool, typer.Option("--json")] = False,
                 gate: Annotated[bool, typer.Option(
                     help="Exit 1 unless every returned draft passes the guardrails, has no forbidden "
                          "content and is not empty (100%).")] = False,
                 ) -> None:
    """Reply quality: choices, empathy, facts, language, length; hard rules and approvals."""
    from evals.replies_eval import render, run_replies_eval

    services = _services()
    report = _run(lambda: run_replies_eval(services.copilot, split=split))
    gated = ("guardrails", "forbidden_absent", "not_empty")
    broken = [f"{k} {report['rates'].get(k, 0):.3f} < 1.0" for k in gated if gate and report["rates"].get(k, 0) < 1.0]
    _report_and_gate(report, render(report), as_json, broken)


@eval_app.command("answers")
def eval_answers(split: Annotated[str, typer.Option(help="heldout | dev | all")] = "heldout",
                 as_json: Annotated[bool, typer.Option("--json")] = False,
                 min_accuracy: Annotated[float | None, typer.Option(
                     help="Gate: exit 1 when top-1 accuracy is below this.")] = None) -> None:
    """Answer selection: which knowledge-base section answers a product or policy question."""
    from evals.answers_eval import render, run_answers_eval

    services = _services()
    report = _run(lambda: run_answers_eval(services.copilot.finder, split=split))
    failed = []
    if min_accuracy is not None and report["accuracy"] < min_accuracy:
        failed.append(f"accuracy {report['accuracy']:.3f} < {min_accuracy}")
    _report_and_gate(report, render(report), as_json, failed)


@eval_app.command("retrieval")
def eval_retrieval(split: Annotated[str, typer.Option(help="heldout | dev | all")] = "heldout",
                   k: Annotated[int, typer.Option("-k")] = 3,
                   min_recall: Annotated[float | None, typer.Option(
                       help="Gate: exit 1 when overall recall is below this.")] = None,
                   min_lang_recall: Annotated[float | None, typer.Option(
                       help="Gate: exit 1 when any language's recall is below this.")] = None,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recall@k of the retrieval eval set, overall and per language."""
    from evals.retrieval_eval import run_retrieval_eval

    services = _services()
    report = _run(lambda: run_retrieval_eval(services.searcher, split=split, k=k))
    lines = [f"retrieval recall@{k} on {split}: {report['recall']:.3f} ({report['n']} questions)"]
    lines += [f"  {lang}: {r['recall']:.3f} ({r['n']})" for lang, r in report["per_language"].items()]
    lines += [f"  miss {m['id']} [{m['lang']}] {m['query']!r} -> got {m['got']}" for m in report["misses"][:15]]
    failed = []
    if min_recall is not None and report["recall"] < min_recall:
        failed.append(f"recall {report['recall']:.3f} < {min_recall}")
    for lang, r in report["per_language"].items():
        if min_lang_recall is not None and r["recall"] < min_lang_recall:
            failed.append(f"{lang} recall {r['recall']:.3f} < {min_lang_recall}")
    _report_and_gate(report, "\n".join(lines), as_json, failed)

def main() -> None:  # pragma: no cover - console entry point
    app()


__all__ = ["app", "Settings"]


@users_app.command("add")
def users_add(username: Annotated[str, typer.Argument(help="Login name.")],
              role: Annotated[str, typer.Option(help="agent | supervisor | owner")] = "agent",
              name: Annotated[str | None, typer.Option(help="Display name.")] = None,
              password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                                    help="At least 8 characters (prompted if not given).")] = "",
              ) -> None:
    """Create a workspace user (password stored as an Argon2 hash)."""
    from bot.workspace import auth

    services = _services()

    def add() -> str:
        with services.db.session() as s:
            return auth.add_user(session=s, username=username, password=password, role=role,
                                 display_name=name).username

    out.print(f"added {_run(add)} ({role})")


@users_app.command("token")
def users_token(username: Annotated[str, typer.Argument(help="Whose token.")],
                name: Annotated[str, typer.Option(help="What the token is for.")] = "integration") -> None:
    """Create an API token (printed once; send it as `Authorization: Bearer <token>`)."""
    from sqlalchemy import select

    from bot.errors import NotFoundError
    from bot.store.models import UserRow
    from bot.workspace import auth

    services = _services()

    def create() -> str:
        with services.db.session() as s:
            user = s.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
            if user is None:
                raise NotFoundError(f"no user {username!r}")
            return auth.create_token(session=s, user_id=user.id, name=name)

    out.print(_run(create))
