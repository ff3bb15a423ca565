"""Round 14 (blind10, tuned): an offered booking taken by naming it with its details
(约体检 后天早上8点 after 另外您说要约个体检，现在帮您约吗？): the details go with it, so the
form does not ask for a time already said. Own sentences."""

from __future__ import annotations

import pytest

from assistant.conversation import store
from assistant.conversation.offers import taken_offer
from tests.conversation.test_offer_answers import Dialogue, say

OFFERED = "帮我约个保洁"


@pytest.mark.parametrize("said", ["保洁 大后天下午两点", "约保洁吧，电话13900001111", "保洁，地址3号楼1单元202"])
def test_naming_the_offer_with_details_sends_them(said):
    assert taken_offer(said, OFFERED, "book_service") == f"{OFFERED}，{said}"


@pytest.mark.parametrize("said", ["那保洁的事呢", "保洁吧"])
def test_naming_the_offer_alone_sends_the_offer(said):
    assert taken_offer(said, OFFERED, "book_service") == OFFERED


def test_the_details_reach_the_dialogue(db, clock):
    store.save(db, "web:offers13", store.Memory(pending=store.Pending(OFFERED, "book_service", clock.now(),
                                                                     offered=True)))
    dialogue = Dialogue({"保洁": "book_service"})
    say(dialogue, db, "约保洁 后天上午九点")
    assert dialogue.sent == [f"{OFFERED}，约保洁 后天上午九点"]
