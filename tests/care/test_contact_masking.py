"""The register's staff view masks an emergency contact's chat account for the roles
that may not see personal data, as it masks their name and phone."""

from __future__ import annotations

from assistant.care.service import elder_to_dict, register, register_rows


def test_an_emergency_contacts_sender_id_is_masked(db, clock):
    elder = register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang",
                     emergency_contacts=[{"name": "张小明", "phone": "13800001111", "relation": "儿子",
                                          "sender_id": "telegram:987654"},
                                         {"name": "张小红", "phone": "13700002222", "relation": "女儿"}])
    with db.session() as session:
        [row] = register_rows(session)
    son, daughter = row["emergency_contacts"]
    assert son == {"name": "张**", "phone": "138****1111", "relation": "儿子", "sender_id": "telegram:98***"}
    assert daughter["sender_id"] is None  # none given: nothing to mask
    whole = elder_to_dict(elder, None, masked=False)["emergency_contacts"][0]
    assert whole["sender_id"] == "telegram:987654" and whole["phone"] == "13800001111"
