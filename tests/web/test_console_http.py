"""The console's HTTP rules without a browser (the gateway in-process on the test
database): the pages' own Content-Security-Policy, CSRF before anything else, the
sign-in lock-out, the thermometer JSON's refusals, the static files' confinement."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from assistant.web.pages import PAGE_CSP, install, installed

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def web(app_env, tokens):
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    app = create_app(get_settings())
    install(app)
    routes = len(app.routes)
    install(app)  # a second install (or ROUTERS registering the module too) adds nothing
    assert installed(app) and len(app.routes) == routes
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def login_csrf(client: TestClient) -> str:
    return CSRF_RE.search(client.get("/console/login").text).group(1)


def sign_in(client: TestClient, username: str = "dispatcher1", password: str = "correct-horse-battery"):
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": login_csrf(client)}, follow_redirects=False)


def test_pages_carry_their_own_strict_policy(web):
    for path in ("/", "/console/login"):
        response = web.get(path)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == PAGE_CSP
        assert "unsafe-inline" not in PAGE_CSP and "script-src 'self'" in PAGE_CSP
        assert "<script>" not in response.text and " style=" not in response.text and "onclick" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"
    # The JSON API keeps the gateway's own policy.
    assert "default-src 'none'" in web.get("/healthz").headers["content-security-policy"]


def test_sign_in_needs_the_forms_token(web):
    # No token, or a token that is not this browser's cookie: refused before the password is checked.
    refused = web.post("/console/login", data={"username": "dispatcher1", "password": "correct-horse-battery"})
    assert refused.status_code == 403 and "butler_console" not in refused.cookies
    login_csrf(web)
    other = web.post("/console/login", data={"username": "dispatcher1", "password": "correct-horse-battery",
                                             "csrf_token": "forged"})
    assert other.status_code == 403
    ok = sign_in(web)
    assert ok.status_code == 303 and ok.headers["location"] == "/console"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure


def test_sign_in_over_https_sets_a_secure_cookie(app_env, tokens):
    from assistant.api.app import create_app
    from assistant.settings import get_settings

    app = create_app(get_settings())
    install(app)
    with TestClient(app, base_url="https://127.0.0.1") as client:
        response = sign_in(client)
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def test_wrong_passwords_lock_the_user_out(web):
    for _ in range(5):
        assert sign_in(web, password="wrong-password").status_code == 401
    locked = sign_in(web)  # the right password, but locked
    assert locked.status_code == 429 and "分钟后再试" in locked.text


def test_thermometer_json_needs_a_session_and_a_sane_range(web):
    assert web.get("/console/api/thermometer").status_code == 401
    sign_in(web)
    assert web.get("/console/api/thermometer").status_code == 200
    bad = web.get("/console/api/thermometer", params={"start": "2026-03-02", "end": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_date_range"
    assert web.get("/console/api/thermometer", params={"start": "yesterday"}).status_code == 422
    assert web.get("/console/api/thermometer", params={"start": "2020-01-01", "end": "2026-01-01"}).status_code == 422


def test_console_pages_need_a_session(web):
    for path in ("/console", "/console/tickets/GD202603100001"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/console/login"
    # A forged session cookie is no session.
    web.cookies.set("butler_console", "not-a-token", path="/console")
    assert web.get("/console", follow_redirects=False).status_code == 303


def test_bad_queue_parameters_are_ignored_not_errors(web):
    sign_in(web)
    response = web.get("/console", params={"status": "<b>", "urgency": "x", "page": "zz", "since": "soon",
                                           "q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    assert web.get("/console/tickets/not-an-id").status_code == 404


def test_static_files_stay_inside_their_folder(web):
    assert web.get("/static/vendor/chart.umd.min.js").headers["content-type"].startswith("text/javascript")
    for path in ("/static/..%2fpages.py", "/static/%2e%2e/pages.py", "/static/vendor/../../session.py",
                 "/static/nothing.js"):
        assert web.get(path).status_code == 404, path


def test_dispatcher_reassigns_worker_may_not(web, app_env):
    from assistant.tickets.routing import get_routing
    from assistant.tickets.service import file_ticket, get_ticket

    first = file_ticket(app_env, description="3号楼楼道灯坏了，电话13912345678", sender_id="web:a",
                        address="3号楼").ticket
    again = file_ticket(app_env, description="3号楼的楼道灯不亮了", sender_id="web:b", address="3号楼")
    assert again.duplicate and again.ticket.id == first.id
    other = next(d for d in get_routing().departments if d != first.department)
    sign_in(web, "worker1")
    page = web.get(f"/console/tickets/{first.id}")
    assert "保存更正" not in page.text and "3号楼的楼道灯不亮了" in page.text  # the linked report
    token = CSRF_RE.search(page.text).group(1)
    refused = web.post(f"/console/tickets/{first.id}/correct", data={"department": other, "csrf_token": token})
    assert refused.status_code == 403
    web.cookies.clear()
    sign_in(web, "dispatcher1")
    page = web.get(f"/console/tickets/{first.id}")
    assert "139****5678" in page.text and "13912345678" not in page.text
    token = CSRF_RE.search(page.text).group(1)
    assert web.post(f"/console/tickets/{first.id}/correct", data={"department": other}).status_code == 403
    done = web.post(f"/console/tickets/{first.id}/correct", data={"department": other, "note": "属于对方",
                                                                 "csrf_token": token})
    assert done.status_code == 200 and "已执行“更正”" in done.text
    bad = web.post(f"/console/tickets/{first.id}/correct", data={"category": "外星人", "csrf_token": token})
    assert bad.status_code == 422 and "没有“外星人”这个类别" in bad.text
    with app_env.session() as session:
        ticket = get_ticket(session, first.id)
        assert ticket.department == other
        assert [(e.action, e.actor) for e in ticket.events][-1] == ("更正部门", "staff:dispatcher1")


def test_residents_waiting_for_a_person_in_one_list(web, app_env):
    from assistant.kb.unanswered import record_unanswered
    from assistant.residents.models import HandoffRequest
    from assistant.residents.service import remember_contact, request_handoff

    with app_env.transaction() as session:
        remember_contact(session, "web:r-waiting", phone="13912345678")
        handoff_id = request_handoff(session, "web:r-waiting", "asked",
                                     last_message="找个人帮我看看<b>燃气表</b>").id
        record_unanswered(session, "web:r-asking", "老年卡在哪里办？电话13812345678", best_guess="老年优待证")
        request_handoff(session, "web:r-old", "misunderstood", "那个那个东西")
        request_handoff(session, "telegram:5", "outage", "[系统故障期间留言] 水管爆了吗")
    sign_in(web, "viewer1")
    page = web.get("/console/requests")
    assert page.status_code == 200
    assert "找个人帮我看看&lt;b&gt;燃气表&lt;/b&gt;" in page.text and "<b>燃气表" not in page.text
    assert "老年卡在哪里办" in page.text and "老年优待证" in page.text
    assert "13912345678" not in page.text and "139****5678" in page.text and "138****5678" in page.text
    # Every reason, in Chinese, in one list.
    reasons = re.findall(r'<span class="badge reason">([^<]+)</span>', page.text)
    assert sorted(reasons) == sorted(["要找工作人员", "政策问题没答上", "两次没听懂", "系统故障时留言"])
    only = web.get("/console/requests", params={"reason": "outage"}).text
    assert re.findall(r'<span class="badge reason">([^<]+)</span>', only) == ["系统故障时留言"]
    assert "已联系" not in page.text  # viewers read only
    token = CSRF_RE.search(page.text).group(1)
    assert web.post(f"/console/requests/{handoff_id}/done", data={"csrf_token": token}).status_code == 403
    web.cookies.clear()
    sign_in(web, "worker1")
    page = web.get("/console/requests")
    token = CSRF_RE.search(page.text).group(1)
    forms = re.findall(r"/console/requests/(\d+)/done", page.text)
    assert len(forms) == 4 and page.text.count("已答复") == 1 and page.text.count("已联系") == 3
    assert web.post(f"/console/requests/{forms[0]}/done", data={}).status_code == 403  # no token
    for item in forms:
        done = web.post(f"/console/requests/{item}/done", data={"csrf_token": token, "note": "已电话答复"})
        assert done.status_code == 200 and "已处理。" in done.text
    assert "没有待处理的求助" in web.get("/console/requests").text
    closed = web.get("/console/requests", params={"status": "all"}).text
    assert "已电话答复" not in closed and closed.count("已处理（worker1") == 4  # notes not shown; who closed it is
    assert web.post("/console/requests/999999/done", data={"csrf_token": token}).status_code == 404
    with app_env.session() as session:
        rows = session.query(HandoffRequest).all()
        assert {(r.status, r.closed_by, r.staff_note) for r in rows} == {("done", "staff:worker1", "已电话答复")}


def test_export_from_the_console_is_masked_and_audited(web, app_env):
    from sqlalchemy import select

    from assistant.tickets.models import TicketExport
    from assistant.tickets.service import file_ticket

    file_ticket(app_env, description="9号楼漏水，电话13912345678", sender_id="web:x", category="物业管理")
    file_ticket(app_env, description="北门垃圾没人收", sender_id="web:y", category="环境卫生")
    sign_in(web, "dispatcher1")
    response = web.get("/console/export", params={"format": "csv", "category": "物业管理"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    assert "139****5678" in text and "13912345678" not in text and "北门垃圾" not in text
    assert web.get("/console/export", params={"unmasked": "1"}).status_code == 403
    assert web.get("/console/export", params={"format": "exe"}).status_code == 422
    with app_env.session() as session:
        audit = session.scalars(select(TicketExport)).all()
    assert [(a.actor, a.role, a.unmasked, a.row_count) for a in audit] == [("staff:dispatcher1", "dispatcher", False, 1)]


def test_bookings_by_day_marked_done_or_no_show(web, app_env, clock):
    from datetime import datetime

    from assistant import clock as project_clock
    from assistant.booking.service import book, get_booking

    clock.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=project_clock.TZ))  # a Tuesday
    past = book(app_env, sender_id="web:amy", service="理发", starts_at=datetime(2026, 3, 9, 15, 0),
                address="幸福路8号", phone="13912345678", now=datetime(2026, 3, 8, 10, 0))
    later = book(app_env, sender_id="web:bob", service="理发", starts_at=datetime(2026, 3, 12, 15, 0),
                 address="幸福路9号", phone="13800001111")
    sign_in(web, "viewer1")
    page = web.get("/console/bookings", params={"day": "2026-03-09"})
    assert past.id in page.text and "139****5678" in page.text and "13912345678" not in page.text
    assert f"/console/bookings/{past.id}/done" not in page.text  # viewers read only
    token = CSRF_RE.search(page.text).group(1)
    assert web.post(f"/console/bookings/{past.id}/done", data={"csrf_token": token}).status_code == 403
    web.cookies.clear()
    sign_in(web, "worker1")
    page = web.get("/console/bookings", params={"day": "2026-03-09", "service": "理发"})
    token = CSRF_RE.search(page.text).group(1)
    assert f"/console/bookings/{past.id}/done" in page.text
    assert web.post(f"/console/bookings/{past.id}/done", data={"day": "2026-03-09"}).status_code == 403  # no token
    done = web.post(f"/console/bookings/{past.id}/no_show", data={"csrf_token": token, "day": "2026-03-09"})
    assert done.status_code == 200 and "已标记为“未到”" in done.text and "worker1" in done.text
    again = web.post(f"/console/bookings/{past.id}/done", data={"csrf_token": token})
    assert again.status_code == 409 and "已经处理过了" in again.text
    page = web.get("/console/bookings", params={"day": "2026-03-12"})
    assert later.id in page.text and f"/console/bookings/{later.id}/done" not in page.text  # not started yet
    early = web.post(f"/console/bookings/{later.id}/done", data={"csrf_token": token})
    assert early.status_code == 409 and "还没到" in early.text
    with app_env.session() as session:
        assert (get_booking(session, past.id).status, get_booking(session, past.id).status_changed_by) == (
            "no_show", "worker1")
    assert web.get("/console/bookings", params={"day": "not-a-day"}).status_code == 200


def test_residents_own_tickets_and_bookings(web, app_env, clock):
    from datetime import datetime

    from assistant import clock as project_clock
    from assistant.booking.service import book
    from assistant.residents import identity
    from assistant.settings import get_settings
    from assistant.tickets.service import file_ticket, transition_ticket

    clock.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=project_clock.TZ))
    resident = "r-" + "a" * 22
    mine = file_ticket(app_env, description="11号楼单元门坏了", sender_id=f"web:{resident}").ticket
    spoken = file_ticket(app_env, description="北门路灯不亮", sender_id=f"voice:{resident}").ticket
    others = file_ticket(app_env, description="别人的事", sender_id="web:r-" + "b" * 22).ticket
    booking = book(app_env, sender_id=f"web:{resident}", service="理发", starts_at=datetime(2026, 3, 12, 15, 0),
                   address="幸福路8号3号楼201室")
    # A first visit has no session yet: nothing to show, and no identity is made for it.
    empty = web.get("/api/v1/web/my-tickets")
    assert empty.json() == {"items": []} and "butler_session" not in empty.cookies
    web.cookies.set(identity.SESSION_COOKIE, identity.issue_session_token(get_settings(), resident), path="/api/v1")
    items = web.get("/api/v1/web/my-tickets").json()["items"]
    assert [i["id"] for i in items] == [spoken.id, mine.id] and others.id not in str(items)
    assert items[1]["words"] == "11号楼单元门坏了" and items[1]["can_rate"] is False
    bookings = web.get("/api/v1/web/my-bookings").json()["items"]
    assert [b["id"] for b in bookings] == [booking.id] and "理发" in bookings[0]["text"]
    url = f"/api/v1/web/my-tickets/{mine.id}/rating"
    assert web.post(url, json={"score": 5}).status_code == 422  # not handled yet
    for action, note in (("派单", None), ("开始处置", None), ("办结", "换了门锁")):
        transition_ticket(app_env, mine.id, action, actor="staff:d", note=note)
    assert web.post(url, data={"score": "5"}).status_code == 415  # a form (another site's) is not taken
    assert web.post(url, json={"score": 9}).status_code == 422
    assert web.post(f"/api/v1/web/my-tickets/{others.id}/rating", json={"score": 1}).status_code == 403
    rated = web.post(url, json={"score": 1, "reason": "门锁还是坏的"})
    assert rated.status_code == 200 and rated.json()["reopened"] is True and "重新打开" in rated.json()["message"]



def test_a_satisfaction_that_only_looks_like_a_number_is_not_a_500(web, app_env):
    """"²".isdigit() is True but int("²") raises (a review found the 500): the console
    reads only ASCII digits, so the transition's own rules answer."""
    from assistant.tickets.service import file_ticket

    ticket = file_ticket(app_env, description="5号楼路灯坏了", sender_id="web:c", address="5号楼").ticket
    sign_in(web, "dispatcher1")
    token = CSRF_RE.search(web.get(f"/console/tickets/{ticket.id}").text).group(1)
    for odd in ("²", "9" * 5000):
        answer = web.post(f"/console/tickets/{ticket.id}/transition",
                          data={"action": "回访", "satisfaction": odd, "csrf_token": token})
        assert answer.status_code in (200, 409), (odd[:5], answer.status_code)


