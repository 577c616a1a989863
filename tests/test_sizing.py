"""Size charts: exact conversion, parsing buyer measurements, size advice."""

from decimal import Decimal

import pytest

from bot.errors import InvalidInputError
from bot.kb.schemas import SizeChart
from bot.kb.sizing import chart_as_text, convert, parse_body, recommend


def test_convert_is_exact() -> None:
    assert convert(1, "in", "cm") == Decimal("2.54")
    assert convert(180, "cm", "in").quantize(Decimal("0.001")) == Decimal("70.866")
    assert convert(convert(200, "cm", "in"), "in", "cm") == Decimal(200)
    assert convert(1, "lb", "kg") == Decimal("0.45359237")
    assert convert(120, "斤", "kg") == Decimal(60)


def test_convert_refuses_mixed_dimensions() -> None:
    with pytest.raises(InvalidInputError):
        convert(3, "cm", "kg")


@pytest.mark.parametrize(
    ("text", "height", "weight"),
    [
        ("165cm 60kg", 165, 60),
        ("I'm 5'4 and 130 lbs", 162.56, 58.967),
        ("身高160 公分 体重50公斤", 160, 50),
        ("tinggi 158 cm berat 48 kg", 158, 48),
        ("mido 1.70 m y peso 65 kilos", 170, 65),
    ],
)
def test_parse_body(text: str, height: float, weight: float) -> None:
    got = parse_body(text)
    assert float(got["height"].value) == pytest.approx(height, abs=0.01)
    assert float(got["weight"].value) == pytest.approx(weight, abs=0.01)


CHART = SizeChart.model_validate({
    "id": "t", "title": "Test tops", "applies_to": ["X"],
    "units": {"bust": "cm", "height": "cm", "weight": "kg"},
    "fit_note": "Runs small; between sizes take one size up.",
    "rows": [
        {"size": "S", "measurements": {"bust": [80, 86]}, "body": {"height": [150, 160], "weight": [40, 50]}},
        {"size": "M", "measurements": {"bust": [87, 92]}, "body": {"height": [161, 168], "weight": [51, 60]}},
        {"size": "L", "measurements": {"bust": [93, 99]}, "body": {"height": [169, 176], "weight": [61, 72]}},
    ],
})


def test_recommend_agrees_and_prefers_larger_on_conflict() -> None:
    assert recommend(CHART, parse_body("165cm 55kg")).size == "M"
    advice = recommend(CHART, parse_body("158cm 63kg"))
    assert advice.size == "L" and advice.fits == {"height": "S", "weight": "L"}
    assert "one size up" in advice.note


def test_recommend_between_rows_takes_next_size_up() -> None:
    assert recommend(CHART, parse_body("168.5cm")).size == "L"


def test_recommend_without_usable_measurements() -> None:
    assert recommend(CHART, {}).size is None


def test_chart_text_shows_both_units() -> None:
    text = chart_as_text(CHART)
    assert "bust 80 cm-86 cm (31.5-33.9 in)" in text
    assert "weight 40 kg-50 kg (88.2-110.2 lb)" in text


def test_chart_rejects_measure_without_unit() -> None:
    with pytest.raises(ValueError, match="no unit"):
        SizeChart.model_validate({"id": "x", "title": "x", "applies_to": [], "units": {},
                                  "rows": [{"size": "S", "measurements": {"bust": 80}}]})


def test_named_measurements_and_ring_sizes() -> None:
    from bot.kb.sizing import describe

    body = parse_body("mido 1,58, peso 50 kg y de cintura tengo 65 cm")
    assert body["height"].value == 158 and body["waist"].value == 65  # the waist is not the height
    assert parse_body("TB 165, BB 57, lingkar pinggang 69, pinggul 94")["hip"].value == 94
    assert "height" not in parse_body("I was expecting something like 15 feet across")
    ring = parse_body("内径16.4mm 两套都想换小一号")
    assert describe(ring["inner_diameter"]) == "16.4 mm"


def test_single_value_rows_pick_the_smallest_that_is_big_enough() -> None:
    rings = SizeChart.model_validate({
        "id": "r", "title": "Rings", "applies_to": ["R"], "units": {"inner_diameter": "mm"},
        "rows": [{"size": "US 6", "measurements": {"inner_diameter": 16.5}},
                 {"size": "US 7", "measurements": {"inner_diameter": 17.3}}]})
    assert recommend(rings, parse_body("inner diameter 16.4 mm")).size == "US 6"
    assert recommend(rings, parse_body("inner diameter 16.9 mm")).size == "US 7"  # between two: the larger
    assert recommend(rings, parse_body("inner diameter 19 mm")).size is None  # bigger than we stock
