"""Review 15's notes on tickets, emergency follow-through and the knowledge base, fixed by
reason. Own sentences (never a bench line), both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.tickets import ActionEmergency, ActionTicketFollowup
from assistant.db import Database
from assistant.tickets import service
from assistant.tickets.asking import asks_what_was_done
from assistant.tickets.emergency import adds_a_detail
from tests.tickets.test_followthrough_actions import joined, run, tracker


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


# --- note 13: a further word joins the emergency only when it speaks of it ----------------------

@pytest.mark.parametrize("said", [
    "我约的洗衣服务是几点来着",
    "后天天气咋样",
    "帮我把周五的保洁取消了吧",
    "那个体检改到下礼拜三",
    "我前几天报的路灯那事咋样了",
])
def test_a_matter_of_its_own_is_no_detail_of_the_emergency(said):
    assert not adds_a_detail(said)


@pytest.mark.parametrize("said", [
    "她穿的红毛衣 头发全白了",
    "水已经漫到客厅了",
    "阀门我拧上了 味道还是很大",
    "老头子嘴唇有点发紫",
    "7号楼1单元二楼东户",
    "楼上邻居帮忙把门撬开了",
])
def test_a_word_on_the_people_body_hazard_or_place_is_a_detail(said):
    assert adds_a_detail(said)


@pytest.mark.parametrize(("said", "intent"), [
    ("我约的理发是明天几点", "query_booking"),
    ("明天会下雨不", "out_of_scope"),
    ("帮我把明天的理发取消了", "cancel_booking"),
])
async def test_another_matter_after_an_emergency_goes_its_own_way(app_env: Database, clock, said, intent):
    sender = f"web:rv15-{intent}"
    messages, slots, _ = await run(ActionEmergency(), tracker("40号楼2单元我妈摔倒了起不来", "emergency", sender=sender))
    tid = slots["emergency_ticket_id"]
    clock.move_to(clock.now() + timedelta(minutes=10))
    messages, _, _ = await run(ActionTicketFollowup(), tracker(said, intent, slots, sender=sender))
    with app_env.session() as session:
        assert said not in service.get_ticket(session, tid).description
    assert "已补充" not in joined(messages) and tid not in joined(messages), joined(messages)
