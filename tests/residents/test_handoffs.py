from assistant.residents.service import close_handoff, list_handoffs, remember_contact, request_handoff


def test_handoff_is_recorded_once_per_resident_and_listed(any_db):
    with any_db.session() as session:
        first = request_handoff(session, "web:a", "asked", "帮我找个人")
        again = request_handoff(session, "web:a", "misunderstood", "还是不行")
        assert again.id == first.id and again.last_message == "还是不行"
        request_handoff(session, "telegram:a", "asked", "转人工")
    with any_db.session() as session:
        listed = list_handoffs(session)
        assert [r.sender_id for _, r in listed] == ["telegram:a", "web:a"]
        close_handoff(session, first.id)
    with any_db.session() as session:
        assert [r.sender_id for _, r in list_handoffs(session)] == ["telegram:a"]
        assert len(list_handoffs(session, None)) == 2


def test_contact_details_are_remembered_per_channel_sender(db):
    with db.session() as session:
        remember_contact(session, "web:b", address="3号楼201", phone="13912345678")
        remember_contact(session, "web:b", name="王阿姨")
    with db.session() as session:
        resident = remember_contact(session, "web:b")
        assert (resident.address, resident.phone, resident.name) == ("3号楼201", "13912345678", "王阿姨")


def test_a_call_back_is_promised_only_with_a_phone_to_call(db):
    from assistant.residents.service import handoff_phone, handoff_reply

    with db.session() as session:
        request_handoff(session, "web:c", "asked", "转人工")
        assert handoff_phone(session, "web:c") is None
        remember_contact(session, "web:d", phone="13912345678")
        assert handoff_phone(session, "web:d") == "13912345678"
    without = handoff_reply("好的，给您转人工。", None, service_phone="021-12345678", service_hours="8:30-17:30")
    assert "联系您" not in without and "021-12345678" in without
    with_phone = handoff_reply("好的，给您转人工。", "13912345678", service_phone="021-12345678",
                               service_hours="8:30-17:30")
    assert "尾号5678" in with_phone and "联系您" in with_phone and "13912345678" not in with_phone


def test_the_list_is_in_the_order_residents_asked_not_by_id(any_db):
    """residents_0003 moved older unanswered questions in after newer requests: the
    list follows when each resident asked (ties: the newer id first)."""
    from datetime import datetime, timedelta, timezone

    asked = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)
    with any_db.transaction() as session:
        request_handoff(session, "web:new", "asked", "转人工", now=asked)
        request_handoff(session, "web:old", "unanswered_question", "老年卡在哪里办？", now=asked - timedelta(days=3))
        request_handoff(session, "web:mid", "misunderstood", "那个东西", now=asked - timedelta(days=1))
        request_handoff(session, "web:tie", "asked", "也转人工", now=asked)
    with any_db.session() as session:
        listed = [r.sender_id for _, r in list_handoffs(session, None)]
        assert listed == ["web:tie", "web:new", "web:mid", "web:old"]
        assert [r.sender_id for _, r in list_handoffs(session, None, limit=2)] == ["web:tie", "web:new"]
