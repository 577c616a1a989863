"""Product and policy questions are answered with the exact fact, in the buyer's language when the
knowledge base has it, and cited (retrieval over the ingested demo shop)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain import Message
from bot.errors import InvalidInputError
from bot.planning.facts import FactFinder, best_sentences
from bot.services import Services

HAN = re.compile(r"[\u3400-\u9fff]")


def test_material_question_gets_the_materials_line(demo: Services) -> None:
    found = FactFinder(demo.knowledge, demo.searcher).find("what material is it", "en", "product_fact", "AP-TEE-01")
    assert found is not None
    assert found.fact.section == "Materials and dimensions" and "cotton" in found.fact.text
    assert found.fact.source == "products/apparel.yaml" and found.language == "en"


def test_answer_comes_in_the_buyers_language(demo: Services) -> None:
    finder = FactFinder(demo.knowledge, demo.searcher)
    zh = finder.find("耳机怎么重新配对", "zh", "product_fact", "EL-EAR-01")
    material = finder.find("这个卫衣是什么材质的？", "zh", "product_fact", "AP-HOD-01")
    assert material is not None and material.fact.section == "Materials and dimensions" and "棉" in material.fact.text
    assert zh is not None and zh.language == "zh" and HAN.search(zh.fact.text)
    assert zh.fact.section == "FAQ: How do I reset and re-pair the earbuds?"  # cited by its source heading
    es = finder.find("se puede lavar en lavadora los leggings?", "es", "product_fact", "AP-LEG-01")
    assert es is not None and es.language == "es" and es.fact.section == "Care"
    policy = finder.find("berapa hari batas retur?", "id", "policy_info", None)
    assert policy is not None and policy.language == "id" and policy.fact.source.startswith("policies/id/")


def test_no_product_known_means_no_guess(demo: Services) -> None:
    finder = FactFinder(demo.knowledge, demo.searcher)
    assert finder.find("what material is it", "en", "product_fact", None) is None
    assert FactFinder(demo.knowledge, None).find("what material is it", "en", "product_fact", "AP-TEE-01") is None


def test_team_pages_are_never_quoted_to_buyers(demo: Services) -> None:
    found = FactFinder(demo.knowledge, demo.searcher).find("who can approve a refund above 100 dollars?", "en",
                                                             "policy_info", None)
    assert found is None or found.fact.source.split("/")[-1] not in ("authority.md", "platform_rules.md")


def test_draft_answers_a_product_question_and_cites_it(demo: Services) -> None:
    r = demo.copilot.draft([Message(id="f1", text="kak leggings nya bisa dicuci mesin gak?")])[0]
    assert r.plan.situation == "product_fact"
    assert r.plan.slots["fact"] in r.draft.text and r.plan.fact_language == "id"
    assert any(f.key == "answer" and f.section == "Care" for f in r.plan.facts)
    assert r.guardrails.passed


def test_unknown_product_gets_asked_not_a_blank(demo: Services) -> None:
    r = demo.copilot.draft([Message(id="f2", text="what material is it?")])[0]
    assert r.plan.situation == "product_fact" and "fact" not in r.plan.slots
    assert "product name" in r.draft.text and r.draft.choices


def test_best_sentences_keeps_chat_length_and_starts_at_the_answer() -> None:
    text = ("Our snacks ship in sealed bags. Opened food cannot be returned for hygiene reasons. "
            "Unopened packs can be returned within 30 days. Keep them in a cool, dry place.")
    out = best_sentences(text, {"opened", "returned"})
    assert out.startswith("Opened food cannot be returned")
    assert len(best_sentences("第一句。" * 200, set())) <= 130


def test_answer_eval_set_names_real_sections(demo: Services) -> None:
    """Every expected (page, section) of evals/answers exists, so a miss is a ranking miss, not a typo."""
    from evals.answers_eval import load_questions

    kb = demo.knowledge
    known = {(d.meta.doc_key, s.heading) for d in kb.policies if d.meta.lang == "en" for s in d.sections}
    for sku, p in kb.products.items():
        heads = ["Overview", "Materials and dimensions", "Care", "Known shortcomings", *(f"FAQ: {f.q}" for f in p.faq)]
        known |= {(f"product:{sku}", h) for h in heads}
    questions = load_questions()
    assert len(questions) >= 200 and {q.lang for q in questions} == {"en", "es", "id", "zh"}
    missing = [(q.id, e.doc, e.section) for q in questions for e in q.expect if (e.doc, e.section) not in known]
    assert not missing


def test_a_shipping_question_is_answered_from_the_shipping_policy(demo: Services) -> None:
    found = FactFinder(demo.knowledge, demo.searcher).find("do you ship to hawaii? how long does delivery take",
                                                           "en", "policy_info", None)
    assert found is not None and found.doc_key == "policy:shipping"


def test_section_model_maps_buyer_wording_to_policy_sections(demo: Services, tmp_path: Path) -> None:
    from bot.planning.sections import load_or_train

    model = load_or_train(demo.knowledge, tmp_path)
    assert model is not None and any(tmp_path.glob("sections-*.joblib"))  # cached for the next start
    for question, doc in [("do u guys deliver to hawaii", "policy:shipping"),
                          ("cupones se pueden juntar?", "policy:coupons"),
                          ("该怎么量脚长", "policy:product_care")]:
        probs = model.predict(question)
        assert max(probs, key=lambda k: probs[k])[0] == doc, question
    assert not any(doc in ("policy:authority", "policy:platform_rules") for doc, _ in model.labels)


def test_bad_policy_question_file_names_the_line(demo: Services, tmp_path: Path) -> None:
    from bot.planning.sections import buyer_sections, load_questions

    labels = set(buyer_sections(demo.knowledge))
    (tmp_path / "q.jsonl").write_text(
        '{"text": "refund how long", "doc": "policy:returns", "section": "When your refund arrives"}\n'
        '{"text": "gone", "doc": "policy:returns", "section": "A heading nobody has"}\n'
        '{"text": broken\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="q.jsonl:3"):
        load_questions(labels, tmp_path)
    (tmp_path / "q.jsonl").write_text(
        '{"text": "refund how long", "doc": "policy:returns", "section": "When your refund arrives"}\n'
        '{"text": "gone", "doc": "policy:returns", "section": "A heading nobody has"}\n', encoding="utf-8")
    assert load_questions(labels, tmp_path) == [("refund how long", ("policy:returns", "When your refund arrives"))]
