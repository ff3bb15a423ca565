"""The WeCom app for staff: the always-encrypted callback (receive id = corpid), staff
commands moving a ticket with the console's role rules and audit, alerts pushed
through the outbox by WeCom's app message API (the loopback stand-in)."""

from __future__ import annotations

import time

import pytest

from tests.wechat.conftest import WORK_PATH, fields, sha1, until
from tests.wechat.standin import AGENT_ID, CORP_ID


def work_query(work, encrypt: str, timestamp: str | None = None, nonce: str = "8675309") -> dict:
    timestamp = timestamp or str(int(time.time()))  # WeCom signs with its own clock: now
    return {"msg_signature": sha1(work.token, timestamp, nonce, encrypt), "timestamp": timestamp, "nonce": nonce}


def say(gateway, work, userid: str, text: str, msg_id: int) -> str:
    xml = work.message("text", sender=userid, to=CORP_ID, msg_id=msg_id, Content=text, AgentID=AGENT_ID)
    encrypt, body = work.envelope(xml)
    response = gateway.post(WORK_PATH, params=work_query(work, encrypt), content=body.encode())
    assert response.status_code == 200, response.text
    envelope = fields(response.text)
    assert envelope["MsgSignature"] == sha1(work.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    reply = fields(work.decrypt(envelope["Encrypt"]))
    assert reply["ToUserName"] == userid
    return reply["Content"]


@pytest.fixture
def staff(gateway, wechat_env, monkeypatch):
    from assistant.auth.service import create_user

    with wechat_env.transaction() as session:
        create_user(session, "worker1", "worker-password-1", "worker")
        create_user(session, "viewer1", "viewer-password-1", "viewer")
    settings = gateway.app.state.wechat.work.settings
    monkeypatch.setattr(settings, "wecom_staff", "zhangsan:worker1,lisi:viewer1")
    monkeypatch.setattr(settings, "wecom_alert_to", "zhangsan|wangwu")
    return settings


def test_the_url_check_decrypts_echostr(gateway, work):
    encrypt = work.encrypt("1288432023552776189")
    response = gateway.get(WORK_PATH, params={**work_query(work, encrypt), "echostr": encrypt})
    assert response.status_code == 200 and response.text == "1288432023552776189"
    bad = {**work_query(work, encrypt), "nonce": "other", "echostr": encrypt}
    assert gateway.get(WORK_PATH, params=bad).json()["error"]["code"] == "bad_signature"
    other = work.encrypt("1288432023552776189", receive_id="ww_another_corp")
    response = gateway.get(WORK_PATH, params={**work_query(work, other), "echostr": other})
    assert response.status_code == 403 and response.json()["error"]["code"] == "wrong_receive_id"


def test_a_worker_takes_and_finishes_a_ticket_from_wecom(gateway, work, staff, wechat_env):
    from assistant.tickets.service import file_ticket, get_ticket, transition_ticket

    ticket_id = file_ticket(wechat_env, description="5号楼电梯坏了", sender_id="web:r-1").ticket.id
    transition_ticket(wechat_env, ticket_id, "派单", actor="staff:admin")
    assert "已接单" in say(gateway, work, "zhangsan", f"接单 {ticket_id}", 1)
    assert "处理说明" in say(gateway, work, "zhangsan", f"办结 {ticket_id}", 2)
    assert "已办结" in say(gateway, work, "zhangsan", f"办结 {ticket_id} 已更换电梯按钮", 3)
    assert "已办结" in say(gateway, work, "lisi", f"查 {ticket_id}", 4)
    assert "只能查询" in say(gateway, work, "lisi", f"办结 {ticket_id} 好了", 5)
    assert "绑定" in say(gateway, work, "stranger", f"查 {ticket_id}", 6)
    with wechat_env.session() as session:
        ticket = get_ticket(session, ticket_id)
        moves = [(e.action, e.actor, e.note) for e in ticket.events if e.action in ("开始处置", "办结")]
        assert ticket.status == "已办结"
    assert moves == [("开始处置", "staff:worker1", None), ("办结", "staff:worker1", "已更换电梯按钮")]


def test_an_emergency_alert_reaches_the_staff_on_wecom(gateway, standin, staff, wechat_env):
    from assistant.channels.wechat_work import enqueue_staff_alert
    from assistant.tickets.service import file_ticket, get_ticket

    ticket_id = file_ticket(wechat_env, description="3号楼502有煤气味，联系电话13812345678", sender_id="web:r-2",
                            force_urgency="emergency").ticket.id
    # Nothing calls WeCom from the ticket code: the gateway's outbox round finds the emergency.
    until(lambda: standin.sent_to("zhangsan") and standin.sent_to("wangwu"), what="the alerts")
    [sent] = standin.sent_to("zhangsan")
    assert sent.path == "/cgi-bin/message/send" and sent.body["agentid"] == int(AGENT_ID)
    assert sent.text.startswith("【特急】") and ticket_id in sent.text
    assert "13812345678" not in sent.text  # the phone is masked
    with wechat_env.transaction() as session:  # once per ticket and person
        assert enqueue_staff_alert(session, get_ticket(session, ticket_id), settings=staff) == 0
    assert standin.count("/cgi-bin/gettoken") == 1


def test_a_care_alert_goes_to_the_elders_grid_worker(gateway, standin, staff, wechat_env, monkeypatch):
    from assistant.tickets.service import file_ticket, transition_ticket

    monkeypatch.setattr(staff, "wecom_alert_to", "")
    ticket_id = file_ticket(wechat_env, description="独居老人王阿姨两天没有报平安", channel="care", category="其他",
                            force_urgency="urgent", check_duplicates=False, actor="system:care").ticket.id
    transition_ticket(wechat_env, ticket_id, "派单", actor="system:care", department="网格员 worker1",
                      note="独居老人关怀")
    [sent] = until(lambda: standin.sent_to("zhangsan"), what="the grid worker's alert")  # worker1 is zhangsan
    assert sent.text.startswith("【关爱】") and ticket_id in sent.text
    assert standin.sent_to("wangwu") == []


def test_a_message_with_a_stale_timestamp_is_refused(gateway, work, staff, monkeypatch):
    now = 1_800_000_000
    monkeypatch.setattr(gateway.app.state.wechat.work, "wall", lambda: now)
    xml = work.message("text", sender="zhangsan", to=CORP_ID, msg_id=90, Content="查 GD202612050001", AgentID=AGENT_ID)
    encrypt, body = work.envelope(xml)
    response = gateway.post(WORK_PATH, params=work_query(work, encrypt, timestamp=str(now - 301)),
                            content=body.encode())
    assert response.status_code == 403 and response.json()["error"]["code"] == "stale_timestamp"
    response = gateway.post(WORK_PATH, params=work_query(work, encrypt, timestamp=str(now - 300)),
                            content=body.encode())
    assert response.status_code == 200
