"""One masking rule in ``assistant.privacy`` (round 23): a resident's sender id, a channel's
own ids in logs and the phone's last four said back are masked there, and every place that
shows them uses it (tickets, ratings, care, the console, the API, the channels' logs)."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.privacy import last_four, mask_id, mask_sender

ROOT = Path(__file__).resolve().parents[1]


def test_a_sender_id_keeps_its_channel_and_two_characters():
    assert mask_sender("telegram:70451236") == "telegram:70***"
    assert mask_sender("wechat:oQx9LmT2w") == "wechat:oQ***"
    assert "70451236" not in mask_sender("telegram:70451236")


def test_a_sender_id_without_a_channel_or_an_id_is_all_stars():
    assert mask_sender("70451236") == "***"
    assert mask_sender("web:") == "***"
    assert mask_sender(None) == "***"
    assert mask_sender("") == "***"


def test_a_channel_id_keeps_what_its_channel_shows_and_never_the_rest():
    assert mask_id(58213907) == "58***"
    assert mask_id("oPz4kWq81v", keep=4) == "oPz4***"
    assert mask_id(None) == "-" and mask_id("") == "-" and mask_id(0) == "-"


def test_the_last_four_are_read_from_the_digits_however_the_phone_was_written():
    assert last_four("15822460913") == "0913"
    assert last_four("+86 158-2246-0913") == "0913"


def test_every_place_masks_a_sender_by_the_one_rule():
    from assistant.care.ladder import _masked_recipient
    from assistant.care.service import _masked_value

    assert _masked_value("sender_id", "web:k2v9x") == mask_sender("web:k2v9x") == "web:k2***"
    assert _masked_recipient("telegram:99310245") == "telegram:99***"
    assert _masked_recipient("15822460913") == "158****0913"  # a bare phone is a phone


def test_the_hand_off_says_the_last_four_only_when_there_is_a_phone():
    from assistant.residents.service import handoff_reply

    said = handoff_reply("好的。", "+86 158 2246 0913", service_phone="0571-8800123", service_hours="9:00-17:00")
    assert "尾号0913" in said and "2246" not in said
    unsaid = handoff_reply("好的。", None, service_phone="0571-8800123", service_hours="9:00-17:00")
    assert "尾号" not in unsaid


def test_no_module_masks_an_id_or_a_phone_tail_its_own_way():
    """A slice followed by *** (rest[:2]***) or a phone cut by hand (phone[-4:]) outside
    privacy.py is a second rule that would drift from the first."""
    own_way = re.compile(r"\[:\w+\]\}?\s*\+?\s*\"?\*\*\*|phone\[-4:\]")
    found = []
    for folder in ("assistant", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "privacy.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if own_way.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