def test_residents_photos_in_the_ticket_detail_for_those_who_handle_it(web, app_env):
    from assistant.tickets import attachments
    from assistant.tickets.service import file_ticket

    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"
    ticket = file_ticket(app_env, description="5号楼门口井盖丢了", sender_id="telegram:7", address="5号楼").ticket
    stored = attachments.store(app_env, jpeg, sender_id="telegram:7", channel="telegram")
    assert stored.ticket_id == ticket.id
    sign_in(web, "worker1")
    page = web.get(f"/console/tickets/{ticket.id}")
    src = f"/console/tickets/{ticket.id}/attachments/{stored.id}"
    assert "居民照片（1）" in page.text and f'src="{src}"' in page.text
    photo = web.get(src)
    assert photo.status_code == 200 and photo.content == jpeg
    assert photo.headers["content-type"] == "image/jpeg" and photo.headers["x-content-type-options"] == "nosniff"
    assert web.get(f"/console/tickets/{ticket.id}/attachments/{stored.id + 1}").status_code == 404
    assert web.get(f"/console/tickets/{ticket.id}/attachments/x").status_code == 404
    web.cookies.clear()
    sign_in(web, "viewer1")
    assert "居民照片" not in web.get(f"/console/tickets/{ticket.id}").text  # a photo cannot be masked
    assert web.get(src).status_code == 403
    web.cookies.clear()
    assert web.get(src, follow_redirects=False).status_code == 303


