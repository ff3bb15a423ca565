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
