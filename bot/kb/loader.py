"""Read the knowledge folder into validated records; bad files are reported, never fatal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.errors import KnowledgeError
from bot.kb.schemas import (
    Buyer,
    GlossaryEntry,
    Order,
    PolicyFrontMatter,
    Product,
    ProductFile,
    ProductText,
    ProductTranslationFile,
    SizeChart,
)

M = TypeVar("M", bound=BaseModel)
MAX_FILE_BYTES = 2_000_000
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


@dataclass(frozen=True)
class Section:
    """One heading and its text: the unit that retrieval cites."""

    heading: str
    text: str


@dataclass(frozen=True)
class PolicyDoc:
    meta: PolicyFrontMatter
    source: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class TextDoc:
    """A free-form Markdown/CSV/JSON document dropped into the knowledge folder."""

    doc_key: str
    title: str
    lang: str
    source: str
    sections: tuple[Section, ...]


@dataclass
class FileProblem:
    path: str
    reason: str
    skipped: bool = True  # False: loaded, but something in it does not add up

    def __str__(self) -> str:
        return f"{'skipped' if self.skipped else 'warning'} {self.path}: {self.reason}"


@dataclass
class ShopKnowledge:
    """Everything the knowledge folder holds, validated."""

    root: Path
    products: dict[str, Product] = field(default_factory=dict)
    product_texts: dict[str, dict[str, ProductText]] = field(default_factory=dict)  # lang -> sku -> words
    categories: dict[str, str] = field(default_factory=dict)  # sku -> category
    product_sources: dict[str, str] = field(default_factory=dict)  # sku -> file
    size_charts: dict[str, SizeChart] = field(default_factory=dict)
    chart_sources: dict[str, str] = field(default_factory=dict)
    policies: list[PolicyDoc] = field(default_factory=list)
    texts: list[TextDoc] = field(default_factory=list)
    buyers: dict[str, Buyer] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)  # country codes the shop ships to (shop.yaml)
    rules: dict[str, Any] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)

    def chart_for(self, sku: str) -> SizeChart | None:
        """The size chart that applies to a SKU, if any."""
        product = self.products.get(sku)
        if product and product.size_chart and product.size_chart in self.size_charts:
            return self.size_charts[product.size_chart]
        return next((c for c in self.size_charts.values() if sku in c.applies_to), None)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the YAML node at a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _describe(err: ValidationError, node: yaml.Node | None) -> str:
    first = err.errors()[0]
    loc = first["loc"]
    line = _line_of(node, loc)
    where = ".".join(str(p) for p in loc) or "(top)"
    more = f" (+{err.error_count() - 1} more)" if err.error_count() > 1 else ""
    at = f"line {line}: " if line else ""
    return f"{at}{where}: {first['msg']}{more}"


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KnowledgeError(f"file is larger than {MAX_FILE_BYTES} bytes")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"not UTF-8 text (byte {exc.start})") from exc


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Lazy:
    """The YAML node tree, composed only when an error needs a line number."""

    def __init__(self, text: str) -> None:
        self.text = text

    def node(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=_Loader)


def _load_yaml(path: Path) -> tuple[Any, _Lazy]:
    text = _read_text(path)
    try:
        return yaml.load(text, Loader=_Loader), _Lazy(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}: " if mark else ""
        raise KnowledgeError(f"{at}invalid YAML ({getattr(exc, 'problem', exc)})") from exc


def validate_yaml(path: Path, model: type[M], data: Any = None, lazy: _Lazy | None = None) -> M:
    """Load one YAML file into a model; errors name the line and the field."""
    if data is None:
        data, lazy = _load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(_describe(exc, lazy.node() if lazy else None)) from exc


def _validate_list(path: Path, key: str, model: type[M]) -> list[M]:
    data, lazy = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise KnowledgeError(f"expected a mapping with a '{key}' list")
    out = []
    for i, item in enumerate(data[key]):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            errs = exc.errors()
            loc = (key, i, *errs[0]["loc"])
            line = _line_of(lazy.node(), loc)
            raise KnowledgeError(
                f"line {line}: {'.'.join(map(str, loc))}: {errs[0]['msg']}"
            ) from exc
    return out


def split_markdown(body: str, default_heading: str) -> tuple[Section, ...]:
    """Split Markdown at `## ` headings; text before the first heading is its own section."""
    sections: list[Section] = []
    heading, lines = default_heading, list[str]()
    for line in body.splitlines():
        if line.startswith("## "):
            if "".join(lines).strip():
                sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = line[3:].strip(), []
        elif line.startswith("# ") and not sections and not "".join(lines).strip():
            default_heading = heading = line[2:].strip()
        else:
            lines.append(line)
    if "".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip()))
    return tuple(sections)


def load_policy(path: Path, root: Path) -> PolicyDoc:
    """One policy Markdown file with its front matter."""
    text = _read_text(path)
    match = _FRONT.match(text)
    if not match:
        raise KnowledgeError("missing front matter (--- doc_key/title/lang/version ---)")
    meta = validate_yaml(path, PolicyFrontMatter, yaml.safe_load(match.group(1)), None)
    sections = split_markdown(text[match.end():], meta.title)
    if not sections:
        raise KnowledgeError("no text after the front matter")
    return PolicyDoc(meta=meta, source=path.relative_to(root).as_posix(), sections=sections)


def _load_free_text(path: Path, root: Path) -> TextDoc:
    """Markdown without front matter, CSV or JSON dropped into the folder (e.g. a seller's FAQ)."""
    rel = path.relative_to(root).as_posix()
    text = _read_text(path)
    title = path.stem.replace("_", " ").replace("-", " ").capitalize()
    if path.suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows:
            raise KnowledgeError("CSV has a header but no rows")
        sections = tuple(
            Section(f"row {i + 1}", "; ".join(f"{k}: {v}" for k, v in row.items() if v))
            for i, row in enumerate(rows)
        )
    elif path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from exc
        items = data if isinstance(data, list) else [data]
        sections = tuple(
            Section(f"item {i + 1}", json.dumps(it, ensure_ascii=False)) for i, it in enumerate(items)
        )
    else:
        sections = split_markdown(text, title)
    return TextDoc(doc_key=f"doc:{rel}", title=title, lang="en", source=rel, sections=sections)


def load_knowledge(root: Path) -> ShopKnowledge:
    """Load and validate the whole knowledge folder; bad files land in `problems`."""
    if not root.is_dir():
        raise KnowledgeError(f"{root}: knowledge folder not found")
    kb = ShopKnowledge(root=root)

    def attempt(path: Path, fn: Any) -> None:
        try:
            fn(path)
        except KnowledgeError as exc:
            kb.problems.append(FileProblem(path.relative_to(root).as_posix(), str(exc)))
        except OSError as exc:
            kb.problems.append(FileProblem(path.relative_to(root).as_posix(), exc.strerror or str(exc)))

    def products(path: Path) -> None:
        pf = validate_yaml(path, ProductFile)
        for p in pf.products:
            if p.sku in kb.products:
                raise KnowledgeError(f"duplicate SKU {p.sku} (also in {kb.product_sources[p.sku]})")
        for p in pf.products:
            kb.products[p.sku] = p
            kb.categories[p.sku] = pf.category
            kb.product_sources[p.sku] = path.relative_to(root).as_posix()

    def translations(path: Path) -> None:
        tf = validate_yaml(path, ProductTranslationFile)
        if tf.lang != path.parent.name:
            raise KnowledgeError(f"lang '{tf.lang}' does not match its folder '{path.parent.name}'")
        unknown = sorted(set(tf.products) - set(kb.products))
        if unknown:
            raise KnowledgeError(f"unknown SKUs {unknown}")
        for sku, text in tf.products.items():
            if len(text.faq) != len(kb.products[sku].faq):
                raise KnowledgeError(f"{sku}: {len(text.faq)} FAQ entries, the English record has "
                                     f"{len(kb.products[sku].faq)} (they are matched by position)")
        kb.product_texts.setdefault(tf.lang, {}).update(tf.products)

    def chart(path: Path) -> None:
        c = validate_yaml(path, SizeChart)
        kb.size_charts[c.id] = c
        kb.chart_sources[c.id] = path.relative_to(root).as_posix()

    def buyers(path: Path) -> None:
        kb.buyers.update({b.buyer_id: b for b in _validate_list(path, "buyers", Buyer)})

    def orders(path: Path) -> None:
        kb.orders.update({o.order_id: o for o in _validate_list(path, "orders", Order)})

    def glossary(path: Path) -> None:
        kb.glossary.extend(_validate_list(path, "terms", GlossaryEntry))

    def shop(path: Path) -> None:
        data, _ = _load_yaml(path)
        if not isinstance(data, dict):
            raise KnowledgeError("expected a mapping")
        kb.markets = [str(m["code"]).upper() for m in data.get("markets") or [] if isinstance(m, dict) and "code" in m]

    def rules(path: Path) -> None:
        data, _ = _load_yaml(path)
        if not isinstance(data, dict):
            raise KnowledgeError("expected a mapping")
        kb.rules[path.stem] = data

    for path in sorted((root / "products").glob("*.y*ml")):
        attempt(path, products)
    for path in sorted((root / "products" / "i18n").glob("*/*.y*ml")):
        attempt(path, translations)
    for path in sorted((root / "size_charts").glob("*.y*ml")):
        attempt(path, chart)
    for path in sorted((root / "policies").rglob("*.md")):
        attempt(path, lambda p: kb.policies.append(load_policy(p, root)))
    for path in sorted((root / "rules").glob("*.y*ml")):
        attempt(path, rules)
    if (root / "orders" / "buyers.yaml").exists():
        attempt(root / "orders" / "buyers.yaml", buyers)
    if (root / "orders" / "orders.yaml").exists():
        attempt(root / "orders" / "orders.yaml", orders)
    if (root / "shop.yaml").exists():
        attempt(root / "shop.yaml", shop)
    if (root / "glossary.yaml").exists():
        attempt(root / "glossary.yaml", glossary)
    for sub in ("faq", "docs"):
        for path in sorted((root / sub).rglob("*")):
            if path.suffix in {".md", ".csv", ".json"}:
                attempt(path, lambda p: kb.texts.append(_load_free_text(p, root)))
    _cross_check(kb)
    return kb


def _cross_check(kb: ShopKnowledge) -> None:
    for sku, p in kb.products.items():
        if p.size_chart and p.size_chart not in kb.size_charts:
            kb.problems.append(
                FileProblem(kb.product_sources[sku], f"{sku}: unknown size chart '{p.size_chart}'",
                            skipped=False)
            )
    for cid, c in kb.size_charts.items():
        unknown = [s for s in c.applies_to if s not in kb.products]
        if unknown and kb.products:
            kb.problems.append(
                FileProblem(kb.chart_sources[cid], f"unknown SKUs {unknown}", skipped=False))
    for lang, texts in kb.product_texts.items():
        for sku, words in texts.items():
            product = kb.products.get(sku)
            if product and words.dimension_names and len(words.dimension_names) != len(product.dimensions):
                kb.problems.append(FileProblem(
                    f"products/i18n/{lang}", f"{sku}: {len(words.dimension_names)} dimension_names for "
                    f"{len(product.dimensions)} dimensions; the English names are used", skipped=False))
                words.dimension_names = []
    for oid, o in kb.orders.items():
        missing = [i.sku for i in o.items if i.sku not in kb.products]
        if missing and kb.products:
            kb.problems.append(
                FileProblem("orders/orders.yaml", f"{oid}: unknown SKUs {missing}", skipped=False))
