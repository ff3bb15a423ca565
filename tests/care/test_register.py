"""The care register: entries, devices, masking, and the `butler care` CLI contract."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

from assistant.care.models import CareDevice, CareResident
from assistant.care.service import CareError, CareNotFound, add_device, register, register_rows


def test_register_stores_the_entry_and_masks_it_for_staff(db, clock):
    elder = register(db, name="张秀英", phone="13912345678", address="6号楼3单元201", sender_id="web:r-zhang",
                     grid_worker="李网格", quiet_days=2, window_start="7:30", window_end="09:00",
                     emergency_contacts=["张小明:13800001111:儿子"])
    with db.session() as session:
        stored = session.get(CareResident, elder.id)
        assert (stored.window_start, stored.window_end, stored.quiet_days) == ("07:30", "09:00", 2)
        assert stored.emergency_contacts == [{"name": "张小明", "phone": "13800001111", "relation": "儿子"}]
        [row] = register_rows(session)
    assert row["name"] == "张**" and row["phone"] == "139****5678"
    assert row["emergency_contacts"][0]["phone"] == "138****1111"
    assert row["last_sign_of_life"] is None


@pytest.mark.parametrize("kwargs, words", [
    ({"name": " "}, "姓名"),
    ({"phone": "abc"}, "电话"),
    ({"window_start": "10:00", "window_end": "08:00"}, "先开始后结束"),
    ({"window_start": "25:00"}, "08:00"),
    ({"quiet_days": 0}, "静默天数"),
    ({"emergency_contacts": ["只有名字"]}, "紧急联系人"),
])
def test_bad_entries_are_refused_in_chinese(db, kwargs, words):
    entry = {"name": "王大爷", "phone": "13912345678", "address": "1号楼", **kwargs}
    with pytest.raises(CareError, match=words):
        register(db, **entry)


def test_a_sender_is_registered_once_and_devices_need_a_known_elder(db):
    elder = register(db, name="王大爷", phone="13912345678", address="1号楼", sender_id="web:r-wang")
    with pytest.raises(CareError, match="已经登记过了"):
        register(db, name="王大爷", phone="13912345678", address="1号楼", sender_id="web:r-wang")
    add_device(db, device_id="wm-101", care_id=elder.id, kind="water")
    with pytest.raises(CareError, match="已经登记过了"):
        add_device(db, device_id="wm-101", care_id=elder.id, kind="water")
    with pytest.raises(CareNotFound):
        add_device(db, device_id="door-1", care_id=999, kind="door")
    with pytest.raises(CareError, match="设备类型"):
        add_device(db, device_id="x-1", care_id=elder.id, kind="fridge")
    with pytest.raises(CareError, match="设备号"):
        add_device(db, device_id="a/b", care_id=elder.id, kind="door")


def test_cli_register_prints_the_care_id_and_device_add_maps_a_sensor(app_env, capsys):
    from assistant.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["care", "register", "--name", "赵奶奶", "--phone", "13912345678",
                                 "--address", "9号楼2单元302", "--sender-id", "web:r-zhao",
                                 "--grid-worker", "钱网格", "--quiet-days", "2"])
    assert result.exit_code == 0, result.output
    care_id = int(result.stdout.strip())  # the id alone on stdout (logs go to stderr)
    result = runner.invoke(app, ["care", "device", "add", "door-302", "--care-id", str(care_id), "--kind", "door"])
    assert result.exit_code == 0, result.output
    with app_env.session() as session:
        elder = session.get(CareResident, care_id)
        assert (elder.name, elder.grid_worker, elder.quiet_days) == ("赵奶奶", "钱网格", 2)
        assert session.get(CareDevice, "door-302").care_id == care_id
    bad = runner.invoke(app, ["care", "device", "add", "door-9", "--care-id", str(care_id), "--kind", "tv"])
    assert bad.exit_code == 2 and "设备类型" in bad.output


def test_the_log_never_carries_the_full_name_or_phone(db, monkeypatch):
    """What the service itself hands to the log is masked (the logging set-up masks again;
    the module's logger is replaced by a capturing one, as structlog caches its loggers)."""
    import structlog.testing

    import assistant.care.service as service

    captured = structlog.testing.LogCapture()
    monkeypatch.setattr(service, "log", structlog.wrap_logger(None, processors=[captured]))
    register(db, name="欧阳娜娜", phone="13912345678", address="1号楼", grid_worker="李网格")
    [entry] = [e for e in captured.entries if e["event"] == "care_registered"]
    text = repr(captured.entries)
    assert "13912345678" not in text and "欧阳娜娜" not in text and "李网格" not in text
    assert (entry["name"], entry["phone"], entry["grid_worker"]) == ("欧***", "139****5678", "李**")
