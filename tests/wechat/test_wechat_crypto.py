"""Known answers for the adapter over wechatpy (assistant/channels/wechat_api.py): the
vectors of ../shared/PLATFORM_NOTES.md and wechatpy's own tests. A swap of the library,
of its AES backend, or a change of how we call it, that changes a byte fails here."""

from __future__ import annotations

import pytest

from tests.wechat.conftest import WeChatServer, fields, sha1

KAT_TOKEN, KAT_KEY, KAT_ID = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
KAT_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh"
    "6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQq"
    "Gp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7F"
    "S709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=")
KAT_MSG_SIGNATURE, KAT_TIMESTAMP, KAT_NONCE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294"
KAT_ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="


def test_the_url_check_signature_known_answer():
    from assistant.channels.wechat_api import SignatureError, check_signature, signature

    assert signature("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
    check_signature("AAAAA", "f464b24fc39322e44b38aa78f5edd27bd1441696", "1714036504", "1514711492")
    with pytest.raises(SignatureError):
        check_signature("AAAAA", "f464b24fc39322e44b38aa78f5edd27bd1441696", "1714036504", "1514711493")
    with pytest.raises(SignatureError):
        check_signature("AAAAA", "", "1714036504", "1514711492")


@pytest.mark.parametrize("work", [False, True])
def test_safe_mode_decrypts_wechatpys_known_message(work):
    from assistant.channels.wechat_api import Cipher

    xml = Cipher(KAT_TOKEN, KAT_KEY, KAT_ID, work=work).decrypt(KAT_ENCRYPT, KAT_MSG_SIGNATURE, KAT_TIMESTAMP,
                                                                KAT_NONCE)
    message = fields(xml)
    assert (message["Content"], message["FromUserName"], message["MsgId"]) == ("test", "messense",
                                                                               "4363689963896700987")


def test_the_msg_signature_covers_the_encrypted_text_and_the_receive_id_must_be_ours():
    from assistant.channels.wechat_api import Cipher, ReceiveIdError, SignatureError

    cipher = Cipher(KAT_TOKEN, KAT_KEY, KAT_ID)
    tampered = KAT_ENCRYPT[:10] + ("A" if KAT_ENCRYPT[10] != "A" else "B") + KAT_ENCRYPT[11:]
    with pytest.raises(SignatureError):  # signature, timestamp and nonce alone are not enough
        cipher.decrypt(tampered, KAT_MSG_SIGNATURE, KAT_TIMESTAMP, KAT_NONCE)
    with pytest.raises(ReceiveIdError):
        Cipher(KAT_TOKEN, KAT_KEY, "wx0000000000000000").decrypt(KAT_ENCRYPT, KAT_MSG_SIGNATURE, KAT_TIMESTAMP,
                                                                 KAT_NONCE)


def test_wecoms_url_check_echostr_known_answer():
    from assistant.channels.wechat_api import Cipher, SignatureError

    cipher = Cipher(KAT_TOKEN, KAT_KEY, KAT_ID, work=True)
    assert cipher.decrypt(KAT_ECHO, "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425")
    with pytest.raises(SignatureError):
        cipher.decrypt(KAT_ECHO, "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374424")


def test_our_replies_decrypt_with_an_independent_implementation():
    """What the butler encrypts, plain ``cryptography`` decrypts (and the reverse)."""
    from assistant.channels.wechat_api import Cipher, envelope_field

    server = WeChatServer(KAT_TOKEN, KAT_KEY, KAT_ID)
    cipher = Cipher(KAT_TOKEN, KAT_KEY, KAT_ID)
    reply = "<xml><Content><![CDATA[您好，社区管家在。]]></Content></xml>"
    envelope = cipher.encrypt(reply, "461056294", "1411525903").encode()
    encrypt = envelope_field(envelope, "Encrypt")
    assert envelope_field(envelope, "MsgSignature") == sha1(KAT_TOKEN, "1411525903", "461056294", encrypt)
    assert server.decrypt(encrypt) == reply
    theirs = server.encrypt(reply)
    assert cipher.decrypt(theirs, sha1(KAT_TOKEN, "1", "2", theirs), "1", "2") == reply


def test_long_text_is_split_within_wechats_byte_limit():
    from assistant.channels.wechat_api import TEXT_LIMIT_BYTES, split_bytes

    text = "三号楼的路灯已经修好了，请您放心。" * 200
    pieces = split_bytes(text)
    assert len(pieces) > 1 and all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in pieces)
    assert "".join(pieces) == text  # cut after sentences: nothing lost
    assert split_bytes("好" * 5000) and all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in split_bytes("好" * 5000))
