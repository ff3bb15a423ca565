from hypothesis import given
from hypothesis import strategies as st

from assistant.privacy import mask_name, mask_phone, mask_text


def test_mobile_is_masked_to_first_three_and_last_four():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("+86 139-1234-5678") == "139****5678"


def test_names_keep_only_the_family_name():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("") == ""


def test_free_text_masks_phones_and_identity_numbers():
    text = "我叫李四，电话13800138000，身份证310101199001011234，座机021-87654321"
    masked = mask_text(text)
    assert "13800138000" not in masked and "138****8000" in masked
    assert "310101199001011234" not in masked and "310101********4" in masked
    assert "87654321" not in masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_no_mobile_number_survives_masking(phone):
    assert phone not in mask_text(f"联系我 {phone} 谢谢")
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


def test_stdlib_log_records_are_masked_in_message_args_and_tracebacks():
    import logging

    from assistant.log_filter import MaskPersonalData

    stream = __import__("io").StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("test.privacy.stdlib")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("resident %s said %r", "13912345678", "身份证110101199003071234")
        try:
            raise ValueError("bad phone 13700001111")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "139****5678" in out and "110101********4" in out and "137****1111" in out
    assert "13912345678" not in out and "110101199003071234" not in out and "13700001111" not in out


def test_structlog_events_are_masked_whatever_the_key(capsys):
    import structlog

    from assistant.logging import configure_logging
    from assistant.settings import Settings

    previous = structlog.get_config()
    try:
        # configure_logging binds structlog to sys.stderr, which is capsys's file here;
        # the old configuration comes back afterwards, or every logger first used in a
        # later test would write to this test's closed file.
        configure_logging(Settings(log_level="INFO"))
        structlog.get_logger("t").warning("call 13912345678", contact="13800138000", note={"p": "13700001111"})
        err = capsys.readouterr().err
    finally:
        structlog.configure(**previous)
    assert "13912345678" not in err and "13800138000" not in err and "13700001111" not in err
