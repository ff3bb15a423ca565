"""Review 19 (tickets): degraded mode tells the reporter of their own ticket so, never
已有居民反映过 (#17); more words on one's own open ticket that the safety net finds plausibly
acute reach the dialogue, where the classifier's emergency vote is heard (#16). New wording,
not the review's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.tickets import service
from tests.conversation._helpers import WordDialogue, converse_once


def _recorder() -> WordDialogue:
    """The dialogue hears a complaint in everything: records what reaches it."""
    return WordDialogue({"": "file_complaint"})


# --- #17: degraded mode and the reporter's own ticket ----------------------------------------

def test_degraded_mode_tells_the_reporter_the_ticket_is_their_own(app_env, clock):
    from assistant import degraded
    from assistant.settings import get_settings

    db = app_env
    tid = service.file_ticket(db, description="5号楼北边的路灯不亮了", sender_id="web:rv19d1", address="5号楼",
                              now=clock.now() - timedelta(hours=1)).ticket.id
    own = degraded.respond(db, get_settings(), sender_id="web:rv19d1", text="5号楼北面路灯坏了 晚上走路看不清")
    assert own.ticket_id == tid
    assert "您已经反映过" in own.lines[0] and "已有居民反映" not in own.lines[0]
    other = degraded.respond(db, get_settings(), sender_id="web:rv19d2", text="5号楼北面那盏路灯不亮 黑乎乎的")
    assert other.ticket_id == tid and "已有居民反映" in other.lines[0]


# --- #16: added words the net finds plausibly acute go to the dialogue ----------------------

def test_added_words_plausibly_acute_reach_the_dialogue(db, clock):
    from assistant.safety import assess

    said = "刚才漏说了 那个坑里好像掉了个人"
    assert assess(said).plausible and not assess(said).emergency  # the classifier's vote decides
    service.file_ticket(db, description="9号楼后面修路挖的坑没围起来", sender_id="web:rv19a", address="9号楼",
                        now=clock.now() - timedelta(hours=1))
    dialogue = _recorder()
    converse_once(dialogue, db, "web:rv19a", said)
    assert dialogue.sent == [said]


@pytest.mark.parametrize("said", ["再补充一句 坑旁边还堆了些砖头", "补充一点 那个坑有一米多深"])
def test_added_words_of_nothing_acute_still_join_the_ticket(db, clock, said):
    tid = service.file_ticket(db, description="9号楼后面修路挖的坑没围起来", sender_id="web:rv19b",
                              address="9号楼", now=clock.now() - timedelta(hours=1)).ticket.id
    dialogue = _recorder()
    replies = converse_once(dialogue, db, "web:rv19b", said)
    assert dialogue.sent == [] and tid in replies[0].text
