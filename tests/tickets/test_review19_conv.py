"""Review 19 (tickets): degraded mode tells the reporter of their own ticket so, never
已有居民反映过 (#17). New wording, not the review's."""

from __future__ import annotations

from datetime import timedelta

from assistant.tickets import service


# --- #17: degraded mode and the reporter's own ticket ----------------------------------------

def test_degraded_mode_tells_the_reporter_the_ticket_is_their_own(app_env, clock):
    from assistant import degraded
    from assistant.settings import get_settings

    db = app_env
    tid = service.file_ticket(db, description="5号楼北边的路灯不亮了", sender_id="web:rv19d1", address="5号楼",
                              now=clock.now() - timedelta(hours=1)).ticket.id
    own = degraded.respond(db, get_settings(), sender_id="web:rv19d1", text="5号楼北面路灯坏了 晚上走路看不清")
    assert own.ticket_id == tid
    assert "您已经反映过" in own.lines[0] and "已有居民反映" not in own.lines[0]
    other = degraded.respond(db, get_settings(), sender_id="web:rv19d2", text="5号楼北面那盏路灯不亮 黑乎乎的")
    assert other.ticket_id == tid and "已有居民反映" in other.lines[0]
