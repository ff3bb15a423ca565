"""The 公众号 callback, end to end in the gateway: WeChat's side is played by the test
(signed, encrypted XML POSTed to /channels/wechat/oa), the dialogue is the real client
in degraded mode (conftest.py), the API calls go to the loopback stand-in."""

from __future__ import annotations

import re
import threading

import pytest

from tests.wechat.conftest import OA_PATH, OPENID, fields, inbox_rows, outbox_rows, sha1, until

GD_RE = re.compile(r"GD\d{12}")


def post_plain(gateway, oa, xml: str):
    return gateway.post(OA_PATH, params=oa.query(), content=xml.encode())


def post_safe(gateway, oa, xml: str, receive_id: str | None = None):
    encrypt, body = oa.envelope(xml, receive_id)
    return gateway.post(OA_PATH, params=oa.query(encrypt=encrypt), content=body.encode())


def passive_text(response) -> str:
    assert response.status_code == 200, response.text
    return fields(response.text)["Content"]


def answer(response, standin, already: int = 0) -> str:
    """The reply, passive or, when the turn took longer than WeChat waits (filing a
    ticket loads the scorers on first use), by the customer-service send."""
    assert response.status_code == 200, response.text
    if response.text != "success":
        return fields(response.text)["Content"]
    sent = until(lambda: standin.sent_to(OPENID)[already:], what="the late reply")
    return sent[0].text


