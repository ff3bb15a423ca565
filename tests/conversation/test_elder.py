"""再说一遍 / 慢一点 / 我年纪大了 before Rasa (issue #13, the elderly path).

``command`` is tested on its own; the turns go through ``converse`` with the real
SQLite memory and profile, and a real DialogueClient whose Rasa is down (a port nobody
listens on: a real state, no stand-in). An answer made by the gateway shows the message
never reached the dialogue (with Rasa down it would otherwise be degraded mode's)."""

from __future__ import annotations

import socket

import anyio
import pytest

from assistant.conversation import converse, store
from assistant.conversation.elder import ELDERLY_TEXT, NOTHING_TO_REPEAT_TEXT, SLOWER_TEXT, SLOWEST_TEXT, command
from assistant.dialogue import EMERGENCY_MARKER, DialogueClient
from assistant.residents.profile import ORDINARY, SpeechProfile, set_elderly, speech_profile
from assistant.settings import Settings

SENDER = "web:r-elder"


@pytest.mark.parametrize(("said", "kind"), [
    ("我年纪大了", "elderly"),
    ("我年纪大了。", "elderly"),
    ("我是老年人", "elderly"),
    ("我岁数大了", "elderly"),
    ("我老了", "elderly"),
    ("我耳朵背", "elderly"),
    ("说慢点", "slower"),
    ("说慢一点", "slower"),
    ("慢一点", "slower"),
    ("慢点儿说", "slower"),
    ("请你说慢一点好吗？", "slower"),
    ("麻烦您说得慢一点，谢谢", "slower"),
    ("你说得太快了", "slower"),
    ("我年纪大了，你说慢点", "slower"),
    ("说 慢 一点", "slower"),          # a transcript with spaces between words
    ("再说一遍", "repeat"),
    ("请再说一遍", "repeat"),
    ("没听清", "repeat"),
    ("没听清楚", "repeat"),
    ("我没听清，再说一遍吧", "repeat"),
    ("你说啥", "repeat"),
    ("你刚才说什么？", "repeat"),
    ("听不清", "repeat"),
    ("重复一遍", "repeat"),
    ("我年纪大了，没听清", "elderly"),
    ("你说啥？俺没听明白", "repeat"),   # 俺: 我 in northern speech
    ("俺岁数大了", "elderly"),
    # Anything with content goes to the dialogue.
    ("我年纪大了腿脚不方便想约个上门理发", None),
    ("我年纪大了，想约个上门理发", None),
    ("我是老年人，高龄补贴怎么领", None),
    ("再说吧", None),
    ("什么时候能修好", None),
    ("慢性病怎么报销", None),
    ("快递太慢了", None),
    ("谢谢", None),
    ("好的", None),
    ("", None),
])
def test_only_whole_message_commands_are_taken(said, kind):
    assert command(said) == kind


