"""Round 14: asking whether the work on a report is done (修好了没, 处理完了吗, 解决了吗,
搞定没) or whether the person came (人来了没) is a question about that report, like
派人了吗; asking whether something can be repaired (能修吗, 修不修) or saying it is
done (已经修好了，谢谢) is not."""

import pytest

from assistant.tickets.asking import asks_what_was_done


@pytest.mark.parametrize("text", [
    "那个水管修好了没", "处理完了吗", "事情解决了没有啊", "搞定没", "还没弄好吗", "维修过了吗",
    "你们到底修了没有", "人到了吗", "师傅人来了没", "修好没，我这都等了两天了",
])
def test_asking_whether_the_work_is_done(text):
    assert asks_what_was_done(text)


@pytest.mark.parametrize("text", [
    "已经修好了，谢谢你们", "修好了", "洗衣机能修吗", "这个修不修啊", "修完又坏了",
    "5号楼电梯坏了，修好了吗",  # a new problem, said with a question
    "好了没",  # nothing about a report in it
])
def test_not_asking_about_a_report(text):
    assert not asks_what_was_done(text)