def safe_text(oa, response) -> str:
    assert response.status_code == 200, response.text
    envelope = fields(response.text)
    assert envelope["MsgSignature"] == sha1(oa.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    return fields(oa.decrypt(envelope["Encrypt"]))["Content"]


# -- off, URL check, refusals --------------------------------------------------------------
def test_without_settings_the_routes_say_wechat_is_disabled(client):
    for method in ("get", "post"):
        for path in ("/channels/wechat/oa", "/channels/wechat/work"):
            response = getattr(client, method)(path)
            assert response.status_code == 404 and response.json()["error"]["code"] == "wechat_disabled"


def test_the_url_check_returns_echostr_unchanged(gateway, oa):
    echostr = "5837397520665436492+a/b=="  # a "+" must not turn into a space
    response = gateway.get(OA_PATH, params={**oa.query(), "echostr": echostr})
    assert response.status_code == 200 and response.text == echostr
    known = oa.query(timestamp="1714036504", nonce="1514711492")["signature"]
    assert known == "f464b24fc39322e44b38aa78f5edd27bd1441696"  # PLATFORM_NOTES' known answer


def test_bad_signatures_are_refused_with_a_stable_code(gateway, oa):
    bad = {**oa.query(), "signature": "0" * 40}
    response = gateway.get(OA_PATH, params={**bad, "echostr": "x"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "bad_signature"
    xml = oa.message("text", msg_id=1, Content="你好")
    response = gateway.post(OA_PATH, params=bad, content=xml.encode())
    assert response.status_code == 403 and response.json()["error"]["code"] == "bad_signature"
    response = gateway.post(OA_PATH, params=oa.query(), content=b"<xml><unclosed>")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_message"
    assert inbox_rows(gateway.app.state.wechat.oa.db) == []  # nothing refused reached the dialogue


def test_bad_safe_mode_signatures_are_refused_with_a_stable_code(gateway, oa, safe_mode):
    xml = oa.message("text", msg_id=1, Content="你好")
    encrypt, body = oa.envelope(xml)
    query = oa.query(encrypt=encrypt)
    params = {**query, "msg_signature": sha1(oa.token, query["timestamp"], query["nonce"])}
    response = gateway.post(OA_PATH, params=params, content=body.encode())  # msg_signature without Encrypt
    assert response.status_code == 403 and response.json()["error"]["code"] == "bad_signature"
    response = post_safe(gateway, oa, xml, receive_id="wx_another_account")
    assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_receive_id"
    assert inbox_rows(gateway.app.state.wechat.oa.db) == []  # nothing refused reached the dialogue


def test_with_safe_mode_configured_a_plain_callback_is_refused(gateway, oa, safe_mode):
    response = post_plain(gateway, oa, oa.message("text", msg_id=11, Content="你好"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "safe_mode_required"
    assert inbox_rows(safe_mode.db) == []


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_five_minutes_off_is_refused_in_both_modes(gateway, oa, monkeypatch, request, offset):
    now = 1_800_000_000
    monkeypatch.setattr(gateway.app.state.wechat.oa, "wall", lambda: now)
    stale = str(now + offset)
    xml = oa.message("text", msg_id=12, Content="你好")
    response = gateway.post(OA_PATH, params=oa.query(timestamp=stale), content=xml.encode())
    assert response.status_code == 403 and response.json()["error"]["code"] == "stale_timestamp"
    request.getfixturevalue("safe_mode")
    encrypt, body = oa.envelope(xml)
    response = gateway.post(OA_PATH, params=oa.query(encrypt=encrypt, timestamp=stale), content=body.encode())
    assert response.status_code == 403 and response.json()["error"]["code"] == "stale_timestamp"
    assert inbox_rows(gateway.app.state.wechat.oa.db) == []
    within = oa.query(encrypt=encrypt, timestamp=str(now + (300 if offset > 0 else -300)))
    assert gateway.post(OA_PATH, params=within, content=body.encode()).status_code == 200


def test_a_signed_query_replayed_with_another_body_is_refused(gateway, oa, wechat_env):
    query = oa.query()
    first = gateway.post(OA_PATH, params=query, content=oa.message("text", msg_id=13, Content="你好").encode())
    assert first.status_code == 200
    forged = oa.message("text", msg_id=14, Content="我要投诉物业")
    response = gateway.post(OA_PATH, params=query, content=forged.encode())
    assert response.status_code == 403 and response.json()["error"]["code"] == "replayed_nonce"
    assert [r.text for r in inbox_rows(wechat_env)] == ["你好"]


def test_wechats_own_retry_repeats_query_and_body_and_gets_the_same_answer(gateway, oa, wechat_env, request):
    # WeChat retries a message it got no answer to with the same query string (timestamp,
    # nonce, signature) and the same body: not a replay, the MsgId dedupe answers it.
    query, xml = oa.query(), oa.message("text", msg_id=15, Content="你好")
    answers = [passive_text(gateway.post(OA_PATH, params=query, content=xml.encode())) for _ in range(3)]
    assert answers[0] and answers == [answers[0]] * 3
    safe = request.getfixturevalue("safe_mode")
    encrypt, body = oa.envelope(oa.message("text", msg_id=16, Content="请问社区几点上班"))
    query = oa.query(encrypt=encrypt)
    texts = [safe_text(oa, gateway.post(OA_PATH, params=query, content=body.encode())) for _ in range(2)]
    assert texts[0] and texts[1] == texts[0]
    assert [r.text for r in inbox_rows(safe.db)] == ["你好", "请问社区几点上班"]


# -- a text message --------------------------------------------------------------------------
def test_a_text_message_is_answered_passively_in_plain_and_safe_mode(gateway, oa, wechat_env, request):
    response = post_plain(gateway, oa, oa.message("text", msg_id=1001, Content="你好"))
    reply = fields(response.text)
    assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (OPENID, "gh_butler", "text")
    assert reply["Content"]
    request.getfixturevalue("safe_mode")  # the account switched to safe mode
    text = safe_text(oa, post_safe(gateway, oa, oa.message("text", msg_id=1002, Content="请问社区几点上班")))
    assert text
    rows = inbox_rows(wechat_env)
    assert [(r.sender_id, r.channel, r.text) for r in rows] == [
        (f"wechat:{OPENID}", "wechat", "你好"), (f"wechat:{OPENID}", "wechat", "请问社区几点上班")]
    assert all(r.state != "received" for r in rows)  # each was answered


def test_the_safety_net_runs_on_wechat_messages(gateway, oa, standin):
    text = answer(post_plain(gateway, oa, oa.message("text", msg_id=1003, Content="着火了！3号楼冒烟了")), standin)
    assert "119" in text  # the emergency advice, Rasa down or not
    assert GD_RE.search(text)


def test_the_same_msgid_three_times_is_one_turn(gateway, oa, wechat_env):
    xml = oa.message("text", msg_id=2001, Content="你好", create_time=1733000500)
    answers = [passive_text(post_plain(gateway, oa, xml)) for _ in range(3)]
    assert answers[0] and answers[1] == answers[0] == answers[2]  # a retry gets the same reply again
    assert len(inbox_rows(wechat_env)) == 1


def test_events_are_taken_once_by_sender_and_create_time(gateway, oa):
    xml = oa.message("event", Event="subscribe", create_time=1733000600)
    first = passive_text(post_plain(gateway, oa, xml))
    assert "社区管家" in first and "1. 我要投诉" in first  # the welcome, with the menu
    assert passive_text(post_plain(gateway, oa, xml)) == first


def test_subscribe_then_a_number_picks_from_the_menu(gateway, oa, wechat_env):
    post_plain(gateway, oa, oa.message("event", Event="subscribe"))
    post_plain(gateway, oa, oa.message("text", msg_id=2101, Content="1"))
    assert [r.text for r in inbox_rows(wechat_env)] == ["我要投诉"]


def test_menu_clicks_map_to_what_the_resident_would_say(gateway, oa, wechat_env):
    mine = passive_text(post_plain(gateway, oa, oa.message("event", Event="CLICK", EventKey="MY_TICKETS")))
    assert "还没有投诉记录" in mine  # a local command: no dialogue turn
    post_plain(gateway, oa, oa.message("event", Event="CLICK", EventKey="HUMAN"))
    unknown = post_plain(gateway, oa, oa.message("event", Event="CLICK", EventKey="NOT_OURS"))
    assert unknown.text == "success"
    assert [r.text for r in inbox_rows(wechat_env)] == ["转人工"]


def test_a_location_is_the_place_of_the_complaint(gateway, oa, wechat_env):
    post_plain(gateway, oa, oa.message("location", msg_id=2201, Location_X="31.2304", Location_Y="121.4737",
                                       Scale="15", Label="幸福里社区3号楼"))
    [row] = inbox_rows(wechat_env)
    assert row.text == "就是这里"
    assert row.meta["location"] == {"lat": 31.2304, "long": 121.4737, "label": "幸福里社区3号楼"}


# -- the 5-second rule -------------------------------------------------------------------------
class SlowDialogue:
    """A FAKE dialogue (the only one in these tests): it answers when the test lets it,
    to make "the dialogue took longer than WeChat waits" happen on cue, and what the test
    sets (``answer``), to make a reply longer than one WeChat message."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.turns: list[str] = []
        self.answer: str | None = None

    async def send_or_degrade(self, sender, text, metadata=None):  # noqa: ANN001
        import anyio

        from assistant.dialogue import Button, Reply

        self.turns.append(text)
        await anyio.to_thread.run_sync(lambda: self.release.wait(30))
        if self.answer is not None:
            return [Reply(text=self.answer)]
        return [Reply(text="好的，请问是几号楼？", buttons=[Button("3号楼", "3号楼"), Button("5号楼", "5号楼")])]


@pytest.fixture
def slow(gateway, monkeypatch):
    dialogue = SlowDialogue()
    oa = gateway.app.state.wechat.oa
    monkeypatch.setattr(oa, "dialogue", dialogue)
    monkeypatch.setattr(oa.settings, "wechat_reply_seconds", 0.3)
    yield dialogue
    dialogue.release.set()


def test_a_slow_reply_answers_success_then_goes_by_customer_service_send(gateway, oa, standin, slow, wechat_env):
    xml = oa.message("text", msg_id=3001, Content="我要报修")
    first = post_plain(gateway, oa, xml)
    assert first.status_code == 200 and first.text == "success"
    assert post_plain(gateway, oa, xml).text == "success"  # WeChat's retry: no second turn
    assert standin.sent_to(OPENID) == []
    slow.release.set()
    [sent] = until(lambda: standin.sent_to(OPENID), what="the customer-service send")
    assert sent.path == "/cgi-bin/message/custom/send"
    assert sent.text == "好的，请问是几号楼？\n回复数字选择：\n1. 3号楼\n2. 5号楼"
    assert slow.turns == ["我要报修"]
    until(lambda: [r.state for r in outbox_rows(wechat_env)] == ["sent"], what="the row marked sent")
    assert standin.count("/cgi-bin/token") == 1


def test_a_retry_while_the_turn_still_runs_waits_for_the_same_turn(gateway, oa, standin, slow, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(gateway.app.state.wechat.oa.settings, "wechat_reply_seconds", 30.0)
    xml = oa.message("text", msg_id=3101, Content="我要报修")
    oa_app = gateway.app.state.wechat.oa
    waits: list[str] = []  # who entered OfficialAccount._wait: the first try, then the retry
    original_wait = oa_app._wait

    async def counted_wait(entry, key):  # noqa: ANN001, ANN202
        waits.append(key)
        return await original_wait(entry, key)

    monkeypatch.setattr(oa_app, "_wait", counted_wait)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(post_plain, gateway, oa, xml)
        until(lambda: slow.turns, what="the first turn")  # WeChat's first try is being answered...
        retry = pool.submit(post_plain, gateway, oa, xml)  # ...when its retry comes in
        until(lambda: len(waits) == 2, what="the retry waiting for the running turn")
        assert not retry.done()  # the retry is inside the handler, waiting for the same turn
        slow.release.set()
        answers = [passive_text(first.result(timeout=30)), passive_text(retry.result(timeout=30))]
    assert answers[0] == answers[1] == "好的，请问是几号楼？\n回复数字选择：\n1. 3号楼\n2. 5号楼"
    assert slow.turns == ["我要报修"] and standin.sent_to(OPENID) == []


def test_a_reply_longer_than_one_message_goes_in_pieces(gateway, oa, standin, slow, monkeypatch):
    monkeypatch.setattr(gateway.app.state.wechat.oa.settings, "wechat_reply_seconds", 30.0)
    slow.answer = "".join(f"第{i}条：垃圾分类请在每天早七点到九点、晚六点到八点投放到小区东门的分类站。" for i in range(1, 141))
    slow.release.set()
    assert post_plain(gateway, oa, oa.message("text", msg_id=3201, Content="垃圾怎么分类")).text == "success"
    sent = until(lambda: standin.sent_to(OPENID), what="the pieces")
    until(lambda: "".join(s.text for s in standin.sent_to(OPENID)) == slow.answer, what="every piece")
    sent = standin.sent_to(OPENID)
    assert len(sent) > 1 and all(len(s.text.encode()) <= 2048 for s in sent)
    assert all(s.text.endswith("。") for s in sent)  # cut after sentences


# -- pushes ----------------------------------------------------------------------------------
def _file(db, sender: str) -> str:
    from assistant.tickets.service import file_ticket

    return file_ticket(db, description="3号楼楼道的灯坏了好几天了，晚上看不见", sender_id=sender).ticket.id


def test_a_ticket_state_change_is_pushed_to_the_resident(gateway, standin, wechat_env):
    from assistant.tickets.service import transition_ticket

    ticket_id = _file(wechat_env, f"wechat:{OPENID}")
    transition_ticket(wechat_env, ticket_id, "派单", actor="staff:alice")
    [sent] = until(lambda: standin.sent_to(OPENID), what="the 派单 push")
    assert ticket_id in sent.text and "已派给" in sent.text


def test_a_pushed_score_is_answered_by_number(gateway, oa, standin, wechat_env):
    from assistant.tickets.service import get_ticket, transition_ticket

    ticket_id = _file(wechat_env, f"wechat:{OPENID}")
    for action, extra in (("派单", {}), ("开始处置", {}), ("办结", {"note": "已更换灯泡"}), ("回访", {"satisfaction": 4})):
        transition_ticket(wechat_env, ticket_id, action, actor="staff:alice", **extra)
    until(lambda: any("打个分" in s.text for s in standin.sent_to(OPENID)), what="the 回访 push")
    assert "回复数字：5 很满意，4 满意" in standin.sent_to(OPENID)[-1].text
    answer = passive_text(post_plain(gateway, oa, oa.message("text", msg_id=4001, Content="5")))
    assert "谢谢您的评价" in answer
    with wechat_env.session() as session:
        ticket = get_ticket(session, ticket_id)
        assert [e.note for e in ticket.events if e.action == "居民评价"] == ["满意（5分）"]
    assert inbox_rows(wechat_env) == []  # the score went to the ticket, not to the dialogue


def test_an_expired_token_is_refreshed_once_and_the_send_goes_through(gateway, standin, wechat_env):
    from assistant import outbox

    with wechat_env.transaction() as session:
        outbox.enqueue(session, recipient=f"wechat:{OPENID}", text="第一条", dedupe_key="t1")
    until(lambda: standin.sent_to(OPENID), what="the first send")
    standin.expire_tokens()  # WeChat answers 42001 for the cached token
    with wechat_env.transaction() as session:
        outbox.enqueue(session, recipient=f"wechat:{OPENID}", text="第二条", dedupe_key="t2")
    gateway.app.state.wechat.oa.kick.set()
    until(lambda: len(standin.sent_to(OPENID)) == 2, what="the second send")
    assert [s.text for s in standin.sent_to(OPENID)] == ["第一条", "第二条"]
    assert standin.count("/cgi-bin/token") == 2
    assert standin.sent_to(OPENID)[0].token != standin.sent_to(OPENID)[1].token


def test_outside_the_window_the_push_is_recorded_as_undeliverable(gateway, standin, wechat_env):
    from assistant import outbox

    standin.fail_next("/cgi-bin/message/custom/send", 45015)
    with wechat_env.transaction() as session:
        outbox.enqueue(session, recipient=f"wechat:{OPENID}", text="预约提醒", dedupe_key="w1")
    [row] = until(lambda: [r for r in outbox_rows(wechat_env) if r.state == "failed"], what="the failed row")
    assert "45015" in row.last_error and standin.sent_to(OPENID) == []


# -- photos and unfollowing -------------------------------------------------------------------
def test_a_photo_is_stored_by_the_butler_and_joins_the_residents_complaint(gateway, oa, standin, wechat_env):
    from sqlalchemy import select

    from assistant.tickets.models import TicketAttachment
    from tests.tickets.test_attachments import JPEG, PDF

    ticket_id = _file(wechat_env, f"wechat:{OPENID}")
    standin.media |= {"p1": JPEG, "p2": PDF}
    picture = "http://mmbiz.qpic.cn/not-kept"
    linked = passive_text(post_plain(gateway, oa, oa.message("image", msg_id=6001, MediaId="p1", PicUrl=picture)))
    assert linked == f"照片收到了，已附在工单 {ticket_id} 上。"
    refused = passive_text(post_plain(gateway, oa, oa.message("image", msg_id=6002, MediaId="p2", PicUrl=picture)))
    assert "照片收到了" not in refused
    with wechat_env.session() as session:
        rows = session.scalars(select(TicketAttachment)).all()
    assert [(r.ticket_id, r.content_type, r.channel) for r in rows] == [(ticket_id, "image/jpeg", "wechat")]


def test_an_unfollowed_resident_gets_no_pushes_until_they_write_again(gateway, oa, standin, wechat_env):
    from assistant import outbox

    post_plain(gateway, oa, oa.message("event", Event="unsubscribe"))
    assert outbox.is_blocked(wechat_env, f"wechat:{OPENID}")
    with wechat_env.transaction() as session:
        outbox.enqueue(session, recipient=f"wechat:{OPENID}", text="工单进展", dedupe_key="u1")
    assert [r.state for r in outbox_rows(wechat_env)] == ["blocked"] and standin.sent_to(OPENID) == []
    post_plain(gateway, oa, oa.message("event", Event="subscribe"))
    assert not outbox.is_blocked(wechat_env, f"wechat:{OPENID}")


# -- what reaches the logs and the reply XML ---------------------------------------------------
def test_an_event_dedupe_key_holds_no_openid_in_the_outbox_or_the_logs(gateway, oa, standin, slow, wechat_env,
                                                                         monkeypatch):
    import structlog
    from structlog.testing import LogCapture

    from assistant import outbox
    from assistant.channels.wechat import OfficialAccount

    captured = LogCapture()  # in place of the module's logger (structlog caches configured ones)
    monkeypatch.setattr(outbox, "log", structlog.wrap_logger(None, processors=[captured]))
    click = oa.message("event", Event="CLICK", EventKey="HUMAN", create_time=1733000700)
    assert post_plain(gateway, oa, click).text == "success"  # the dialogue is slow: the reply comes late
    assert post_plain(gateway, oa, click).text == "success"  # WeChat's retry: still one turn
    slow.release.set()
    until(lambda: standin.sent_to(OPENID), what="the late reply")
    assert slow.turns == ["转人工"]
    [row] = outbox_rows(wechat_env)
    assert row.recipient == f"wechat:{OPENID}"  # where it goes, of course
    assert OPENID not in row.dedupe_key and OPENID[:8] not in row.dedupe_key
    [logged] = [e for e in captured.entries if e["event"] == "outbox_enqueued"]
    assert OPENID not in str(logged) and logged["key"] == row.dedupe_key

    message = wechat_api_parse(click)
    other = wechat_api_parse(oa.message("event", Event="CLICK", EventKey="HUMAN", create_time=1733000701))
    assert OfficialAccount.dedupe_key(message) == OfficialAccount.dedupe_key(wechat_api_parse(click))
    assert OfficialAccount.dedupe_key(message) != OfficialAccount.dedupe_key(other)


def wechat_api_parse(xml: str):  # noqa: ANN201
    from assistant.channels import wechat_api

    return wechat_api.parse(xml)


def test_a_reply_holding_the_cdata_end_stays_well_formed_xml(gateway, oa, slow, monkeypatch, request):
    monkeypatch.setattr(gateway.app.state.wechat.oa.settings, "wechat_reply_seconds", 30.0)
    slow.answer = "您说的是“a]]><b>x</b>]]>”吗？"
    slow.release.set()
    response = post_plain(gateway, oa, oa.message("text", msg_id=7001, Content="你好"))
    assert passive_text(response) == slow.answer
    request.getfixturevalue("safe_mode")
    assert safe_text(oa, post_safe(gateway, oa, oa.message("text", msg_id=7002, Content="再说一遍"))) == slow.answer


@pytest.mark.parametrize("part", ["oa", "work"])
def test_a_malformed_aes_key_switches_that_part_off_and_the_gateway_starts(wechat_env, monkeypatch, oa, work,
                                                                            part):
    import structlog
    from fastapi.testclient import TestClient
    from structlog.testing import LogCapture

    import assistant.channels.wechat as wechat_module
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    monkeypatch.setenv("BUTLER_WECHAT_AES_KEY" if part == "oa" else "BUTLER_WECOM_AES_KEY", "not-a-key")
    get_settings.cache_clear()
    captured = LogCapture()
    monkeypatch.setattr(wechat_module, "log", structlog.wrap_logger(None, processors=[captured]))
    with TestClient(create_app(get_settings())) as client:
        assert client.get("/healthz").status_code == 200
        state = client.app.state.wechat
        assert (state.oa is None, state.work is None) == (part == "oa", part == "work")
        path = OA_PATH if part == "oa" else "/channels/wechat/work"
        response = client.post(path, params=oa.query(), content=b"<xml/>")
        assert response.status_code == 404 and response.json()["error"]["code"] == "wechat_disabled"
        if part == "work":  # the 公众号 still answers
            assert client.post(OA_PATH, params=oa.query(),
                               content=oa.message("text", msg_id=7101, Content="你好").encode()).status_code == 200
    [error] = [e for e in captured.entries if e["log_level"] == "error"]
    assert error["event"] == ("wechat_oa_off_misconfigured" if part == "oa" else "wecom_off_misconfigured")
    assert "43 characters" in error["reason"] and "exc_info" not in error
