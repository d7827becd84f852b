"""Chinese segmentation for search (core/zh_text.py): pure functions, no database."""

from core import zh_text


def test_segment_splits_han_text_into_words_and_keeps_the_whole_word():
    words = zh_text.segment("个体工商户营业执照").split()
    assert {"营业", "执照", "营业执照", "工商户"} <= set(words)


def test_domain_words_stay_whole():
    assert "新农合" in zh_text.tokens("新农合报销")
    assert "低保" in zh_text.tokens("我家想申请低保")
    assert "最低生活保障" in zh_text.tokens("最低生活保障申请")


def test_punctuation_and_fts_operators_are_dropped():
    words = zh_text.tokens('农村宅基地和建房（规划许可）审批 "x*" -')
    assert all(word.isalnum() or "_" in word for word in words)
    assert "宅基地" in words and "（" not in words and "*" not in "".join(words)


def test_query_terms_drop_stop_words_and_add_synonyms():
    terms = zh_text.query_terms("我想盖房子怎么办")
    assert "我" not in terms and "怎么办" not in terms
    assert {"盖房子", "建房", "宅基地"} <= set(terms)
    assert zh_text.query_terms("低保") == ["低保", "最低生活保障"]


def test_a_query_of_only_stop_words_is_kept_rather_than_emptied():
    assert zh_text.query_terms("怎么办理") == ["怎么", "办理"]


def test_each_term_appears_once():
    terms = zh_text.query_terms("低保 低保 最低生活保障")
    assert len(terms) == len(set(terms))


def test_latin_text_is_lower_cased():
    assert zh_text.tokens("ABC 身份证") == ["abc", "身份", "身份证"]


def test_queries_keep_whole_words_and_the_fine_mode_adds_their_parts():
    assert zh_text.query_terms("上户口", synonyms=False) == ["上户口"]
    assert {"户口", "上户口"} <= set(zh_text.query_terms("上户口", synonyms=False, fine=True))
