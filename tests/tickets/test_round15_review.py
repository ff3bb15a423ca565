"""Review 15's notes on tickets, emergency follow-through and the knowledge base, fixed by
reason. Own sentences (never a bench line), both ways."""

from __future__ import annotations

import pytest

from assistant.tickets.asking import asks_what_was_done


# --- note 21: 下来 / 出来 is someone coming when a person comes, not an application -------------

@pytest.mark.parametrize("said", [
    "你们到底什么时候下来个人看看",
    "物业的人几点能出来",
    "工作人员多久能下来啊",
    "师傅啥时候下来",
    "保安什么时候能出来一下",
    "师傅多久能来",
])
def test_a_person_coming_down_or_out_asks_what_was_done(said):
    assert asks_what_was_done(said)


@pytest.mark.parametrize("said", [
    "交上去了多久能批下来",
    "申请交上去多久能下来",
    "补贴多久能办下来",
    "老人的补贴什么时候能下来",
    "材料递上去了啥时候出来结果",
])
def test_an_application_coming_through_is_not_about_a_report(said):
    assert not asks_what_was_done(said)
