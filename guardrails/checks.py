"""The draft checks. Each takes the draft text and what the plan knows, and returns violations."""

from __future__ import annotations

import re
from collections.abc import Iterable

from guardrails.base import Violation
from guardrails.off_platform import check_off_platform

_REVIEW = re.compile(r"(?:leave|write|give|post|positive|good|great|nice|5[- ]star|five[- ]star)\s+(?:us\s+)?(?:a\s+)?"
                     r"(?:\w+\s+)?review|\brating\b|\bstars?\b|reseña|resena|valoraci|ulasan|bintang|評價|评价|好评|五星", re.I)
_REWARD = re.compile(r"coupon|cup[oó]n|voucher|discount|descuento|diskon|gift|regalo|hadiah|free|gratis|refund|"
                     r"reembolso|cashback|返现|优惠|礼物|红包|退款|免费", re.I)
_PROMISE = re.compile(
    r"\b(?:we(?:'ll| will)|i(?:'ll| will)|i have|i've|we have|we've)\s+(?:already\s+)?"
    r"(?:refund(?:ed)?|reship(?:ped)?|send you (?:a )?(?:new|replacement|another)|issue(?:d)? (?:a|your) (?:refund|coupon)|"
    r"credit(?:ed)?|process(?:ed)? (?:a|your) refund|approve(?:d)?)"
    r"|your (?:refund|return|exchange|replacement|coupon) (?:has been|is|was) (?:approved|issued|processed|sent|on (?:its|the) way)"
    r"|here(?:'s| is) (?:your|a) (?:coupon|code|refund)"
    r"|te (?:reembolsaremos|devolveremos el dinero|enviaremos (?:uno|otro) nuevo)|ya (?:te )?(?:reembolsamos|hicimos el reembolso)"
    r"|tu (?:reembolso|cambio|devoluci[oó]n) (?:ha sido|fue|est[aá]) aprobad"
    r"|kami (?:akan|sudah) (?:refund|mengembalikan dana|kirim ulang|mengirim ulang|mengganti)|refund (?:kakak )?sudah (?:disetujui|diproses)"
    r"|dana sudah (?:dikembalikan|kami kembalikan)"
    r"|已(?:经)?(?:为您|给您)?(?:退款|补发|重新发货|批准)|(?:我们|我)(?:会|将|马上)(?:给您|为您)?(?:退款|补发|重发|换货)|退款已(?:批准|通过|到账)",
    re.I)
_MONEY = re.compile(r"(?:US\$|\$|€|£|Rp\.?\s?|RM\s?)\s?\d[\d.,]*|\d[\d.,]*\s?(?:USD|EUR|dollars?|d[oó]lares|euros?|美元|美金|元)", re.I)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_NUM = re.compile(r"\d+(?:[.,]\d+)?")
_REFUSAL = re.compile(r"\b(?:we (?:don't|do not|cannot|can't) (?:accept|offer|do|give|refund|return)|no returns|not possible|"
                      r"impossible|not allowed)\b|no (?:aceptamos|podemos|es posible)|tidak (?:bisa|dapat|menerima)|"
                      r"gak bisa|不(?:能|可以|接受|支持)|无法", re.I)
_ALTERNATIVE = re.compile(r"\b(?:but|however|instead|what we can|we can|could|option|pero|sin embargo|en cambio|podemos|"
                          r"tapi|namun|sebagai gantinya|kami bisa|bisa|不过|但是|可以|我们能)\b|不过|但是|可以", re.I)
_EMPATHY = re.compile(r"sorry|apolog|understand|frustrat|must be|that's not the experience|hear that|worr|annoy|"
                      r"letdown|let down|disappoint|know how|i.d feel|i would feel|upset|uneasy|i hear you|stressful|confus|surpris|"
                      r"lo siento|lo sentimos|lamento|lamentamos|entiendo|comprendo|disculpa|qu[eé] pena|qu[eé] mal|"
                      r"frustrante|molest|preocup|me imagino|perd[oó]n|inquiet|contratiempo|enfado|siento|decepci|"
                      r"maaf|paham|mengerti|ngerti|kesal|kecewa|gelisah|khawatir|sedih|tidak nyaman|repot|sabar|menjengkelkan|"
                      r"抱歉|道歉|歉意|对不起|不好意思|理解|明白|我懂|久等|辛苦|难过|着急|担心|心急|难受|失望|糟心|不开心|不放心|不顺心", re.I)
