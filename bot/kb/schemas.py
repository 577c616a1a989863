"""Pydantic schemas of the knowledge files (strict: unknown keys are errors)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Category = Literal[
    "apparel", "shoes", "accessories", "jewellery", "electronics", "home_baby", "beauty", "snacks"
]
Lang = str


class Strict(BaseModel):
    """Base for knowledge records: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(Strict):
    name: str
    value: float
    unit: str


class Weight(Strict):
    value: float
    unit: str


class Faq(Strict):
    q: str
    a: str


class Product(Strict):
    sku: str = Field(pattern=r"^[A-Z]{2}-[A-Z]{3}-\d{2}$")
    title: str
    local_titles: dict[str, str] = {}
    keywords: list[str] = []
    price: float = Field(gt=0)
    # Food, opened cosmetics, pierced earrings, intimates: no change-of-mind return once opened or
    # used (returns policy, "Items that cannot be returned"); faults are still fixed.
    hygiene_seal: bool = False
    options: dict[str, list[str]] = {}
    materials: str
    dimensions: list[Dimension] = []
    weight: Weight | None = None
    size_chart: str | None = None
    description: str
    care: str
    known_shortcomings: list[str] = []
    faq: list[Faq] = []
    # Optional extras some categories carry (snacks, cosmetics).
    ingredients: str | None = None
    allergens: list[str] | str | None = None
    net_weight: Weight | None = None
    shelf_life: str | None = None
    storage: str | None = None


class ProductFile(Strict):
    category: Category
    products: list[Product]


class ProductText(Strict):
    """A product's words in another language (facts stay in the English record: numbers, options).
    The same word fields as `Product`, kept apart so that `Product` validates in its file order."""

    title: str
    description: str
    materials: str
    care: str
    known_shortcomings: list[str] = []
    faq: list[Faq] = []
    ingredients: str | None = None
    allergens: list[str] | str | None = None
    shelf_life: str | None = None
    storage: str | None = None
    dimension_names: list[str] = []  # the English record's dimension names, same order


class ProductTranslationFile(Strict):
    """`products/i18n/<lang>/<category>.yaml`: translations keyed by SKU."""

    lang: str = Field(pattern=r"^[a-z]{2}$")
    category: Category
    products: dict[str, ProductText]


Range = tuple[float, float]


class SizeRow(Strict):
    size: str
    measurements: dict[str, float | Range] = {}
    body: dict[str, Range] = {}

    @field_validator("measurements", "body")
    @classmethod
    def _ranges_ordered(cls, v: dict[str, float | Range]) -> dict[str, float | Range]:
        for key, val in v.items():
            if isinstance(val, tuple) and val[0] > val[1]:
                raise ValueError(f"{key}: range [{val[0]}, {val[1]}] is reversed")
        return v


class SizeChart(Strict):
    id: str
    title: str
    applies_to: list[str]
    units: dict[str, str]
    fit_note: str | None = None
    rows: list[SizeRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _units_cover_keys(self) -> SizeChart:
        for row in self.rows:
            for key in [*row.measurements, *row.body]:
                if key not in self.units:
                    raise ValueError(f"size {row.size}: '{key}' has no unit in 'units'")
        return self


class PolicyFrontMatter(Strict):
    doc_key: str = Field(pattern=r"^policy:[a-z_]+$")
    title: str
    lang: Lang
    version: int = 1


class Buyer(Strict):
    buyer_id: str
    display_name: str
    language: Lang
    country: str
    lifetime_spend: float = Field(ge=0)
    joined_days_ago: int | None = None
    notes: str | None = None


class OrderItem(Strict):
    sku: str
    option: str | None = None
    qty: int = Field(ge=1)
    unit_price: float = Field(ge=0)


class TrackingEvent(Strict):
    days_ago: float
    location: str
    status: Literal[
        "label_created", "picked_up", "in_transit", "at_hub", "out_for_delivery", "delivered",
        "exception",
    ]
    description: str


class Order(Strict):
    order_id: str = Field(pattern=r"^\d{18}$")
    buyer_id: str
    placed_days_ago: float
    status: Literal["awaiting_shipment", "shipped", "in_transit", "delivered", "cancelled"]
    items: list[OrderItem] = Field(min_length=1)
    total: float = Field(ge=0)
    carrier: str | None = None
    tracking_number: str | None = None
    market: Literal["US", "ES", "MX", "ID"]
    promised_delivery_days_ago: float | None = None
    delivered_days_ago: float | None = None
    tracking_events: list[TrackingEvent] = []
    notes: str | None = None


class GlossaryEntry(Strict):
    en: str
    es: list[str] = []
    id: list[str] = []
    zh: list[str] = []
