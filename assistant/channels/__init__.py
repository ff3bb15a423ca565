"""What each resident channel can really do, so replies promise only that.

A resident's sender id carries the channel (``web:42``, ``telegram:123``; see
``assistant.dialogue.namespaced_sender``). A day-before booking reminder is sent by
the jobs process (``butler jobs run``, its ``booking-reminders`` job) through a delivery adapter
registered for the channel (``assistant.booking.service.register_reminder_channel``);
without one the reminder is only written to the log. The action server, which says
"前一天我会提醒您", runs in another process and cannot see that registry, so the
channels with a real delivery adapter are declared here, once, and both sides read it.

Telegram delivers them: the jobs process queues a Telegram resident's reminder
in the shared outbox (``assistant.outbox``, ``PUSH_CHANNELS``) and the bot process
sends it, with retries. The web chat only answers requests (it cannot push a
message), and the voice channel and the Wyoming satellite have no push either. A
channel that gets a delivery is switched on here, in the same change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    name: str
    # The butler can send this resident a message they did not ask for (a reminder).
    delivers_reminders: bool


CHANNELS: dict[str, Channel] = {
    "web": Channel("web", delivers_reminders=False),            # request/response only
    "telegram": Channel("telegram", delivers_reminders=True),   # through the shared outbox
    "voice": Channel("voice", delivers_reminders=False),        # answers while the call lasts
    "wyoming": Channel("wyoming", delivers_reminders=False),    # a speaker: no push
    "wechat": Channel("wechat", delivers_reminders=True),       # the 公众号: the outbox, by the customer-service API
}


def channel_of(sender_id: str | None) -> str | None:
    """The channel part of a namespaced sender id (``web`` of ``web:42``)."""
    if not sender_id or ":" not in sender_id:
        return None
    return sender_id.split(":", 1)[0]


def can_receive_reminders(sender_id: str | None) -> bool:
    """Whether a reminder for this resident would really reach them. Unknown or
    missing channels cannot: promising nothing is the honest default."""
    channel = CHANNELS.get(channel_of(sender_id) or "")
    return bool(channel and channel.delivers_reminders)