@pytest.fixture
def client(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on: Rasa is down
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dialogue = DialogueClient(Settings(data_dir=tmp_path / "var", rasa_url=f"http://127.0.0.1:{port}",
                                       rasa_timeout=2))
    yield dialogue
    anyio.run(dialogue.aclose)


def say(client, db, text, sender=SENDER):
    return anyio.run(lambda: converse(client, sender, text, None, db=db))


def remember(db, clock, *said: store.Said, sender=SENDER):
    store.save(db, sender, store.Memory(last=list(said), last_at=clock.now()))


QUESTION = store.Said("您想约哪天？", [("明天", "/inform{\"time\": \"明天\"}"), ("后天", "/inform{\"time\": \"后天\"}")])


def rates(replies):
    return [r.custom["speak"]["rate_factor"] for r in replies]


def test_say_it_again_repeats_the_last_replies_slower_with_their_buttons(client, app_env, clock):
    remember(app_env, clock, store.Said("好的，帮您约上门理发。"), QUESTION)
    replies = say(client, app_env, "再说一遍")
    assert [r.text for r in replies] == ["好的，帮您约上门理发。", "您想约哪天？"]
    assert [b.title for b in replies[1].buttons] == ["明天", "后天"]
    assert rates(replies) == [0.8, 0.8]  # one step slower than normal speech
    assert speech_profile(app_env, SENDER) == ORDINARY  # a one-off: the profile stays
    # Still remembered: a second 没听清 repeats the same words again, not the repeat itself.
    assert [r.text for r in say(client, app_env, "没听清")] == ["好的，帮您约上门理发。", "您想约哪天？"]


def test_an_elderly_resident_hears_the_repeat_a_step_slower_than_their_rate(client, app_env, clock):
    set_elderly(app_env, SENDER, True, by="staff:admin1")
    remember(app_env, clock, QUESTION)
    assert rates(say(client, app_env, "你说啥")) == [0.7]


def test_im_old_makes_the_profile_elderly_says_so_and_repeats_slower(client, app_env, clock):
    remember(app_env, clock, QUESTION)
    first, again = say(client, app_env, "我年纪大了")
    assert first.text == ELDERLY_TEXT and again.text == QUESTION.text
    assert rates([first, again]) == [0.8, 0.8]
    assert speech_profile(app_env, SENDER) == SpeechProfile(elderly=True, rate_factor=0.8)


def test_each_slow_down_is_slower_until_the_floor(client, app_env, clock):
    remember(app_env, clock, QUESTION)
    said = [say(client, app_env, "慢一点") for _ in range(4)]
    assert [s[0].text for s in said] == [SLOWER_TEXT, SLOWER_TEXT, SLOWER_TEXT, SLOWEST_TEXT]
    assert [rates(s) for s in said] == [[0.8, 0.8], [0.7, 0.7], [0.6, 0.6], [0.6, 0.6]]
    assert all(s[1].text == QUESTION.text for s in said)
    assert speech_profile(app_env, SENDER) == SpeechProfile(elderly=True, rate_factor=0.6)


def test_slow_down_with_nothing_remembered_still_sets_the_profile(client, app_env, clock):
    [reply] = say(client, app_env, "说慢点")
    assert reply.text == SLOWER_TEXT + NOTHING_TO_REPEAT_TEXT and rates([reply]) == [0.8]
    assert speech_profile(app_env, SENDER).elderly


def test_say_it_again_with_nothing_remembered_goes_to_the_dialogue(client, app_env, clock):
    replies = say(client, app_env, "再说一遍")
    # Rasa is down: degraded mode answered it, so the message did go to the dialogue.
    assert replies and replies[0].custom and "degraded" in replies[0].custom
    assert not any("speak" in (r.custom or {}) for r in replies)


def test_what_the_butler_answered_is_remembered_for_a_repeat(client, app_env, clock):
    first = say(client, app_env, "你好")  # degraded mode records it (Rasa is down)
    again = say(client, app_env, "没听清楚")
    assert [r.text for r in again] == [r.text for r in first]
    # The marker of what degraded mode did is not repeated: a repeat acts on nothing.
    assert all(set(r.custom) == {"speak"} for r in again)


def test_content_said_with_im_old_is_not_swallowed(client, app_env, clock):
    remember(app_env, clock, QUESTION)
    replies = say(client, app_env, "我年纪大了腿脚不方便想约个上门理发")
    assert replies[0].text != ELDERLY_TEXT and "degraded" in (replies[0].custom or {})
    assert speech_profile(app_env, SENDER) == ORDINARY


def test_an_emergency_wins_over_a_repeat(client, app_env, clock):
    remember(app_env, clock, QUESTION)
    replies = say(client, app_env, "救命，着火了，再说一遍")
    assert any(EMERGENCY_MARKER in (r.custom or {}) for r in replies)
    assert QUESTION.text not in [r.text for r in replies]


def test_a_remembered_list_can_still_be_chosen_from_after_a_repeat(client, app_env, clock):
    from assistant.conversation.choices import options_from_reply

    store.save(app_env, SENDER, store.Memory(
        options=options_from_reply(QUESTION.text, QUESTION.buttons), shown_at=clock.now(),
        last=[QUESTION], last_at=clock.now()))
    say(client, app_env, "再说一遍")
    assert [o.title for o in store.load(app_env, SENDER).options] == ["明天", "后天"]


def test_remembered_replies_expire_with_the_rest_of_the_memory(app_env, clock):
    from datetime import timedelta

    remember(app_env, clock, QUESTION)
    assert store.load(app_env, SENDER).last == [QUESTION]
    clock.shift(store.MEMORY_TTL + timedelta(minutes=1))
    assert store.load(app_env, SENDER).last == []


def test_remembered_replies_round_trip_on_sqlite_and_postgresql(any_db, clock):
    said = [store.Said("好的，帮您约上门理发。"), QUESTION]
    store.save(any_db, SENDER, store.Memory(last=said, last_at=clock.now()))
    assert store.load(any_db, SENDER).last == said
    store.save(any_db, SENDER, store.Memory())  # nothing said: nothing to repeat
    assert store.load(any_db, SENDER).last == []
