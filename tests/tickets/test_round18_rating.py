"""Round 18 (issue #11, blind14 read): stars counted with the Cantonese measure word 粒
(四粒星) are a score like 四颗星. New wording."""

from __future__ import annotations

import pytest

from assistant.tickets.feedback import explicit_rating, parse_rating


@pytest.mark.parametrize(("said", "score"), [("搞掂咗 畀四粒星", 4), ("一般般啦 两粒星", 2), ("五粒星 多谢晒", 5)])
def test_stars_counted_with_li_are_a_score(said, score):
    assert explicit_rating(said) == score
    assert parse_rating(said) == score


@pytest.mark.parametrize("said", ["买咗三粒糖", "食咗两粒药", "三粒星星贴纸唔见咗"])
def test_other_things_counted_with_li_are_no_score(said):
    assert explicit_rating(said) is None
