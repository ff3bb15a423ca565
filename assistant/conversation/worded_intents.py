"""Words whose meaning the conversation knows better than the classifier, sent as the intent
they are with the words kept for the action (``worded_intent``: a read-back corrected or put
off, a ticket's place put right, a cancel said again, the bookings asked for, a cancel by id).
"""

from __future__ import annotations

from assistant.conversation import bookings, reports, state, store


def worded_intent(said: str, memory: store.Memory) -> str | None:
    """The intent payload for words whose meaning the conversation knows better than the
    classifier, or None. One place for all of them, each sent with its words kept:

    - a correction of the booking read-back just asked, with its new value (搞错了，楼号说反了，
      是18号楼): ``/inform``, whatever the classifier hears in it (a report, a question), so
      the read-back takes it (``bookings.corrects_readback``);
    - the cancel said again at 要取消…吗？ (对 取消 / 嗯 取消吧): ``/affirm``, its yes, only when
      it is the cancel alone (``confirms_cancel`` refuses a second request with it, which
      goes on as words to the two-request split or the reschedule reading);
    - a booking id with only a word to cancel it (取消YY…, YY…不要了), not at a yes/no question:
      ``/cancel_booking{"booking_id": …}`` (the round-16 model read such lines as nlu_fallback;
      ``booking.conversation.cancel_by_id``).
    """
    from assistant.booking.conversation import asks_what_booked, cancel_by_id, confirms_cancel

    if bookings.corrects_readback(said, memory.last):
        return "/inform"
    if bookings.hedges_at_readback(said, memory.last):
        # 先这样吧 我回去跟老伴商量商量 at the read-back: not settled, nothing booked; the
        # classifier may hear a goodbye and leave the read-back unanswered.
        return "/deny"
    if reports.corrects_ticket_place(said, memory.last):
        return "/inform"  # 不对 是西边那个 at the ticket's phone question: the ticket's place
    if bookings.asks_to_cancel(memory.last) and confirms_cancel(said):
        return "/affirm"  # 对 取消 / 取消吧 at 要取消…吗？: a yes in the question's own words
    if not state.asks_yes_or_no(memory.options):
        if asks_what_booked(said):
            return "/query_booking"  # 我现在都订了些啥: the bookings listed, never the help menu
        return cancel_by_id(said)
    return None
