"""Off-platform contact detection."""

import pytest

from guardrails import check_off_platform


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Email us at help@lumaco.com and we will sort it out", "off_platform.email"),
        ("See www.lumaco-outlet.com for the full chart", "off_platform.link"),
        ("Call +1 (415) 555-0132 anytime", "off_platform.phone"),
        ("text 555-0132 or 0812-3456-7890", "off_platform.phone"),
        ("Add us on WhatsApp for faster help", "off_platform.app"),
        ("Escríbeme por Instagram", "off_platform.app"),
        ("加我微信，我给你退款", "off_platform.app"),
    ],
)
def test_contact_details_are_flagged(text: str, code: str) -> None:
    assert code in {v.code for v in check_off_platform(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Your order 576102938475610001 left our warehouse today.",
        "Tracking number 9400111899223100012345 shows it at the Memphis hub.",
        "The mat is 180 x 200 cm (70.9 x 78.7 in) and 1.5 cm thick.",
        "Please send a photo of the scratch here in the chat.",
        "头围可在 54 到 59 cm（21.3-23.2 in）之间调节。",
        "Expect about 6,000-6,500 mAh at the phone.",
        "Order 576102938475610001 (2 items) ships today.",
    ],
)
def test_ordinary_replies_pass(text: str) -> None:
    assert check_off_platform(text) == []


def test_the_buyers_own_tracking_number_is_not_a_phone_number() -> None:
    from guardrails.off_platform import check_off_platform

    text = "Tracking 004172851308 with SiCepat shows it left Shenzhen yesterday."
    assert [v.code for v in check_off_platform(text)] == ["off_platform.phone"]  # unknown 12 digits: fail closed
    assert check_off_platform(text, ["004172851308"]) == []
    assert check_off_platform("call me at 0812 3456 7890", ["004172851308"])  # a real phone still fails
