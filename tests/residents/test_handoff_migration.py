"""residents_0003 folds the knowledge base's unanswered questions into the hand-off
requests, on SQLite and PostgreSQL: down to residents_0002 (the two tables again, the
questions moved back), rows written the old way, and up again (``assistant.db.upgrade``,
what every process runs at start)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from assistant.db import upgrade
from assistant.settings import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logger"] = False
    return cfg


def test_unanswered_questions_move_into_the_one_list_and_back(any_db):
    from assistant.kb.unanswered import mark_answered, record_unanswered
    from assistant.residents.service import request_handoff

    url = any_db.engine.url.render_as_string(hide_password=False)
    with any_db.transaction() as session:
        request_handoff(session, "web:a", "asked", "转人工")
        question = record_unanswered(session, "web:q", "社区能办护照吗？", best_guess="hj-003").id
        mark_answered(session, question, "已电话答复", by="staff:w1")
    any_db.engine.dispose()

    command.downgrade(alembic_config(url), "residents_0002")
    assert "kb_unanswered_questions" in inspect(any_db.engine).get_table_names()
    with any_db.engine.begin() as conn:
        assert conn.execute(text("SELECT sender_id, question, best_guess, status, staff_note "
                                 "FROM kb_unanswered_questions")).all() == [
            ("web:q", "社区能办护照吗？", "hj-003", "answered", "已电话答复")]
        assert conn.execute(text("SELECT reason FROM handoff_requests")).scalars().all() == ["asked"]
        # Written the old way: one from a resident known already, one from a sender never seen.
        conn.execute(text(
            "INSERT INTO kb_unanswered_questions (sender_id, question, best_guess, status, created_at) VALUES "
            "('web:a', '养狗要登记吗？', NULL, 'open', '2026-03-01 08:00:00+00:00'), "
            "('telegram:77', '垃圾几点收？', 'hw-001', 'open', '2026-03-02 09:30:00+00:00')"))
    any_db.engine.dispose()

    upgrade(url)
    assert "kb_unanswered_questions" not in inspect(any_db.engine).get_table_names()
    with any_db.engine.begin() as conn:
        rows = conn.execute(text(
            "SELECT r.sender_id, h.reason, h.last_message, h.best_guess, h.status, h.staff_note "
            "FROM handoff_requests h JOIN residents r ON r.id = h.resident_id ORDER BY h.id")).all()
        assert [tuple(row) for row in rows] == [
            ("web:a", "asked", "转人工", None, "open", None),
            ("web:q", "unanswered_question", "社区能办护照吗？", "hj-003", "done", "已电话答复"),
            ("web:a", "unanswered_question", "养狗要登记吗？", None, "open", None),
            ("telegram:77", "unanswered_question", "垃圾几点收？", "hw-001", "open", None)]
        senders = conn.execute(text("SELECT sender_id FROM residents ORDER BY sender_id")).scalars().all()
        assert senders == ["telegram:77", "web:a", "web:q"]  # one resident each, none twice
    from assistant.kb.unanswered import list_unanswered

    with any_db.session() as session:
        # In the order residents asked (the moved questions are older than web:q's,
        # although their ids are newer).
        assert [(q.sender_id, q.status) for q in list_unanswered(session, None)] == [
            ("web:q", "answered"), ("telegram:77", "open"), ("web:a", "open")]
