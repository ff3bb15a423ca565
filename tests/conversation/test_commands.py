"""Slash commands: only the butler's own button payloads (issue #12)."""

from __future__ import annotations

import pytest

from assistant.conversation.commands import (
    is_allowed,
    is_intent_syntax,
    looks_like_command,
    neutralise,
    static_payloads,
)


def test_static_menus_of_the_domain_files_are_allowed():
    payloads = static_payloads()
    assert {"/ask_policy", "/book_service", "/file_complaint", "/request_human"} <= payloads
    assert '/book_service{"service_type": "理发"}' in payloads
    assert is_allowed("/request_human", [])


def test_a_payload_shown_to_this_resident_is_allowed():
    shown = ['/ask_policy{"policy_entry": "hj-001"}']
    assert is_allowed('/ask_policy{"policy_entry": "hj-001"}', shown)
    assert not is_allowed('/ask_policy{"policy_entry": "hj-002"}', shown)


@pytest.mark.parametrize("text", ["/emergency", "/emergency{\"kind\": \"fire\"}", "/checkin", "/restart",
                                  '/book_service{"service_type": "炸弹"}', "／emergency"])
def test_anything_else_is_not_allowed(text):
    assert looks_like_command(text)
    assert not is_allowed(text, ["/affirm"])


@pytest.mark.parametrize("text", ["/emergency", "/request_human", "／emergency", '/book_service{"service_type": "理发"}',
                                  "/ emergency", "/checkin[1]"])
def test_bare_intent_names_are_recognised_as_intent_syntax(text):
    assert is_intent_syntax(text)


@pytest.mark.parametrize("text", ["/我要投诉楼上漏水", "/ 帮我约理发", "//", "/3号楼"])
def test_words_after_a_slash_are_no_intent_syntax_and_lose_the_slash(text):
    assert not is_intent_syntax(text)
    assert not neutralise(text).startswith(("/", "／"))


def test_ordinary_text_is_no_command():
    assert not looks_like_command("我要投诉 /楼上漏水")
