"""The "same problem" rule of duplicate linking (issue #12 item 6): objects with their
synonyms, kinds of fault, and what is not known. Where a report is, is not asked here
(tests/tickets/test_duplicate_locations.py covers places and the filing path)."""

from __future__ import annotations

import pytest

from assistant.tickets.duplicates import read_problem, same_problem


@pytest.mark.parametrize(("a", "b"), [
    ("五栋楼道灯不亮", "5号楼楼道灯坏了，黑乎乎的"),  # 不亮 = 坏
    ("38号楼2单元楼道灯坏了", "38栋二单元楼梯灯黑了"),  # 楼道灯 = 楼梯灯
    ("1栋1单元的楼道灯是声控的，喊也不亮", "一栋一单元楼道的声控灯坏了"),
    ("3号楼2单元楼道灯坏了", "三号楼二单元走廊的灯不亮"),
    ("东门保安亭旁边的路灯坏了", "东门岗亭边上那盏灯不亮"),  # a bare 灯 may be the 路灯
    ("33号楼电梯里的灯不亮", "三十三号楼电梯轿厢里的灯坏了"),
    ("40号楼前的排水沟堵了", "四十号楼门口的下水沟堵了，下雨积水"),  # 排水沟 = 下水沟
    ("117号楼门口井盖丢了", "117号楼前面的井盖没了，差点掉下去"),
    ("小区北门垃圾站好几天没清运", "北门那边的垃圾堆成山了，没人收"),  # 垃圾站 / 垃圾
    ("201号楼电梯坏了", "201号楼电梯一直停在三楼不动"),
    ("二十二栋的电梯一直异响", "22号楼电梯老是咯吱咯吱响"),
    ("5栋2单元302室天花板漏水", "五栋二单元三零二室顶上漏水"),
    ("2-1-301楼上漏水", "2号楼1单元301漏水了"),  # no object on one side: the fault decides
    ("37号楼地下室进水了", "三十七号楼负一层进水了"),
    ("14栋701楼上半夜拖椅子", "十四栋七零一，楼上天天半夜拖凳子"),
    ("东区5号楼水压太小，楼上没水", "东区五栋高层水上不去，楼上用不了水"),
    ("5号楼东边的绿化带被人种了菜", "五号楼东侧的草坪被人开荒种菜"),
    ("小区东门有人摆摊卖菜占道", "小区东门有摊贩占了人行道"),
    ("９号楼停水了没通知", "9号楼停水也不提前通知一下"),  # full-width digits
])
def test_the_same_problem(a: str, b: str):
    assert same_problem(a, b)
    assert same_problem(b, a)  # the rule is symmetric


@pytest.mark.parametrize(("a", "b"), [
    ("33号楼电梯灯不亮", "33号楼电梯超载铃乱响"),  # the lift's lamp is not the lift
    ("21号楼门前路灯不亮", "21号楼门前井盖丢了"),  # 门前 is a place, not a problem
    ("3号楼路灯坏了", "3号楼电梯坏了"),
    ("203号楼停水了", "203号楼停电了"),
    ("12栋楼道灯坏了", "十二号楼楼道堆满杂物"),
    ("7号楼1单元电梯异响", "7号楼1单元电梯困人"),  # one object, two faults
    ("15号楼电梯坏了不动", "15号楼电梯里有人抽烟，烟味很大"),
    ("17号楼对面的垃圾桶满了", "17号楼对面的垃圾桶太臭了，离窗户太近"),
    ("11栋楼下的树被人砍了", "11栋楼下的树太高挡光了"),
    ("21号楼路灯不亮", "21号楼路灯的电线裸露在外面"),
    ("6号楼2单元楼道贴小广告", "6号楼2单元有人在楼道里发小广告推销"),
    ("地下车库A区出口积水", "地下车库A区入口积水"),  # the exit is not the entrance
    ("32号楼楼顶水箱漏水", "32号楼楼顶太阳能热水器漏水"),
    ("2号楼302楼上漏水到我家", "2号楼302家里水管漏到楼下202了"),
    ("9号楼601天花板漏水", "9号楼601楼上噪音太大"),
    ("37号楼地下室进水", "37号楼地下室有人住"),
    ("6号楼1楼大厅灯坏了", "6号楼顶楼楼道灯坏了"),  # 大厅的灯 is not the stairwell's
    ("10号楼2单元门禁坏了", "10号楼2单元门禁卡办不了"),
    ("12号楼3单元门口乱扔垃圾", "12号楼3单元门口乱停电动车"),
    ("13号楼楼下烧烤店油烟", "13号楼楼下烧烤店半夜太吵"),
    ("中心花园的树枝断了", "中心花园有人遛狗不拴绳"),
    # Something the tables do not know is not the same as something they know...
    ("5号楼晾衣架坏了", "5号楼电梯坏了"),
    # ...nor as another unknown thing.
    ("5号楼晾衣架坏了", "5号楼秋千架坏了"),
    ("", "5号楼电梯坏了"),
])
def test_different_problems(a: str, b: str):
    assert not same_problem(a, b)
    assert not same_problem(b, a)


def test_two_reports_of_one_unknown_thing_are_the_same_problem():
    assert same_problem("5号楼晾衣架坏了", "五号楼的晾衣架断了")


def test_what_a_report_is_about():
    lamp = read_problem("33号楼电梯里的灯不亮")
    assert lamp.objects == {"电梯灯"} and lamp.faults == {"不亮"}
    lift = read_problem("33号楼电梯超载铃乱响")
    assert lift.objects == {"电梯"} and lift.faults == {"吵"}  # a container, when nothing more specific is said
    assert read_problem("十二号楼三单元门前垃圾扔得满地都是").objects == {"垃圾"}
    # 单元门口 is where, not the door.
    assert read_problem("12号楼3单元门口乱扔垃圾").objects == {"垃圾"}
    assert read_problem("2-1-301楼上漏水").objects == {"天花板"}
    assert not read_problem("2号楼1单元301漏水了").unknown
    assert read_problem("5号楼晾衣架坏了").unknown
