"""Which channels may be promised a reminder (assistant/channels.py), for every
channel the gateway knows, and what the booking confirmation says on each."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant import channels
from assistant.booking.models import Booking
from assistant.booking.service import booked_text, book, reminder_promised
from assistant.dialogue import CHANNELS as GATEWAY_CHANNELS

NOW = datetime(2026, 11, 29, 10, 0)  # a Sunday; tests pass it explicitly


def test_every_gateway_channel_has_a_declared_reminder_capability():
    # A new channel must decide here whether it can be promised a reminder.
    assert set(GATEWAY_CHANNELS) == set(channels.CHANNELS)


@pytest.mark.parametrize("channel", sorted(channels.CHANNELS))
def test_only_push_channels_deliver_reminders(channel):
    # The reminders job queues a reminder in the shared outbox for a channel that can
    # receive pushes (Telegram); for the others it only writes it to the log. So only
    # those are promised one, and every push channel is.
    from assistant import outbox

    assert channels.can_receive_reminders(f"{channel}:42") is (channel in outbox.PUSH_CHANNELS)


@pytest.mark.parametrize("sender", [None, "", "42", "sms:42", ":42"])
def test_unknown_or_missing_channels_are_not_promised_anything(sender):
    assert channels.can_receive_reminders(sender) is False


def test_a_channel_that_delivers_is_promised_a_reminder(monkeypatch):
    monkeypatch.setitem(channels.CHANNELS, "telegram", channels.Channel("telegram", delivers_reminders=True))
    assert channels.can_receive_reminders("telegram:42") is True
    assert channels.can_receive_reminders("web:42") is False


def test_booked_text_says_the_reminder_only_when_promised():
    booking = Booking(id="YY202611290001", service="理发", starts_at=datetime(2026, 11, 30, 15), location="上门")
    assert "前一天我会提醒您" in booked_text(booking, remind=True)
    quiet = booked_text(booking, remind=False)
    assert "提醒" not in quiet and "我约了什么" in quiet and "YY202611290001" in quiet


@pytest.mark.parametrize(("channel", "delivers"), [(c, d) for c in sorted(channels.CHANNELS) for d in (False, True)])
def test_reminder_promised_on_every_channel_setting(app_env, monkeypatch, channel, delivers):
    monkeypatch.setitem(channels.CHANNELS, channel, channels.Channel(channel, delivers_reminders=delivers))
    sender = f"{channel}:r1"
    later = book(app_env, sender_id=sender, service="理发", starts_at=datetime(2026, 12, 1, 15), address="1号楼",
                 now=NOW)
    assert reminder_promised(app_env, later.id, sender) is delivers
    # Within two hours of the appointment no reminder is scheduled: none is promised.
    soon = book(app_env, sender_id=sender, service="理发", starts_at=datetime(2026, 11, 30, 9),
                address="1号楼", now=datetime(2026, 11, 30, 8, 0))
    assert reminder_promised(app_env, soon.id, sender) is False
