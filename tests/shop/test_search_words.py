"""The store's words for goods (shop/search_words.py) on the portal's segmentation (core/zh_text.py): pure."""

from core import zh_text
from shop.search_words import search_groups


def test_a_shopping_sentence_keeps_only_the_goods():
    assert search_groups("我想买点鸡蛋") == [["鸡蛋"]]


def test_a_residents_word_brings_the_merchants_word():
    assert ["雨鞋", "雨靴"] in search_groups("便宜的雨鞋")
    assert any("电饭煲" in group for group in search_groups("电饭锅"))


def test_a_long_paste_is_cut_and_a_query_of_filler_alone_is_kept():
    assert len(search_groups("鸡蛋 大米 挂面 雨靴 铁锹 水泥 电线 锤子 拐杖")) == 6
    assert search_groups("买") == [["买"]]


def test_the_store_words_do_not_change_the_portals_search():
    assert zh_text.query_terms("低保") == ["低保", "最低生活保障"]
    assert "电饭煲" not in zh_text.query_terms("电饭锅")