def test_bad_ids_in_console_paths_are_never_a_500(web, app_env):
    """A photo id the API would refuse ("²" is a digit to isdigit, not to int; 30 digits
    overflow SQLite's integer) is 404 here too; a request id out of range is 422 with
    a stable code, after the CSRF check."""
    from assistant.tickets import attachments
    from assistant.tickets.service import file_ticket

    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64 + b"\xff\xd9"
    ticket = file_ticket(app_env, description="5号楼门口井盖丢了", sender_id="telegram:7", address="5号楼").ticket
    stored = attachments.store(app_env, jpeg, sender_id="telegram:7", channel="telegram")
    sign_in(web, "worker1")
    photo = web.get(f"/console/tickets/{ticket.id}/attachments/{stored.id}")
    assert photo.status_code == 200 and photo.headers["cache-control"] == "private, no-store"
    assert photo.headers["content-disposition"] == f'inline; filename="{ticket.id}-{stored.id}.jpg"'
    for bad in ("²", "1" * 30, "-1", "0"):
        assert web.get(f"/console/tickets/{ticket.id}/attachments/{bad}").status_code == 404, bad
    token = CSRF_RE.search(web.get("/console/requests").text).group(1)
    for bad in ("²", "1" * 30, "-1", str(2**31)):
        assert web.post(f"/console/requests/{bad}/done", data={}).status_code == 403, bad  # CSRF first
        response = web.post(f"/console/requests/{bad}/done", data={"csrf_token": token})
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request", bad
    assert web.post(f"/console/requests/{2**31 - 1}/done", data={"csrf_token": token}).status_code == 404


def test_the_kb_pages_unanswered_senders_are_masked(web, app_env):
    from assistant.kb.unanswered import record_unanswered
    from assistant.web.kb_pages import unanswered_questions

    with app_env.transaction() as session:
        record_unanswered(session, "telegram:654321", "电话13812345678，老年卡在哪里办？")
    [masked] = unanswered_questions(masked=True)
    assert masked["sender"] == "telegram:65***" and masked["question"] == "电话138****5678，老年卡在哪里办？"
    assert unanswered_questions(masked=False)[0]["sender"] == "telegram:654321"
