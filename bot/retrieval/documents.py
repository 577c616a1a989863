"""Turn validated knowledge into indexable documents (one per product, chart, policy file)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.kb.loader import Section, ShopKnowledge
from bot.kb.schemas import Product
from bot.kb.sizing import chart_as_text


@dataclass(frozen=True)
class IndexDoc:
    """A unit of idempotent ingestion: replaced as a whole when its content hash changes."""

    doc_id: str  # unique per language version, e.g. policy:returns@es
    doc_key: str  # shared by translations, e.g. policy:returns
    doc_type: str  # product | size_chart | policy | doc
    title: str
    lang: str
    source: str
    sku: str
    skus: tuple[str, ...]
    header: str  # prefixed to every chunk so a chunk read alone still says what it is about
    sections: tuple[Section, ...]

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.doc_key, self.title, self.lang, self.source, self.header, *self.skus):
            h.update(part.encode())
            h.update(b"\0")
        for s in self.sections:
            h.update(s.heading.encode() + b"\0" + s.text.encode() + b"\0")
        return h.hexdigest()[:32]


def _product_sections(p: Product) -> tuple[Section, ...]:
    opts = "; ".join(f"{k}: {', '.join(v)}" for k, v in p.options.items())
    overview = [p.description, f"Price: ${p.price:.2f}."]
    if opts:
        overview.append(f"Options: {opts}.")
    sections = [Section("Overview", " ".join(overview))]
    spec = [f"Materials: {p.materials}."]
    if p.dimensions:
        spec.append("Dimensions: " + "; ".join(
            f"{d.name} {d.value:g} {d.unit}" for d in p.dimensions) + ".")
    if p.weight:
        spec.append(f"Weight: {p.weight.value:g} {p.weight.unit}.")
    if p.net_weight:
        spec.append(f"Net weight: {p.net_weight.value:g} {p.net_weight.unit}.")
    for label, val in (("Ingredients", p.ingredients), ("Allergens", p.allergens),
                       ("Shelf life", p.shelf_life), ("Storage", p.storage)):
        if val:
            spec.append(f"{label}: {', '.join(val) if isinstance(val, list) else val}.")
    sections.append(Section("Materials and dimensions", " ".join(spec)))
    sections.append(Section("Care", p.care))
    if p.known_shortcomings:
        sections.append(Section("Known shortcomings", " ".join(p.known_shortcomings)))
    for f in p.faq:
        sections.append(Section(f"FAQ: {f.q}", f"Q: {f.q} A: {f.a}"))
    return tuple(sections)


def build_documents(kb: ShopKnowledge) -> list[IndexDoc]:
    """All documents to index, in a stable order."""
    docs: list[IndexDoc] = []
    for sku, p in sorted(kb.products.items()):
        local = ", ".join(p.local_titles.values())
        header = f"{p.title} ({sku}{'; ' + local if local else ''})"
        if p.keywords:
            header += f" [{', '.join(p.keywords)}]"
        docs.append(IndexDoc(
            doc_id=f"product:{sku}", doc_key=f"product:{sku}", doc_type="product",
            title=p.title, lang="en", source=kb.product_sources[sku], sku=sku, skus=(sku,),
            header=header, sections=_product_sections(p)))
    for cid, c in sorted(kb.size_charts.items()):
        titles = [kb.products[s].title for s in c.applies_to if s in kb.products]
        header = f"Size chart: {c.title} (for {', '.join(titles) or ', '.join(c.applies_to)})"
        body = chart_as_text(c)
        sections: tuple[Section, ...] = (Section("Size chart", body),)
        if c.fit_note:
            sections += (Section("Fit advice", c.fit_note),)
        docs.append(IndexDoc(
            doc_id=f"size_chart:{cid}", doc_key=f"size_chart:{cid}", doc_type="size_chart",
            title=c.title, lang="en", source=kb.chart_sources[cid], sku="",
            skus=tuple(c.applies_to), header=header, sections=sections))
    for pol in kb.policies:
        docs.append(IndexDoc(
            doc_id=f"{pol.meta.doc_key}@{pol.meta.lang}", doc_key=pol.meta.doc_key,
            doc_type="policy", title=pol.meta.title, lang=pol.meta.lang, source=pol.source,
            sku="", skus=(), header=pol.meta.title, sections=pol.sections))
    for t in kb.texts:
        docs.append(IndexDoc(
            doc_id=t.doc_key, doc_key=t.doc_key, doc_type="doc", title=t.title, lang=t.lang,
            source=t.source, sku="", skus=(), header=t.title, sections=t.sections))
    return docs