_OR = re.compile(r"\bor\b|\bo\b|\batau\b|还是|或者|或|[•\-]\s|\n\d\.|\(\w\)|\d\)", re.I)
_LEAK = re.compile(r"system prompt|internal note|notes? for agents|authority matrix|approval matrix|as an ai\b|"
                   r"language model|\[inst\]|<<sys>>|<\|im_start\|>|\{[a-z_]+\}|lifetime[_ ]spend|buyer_id|"
                   r"requires_approval|supervisor must|role: owner", re.I)


def _v(code: str, severity: str, message: str, span: str | None = None) -> Violation:
    return Violation(code=code, severity=severity, message=message, span=span)  # type: ignore[arg-type]


def check_review_incentive(text: str) -> list[Violation]:
    """Anything offered in exchange for a review breaks TikTok Shop rules."""
    for sentence in re.split(r"(?<=[.!?。！？])\s*", text):
        if _REVIEW.search(sentence) and _REWARD.search(sentence):
            return [_v("review_incentive", "hard", "draft links a review with a reward", sentence[:120])]
    return []


def check_unapproved_promise(text: str, approved: bool) -> list[Violation]:
    """Refund/return/exchange/compensation stated as done or certain before anyone approved it."""
    if approved:
        return []
    m = _PROMISE.search(text)
    return [_v("unapproved_promise", "hard", "draft promises an outcome that needs approval", m.group(0))] if m else []


def check_unbacked_numbers(text: str, backed: Iterable[str]) -> list[Violation]:
    """Amounts and dates must come from a fact, a policy or an approved decision."""
    pool = " ".join(backed)
    known = {n.replace(",", ".").rstrip("0").rstrip(".") for n in _NUM.findall(pool)}
    out = []
    for rx, code in ((_MONEY, "unbacked_amount"), (_DATE, "unbacked_date")):
        for m in rx.finditer(text):
            nums = [n.replace(",", ".").rstrip("0").rstrip(".") for n in _NUM.findall(m.group(0))]
            if nums and not all(n in known for n in nums):
                out.append(_v(code, "hard", "amount or date not backed by a fact or decision", m.group(0)))
    return out


def check_flat_refusal(text: str, choices: list[str]) -> list[Violation]:
    m = _REFUSAL.search(text)
    if m and not choices and not _ALTERNATIVE.search(text[m.end():]):
        return [_v("flat_refusal", "hard", "a refusal without an alternative", m.group(0))]
    return []


def check_empathy(text: str, needed: bool) -> list[Violation]:
    """A complaint opens by acknowledging the feeling (within the first two sentences)."""
    if not needed:
        return []
    head = " ".join(re.split(r"(?<=[.!?。！？])\s*", text)[:2])
    return [] if _EMPATHY.search(head) else [_v("missing_empathy", "soft", "complaint reply without empathy first")]


def check_choices(text: str, choices: list[str]) -> list[Violation]:
    """Where choices fit, the reply offers them (not only an open question)."""
    if not choices:
        return []
    if len(choices) >= 2 and not _OR.search(text):
        return [_v("no_choices", "soft", "choices were planned but the reply does not offer them")]
    return []


def check_leak(text: str, private: Iterable[str]) -> list[Violation]:
    m = _LEAK.search(text)
    if m:
        return [_v("internal_leak", "hard", "internal notes, prompts or placeholders leaked", m.group(0))]
    for secret in private:
        if secret and len(secret) > 12 and secret.lower() in text.lower():
            return [_v("internal_leak", "hard", "an internal note leaked", secret[:60])]
    return []


def check_other_buyers(text: str, allowed_orders: set[str], other_names: Iterable[str]) -> list[Violation]:
    """Order numbers and names of other buyers never appear in a reply."""
    out = []
    for oid in re.findall(r"(?<!\d)\d{18}(?!\d)", text):
        if oid not in allowed_orders:
            out.append(_v("other_buyer_data", "hard", "an order number that is not this buyer's", oid))
    for name in other_names:
        if name and re.search(rf"\b{re.escape(name)}\b", text):
            out.append(_v("other_buyer_data", "hard", "another buyer's name", name))
    return out


def check_language(text: str, language: str) -> list[Violation]:
    from bot.triage.language import detect_language

    if language not in ("en", "es", "id", "zh"):
        return []
    got, _ = detect_language(re.sub(r"[A-Z][\w&.'-]+(?:\s+[A-Z][\w&.'-]+)*", " ", text) if language != "en" else text)
    if got != language and not (language == "id" and got == "ms"):
        return [_v("wrong_language", "hard", f"reply is in {got}, buyer writes {language}")]
    return []


__all__ = ["check_off_platform", "check_review_incentive", "check_unapproved_promise", "check_unbacked_numbers",
           "check_flat_refusal", "check_empathy", "check_choices", "check_leak", "check_other_buyers",
           "check_language"]
