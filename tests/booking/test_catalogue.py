from __future__ import annotations

import os
import time as clock
from datetime import time

import pytest
import yaml

from assistant.booking.catalogue import (
    DEFAULT_PATH, SERVICE_NAMES, CatalogueError, load_catalogue, parse_catalogue, save_catalogue,
)


def test_all_ten_services_with_every_field(catalogue):
    assert list(catalogue.services) == list(SERVICE_NAMES)
    for service in catalogue.services.values():
        assert service.provider and service.duration > 0 and service.capacity > 0
        assert service.location in ("上门", "社区服务中心")
        assert service.days and service.slot_starts()
    assert catalogue.service("理发").at_home and not catalogue.service("体检").at_home
    assert catalogue.service("法律咨询").free and not catalogue.service("理发").free


def test_slots_follow_working_hours_and_duration(catalogue):
    starts = catalogue.service("理发").slot_starts()   # 09:00-11:30, 13:30-17:00, 30 min
    assert starts[0] == time(9, 0) and time(11, 0) in starts and time(11, 30) not in starts
    assert time(13, 30) in starts and starts[-1] == time(16, 30)
    assert len(starts) == 5 + 7
    # 2-hour cleaning in 08:00-12:00 and 13:00-17:00 -> 4 slots
    assert catalogue.service("保洁").slot_starts() == [time(8), time(10), time(13), time(15)]


def test_eligibility_rule_of_bathing(catalogue):
    rule = catalogue.service("助浴").eligibility
    assert rule.min_age == 70 and rule.disabled
    assert catalogue.service("理发").eligibility is None


@pytest.mark.parametrize(("said", "service"), [
    ("我想预约明天下午三点上门理发", "理发"), ("帮我剪头发", "理发"), ("我要洗澡", "助浴"),
    ("想借场地开会", "场地预约"), ("家里水管坏了要修理", "维修"), ("陪我去医院", "陪诊"),
    ("量血压", "体检"), ("想找律师问问", "法律咨询"), ("打扫卫生", "保洁"), ("订餐", "助餐"),
])
def test_resolve_service_from_words(catalogue, said, service):
    assert catalogue.resolve_service(said).name == service


def test_unknown_service_words(catalogue):
    assert catalogue.resolve_service("我想买菜") is None
    assert catalogue.resolve_service("") is None
    with pytest.raises(CatalogueError):
        catalogue.service("按摩")


def test_describe_is_chinese_and_complete(catalogue):
    text = catalogue.service("理发").describe()
    assert "上门" in text and "周一至周六" in text and "10元" in text
    assert "免费" in catalogue.service("心理咨询").describe()


def _raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["services"].pop("理发"), "missing"),
    (lambda d: d["services"]["理发"].update(hours=["17:00-09:00"]), "end before"),
    (lambda d: d["services"]["理发"].update(hours=["nine to five"]), "working hours"),
    (lambda d: d["services"]["理发"].update(days=[0, 8]), "weekdays"),
    (lambda d: d["services"]["理发"].update(capacity=0), "capacity"),
    (lambda d: d["services"]["理发"].update(location="家里"), "location"),
    (lambda d: d["services"]["理发"].update(colour="red"), "colour"),
    (lambda d: d["services"]["理发"].update(duration=600, hours=["09:00-10:00"]), "no 600-minute slot"),
    (lambda d: d["services"]["保洁"].update(aliases=["剪头发"]), "alias"),
])
def test_bad_edits_are_refused_with_a_reason(edit, message):
    data = _raw()
    edit(data)
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(data)


def test_not_yaml_is_refused():
    with pytest.raises(CatalogueError):
        parse_catalogue("services: [unclosed")
    with pytest.raises(CatalogueError):
        parse_catalogue("- just a list")


def test_round_trip_and_override_file_is_reloaded(tmp_path, catalogue):
    assert parse_catalogue(catalogue.to_yaml()) == catalogue
    target = tmp_path / "booking" / "catalogue.yml"
    edited = catalogue.model_copy(deep=True)
    edited.services["理发"].capacity = 5
    save_catalogue(edited, target)
    assert load_catalogue(target).service("理发").capacity == 5
    # A later edit of the file on disk is picked up without a restart.
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["services"]["理发"]["capacity"] = 7
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    later = clock.time() + 5
    os.utime(target, (later, later))
    assert load_catalogue(target).service("理发").capacity == 7
