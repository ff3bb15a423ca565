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
