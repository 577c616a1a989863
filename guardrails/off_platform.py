"""Off-platform contact: TikTok Shop forbids moving buyers to email, phone, links or other apps."""

import re
from collections.abc import Iterable

from guardrails.base import Violation

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|shop|store|io|co|id|es|mx)\b(?:/\S*)?",
                  re.I)
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{5,}\d(?![\w])")
_APPS = re.compile(
    r"\b(?:whats\s?app|wa\.me|telegram|t\.me|wechat|weixin|微信|line\s?id|instagram|insta|ig\s?dm|"
    r"facebook|messenger|fb|signal|viber|kakao|gmail|hotmail|outlook|dm me|inbox me|text me|"
    r"call me|llámame|llamame|escríbeme|hubungi (?:saya|kami) di|chat (?:saya|kami) di)\b"
    r"|微信|加我|私聊|电话联系|打我电话",
    re.I)
# Long digit runs that are order or tracking numbers are facts, not contact details.
_DATE_LIKE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# (An unbroken run of 16+ digits: phone numbers have at most 15, E.164; a dashed 0812-3456-7890 is a phone.)
_ORDER_LIKE = re.compile(r"^\d{16,24}$|^[A-Z]{2}\d{9}[A-Z]{2}$")
# A measurement range from the product page ("21.3-23.2 in", "6,000-6,500 mAh") is not a phone number.
_RANGE_LIKE = re.compile(r"^\d{1,3}(?:[.,]\d{1,3})?\s?[-–]\s?\d{1,3}(?:[.,]\d{1,3})?$")


def check_off_platform(text: str, own_numbers: Iterable[str] = ()) -> list[Violation]:
    """Violations for emails, links, phone numbers and other messaging apps in a draft. `own_numbers` are
    this buyer's order and tracking numbers (a 12-digit SiCepat tracking number is not a phone)."""
    own = {re.sub(r"\D", "", n) for n in own_numbers}
    found: list[Violation] = []
    for m in _EMAIL.finditer(text):
        found.append(Violation(code="off_platform.email", severity="hard",
                               message="draft contains an email address", span=m.group()))
    for m in _URL.finditer(text):
        if "@" in m.group():
            continue
        found.append(Violation(code="off_platform.link", severity="hard",
                               message="draft contains a link or web address", span=m.group()))
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        span = m.group().strip()
        if (len(digits) < 7 or digits in own or _ORDER_LIKE.match(span) or re.search(r"\d{16,}", span)
                or _DATE_LIKE.search(span) or _RANGE_LIKE.match(span)):
            continue
        found.append(Violation(code="off_platform.phone", severity="hard",
                               message="draft contains a phone number", span=m.group()))
    for m in _APPS.finditer(text):
        found.append(Violation(code="off_platform.app", severity="hard",
                               message="draft points the buyer to another app or channel",
                               span=m.group()))
    return found
