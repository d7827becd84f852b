"""How residents name goods, for the store's search (pure; no ORM): the portal's Chinese segmentation
(core/zh_text.py, jieba) with the store's own everyday words.

A resident types 电饭锅 for 电饭煲, 雨鞋 for 雨靴, 地瓜 for 红薯, and whole sentences — "我想买点鸡蛋".
The query is cut into words, words that say nothing about the goods are dropped (the portal's stop
words and "买", "便宜", …), and each word is widened by SYNONYMS: a product matches a word when its
title or description contains the word or one of its synonyms, and ranks by how many words it matches.
"""

from __future__ import annotations

from core import zh_text

# A resident's word → what merchants call it in their titles.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "电饭锅": ("电饭煲",),
    "饭锅": ("电饭煲",),
    "雨鞋": ("雨靴",),
    "胶鞋": ("雨靴",),
    "水鞋": ("雨靴",),
    "地瓜": ("红薯",),
    "白薯": ("红薯",),
    "番薯": ("红薯",),
    "鸡子儿": ("鸡蛋",),
    "蛋": ("鸡蛋", "鸭蛋"),
    "米": ("大米",),
    "面条": ("挂面",),
    "面": ("挂面",),
    "老花眼镜": ("老花镜",),
    "眼镜": ("老花镜",),
    "拐棍": ("拐杖",),
    "血压仪": ("血压计",),
    "量血压": ("血压计",),
    "测血糖": ("血糖仪",),
    "灯": ("灯泡",),
    "电灯泡": ("灯泡",),
    "水管子": ("水管",),
    "铁锨": ("铁锹",),
    "锨": ("铁锹",),
    "秋裤": ("秋衣秋裤",),
    "秋衣": ("秋衣秋裤",),
    "手套子": ("手套",),
    "瓜": ("甜瓜",),
    "香瓜": ("甜瓜",),
    "桃子": ("鲜桃", "桃"),
    "虾米": ("海米",),
    "海带丝": ("干海带",),
}

# Words in a shopping sentence that are not the goods.
STOP_WORDS = frozenset(["买", "买点", "卖", "购买", "便宜", "便宜的", "好的", "点", "一点", "些", "一些", "有没有", "多少钱", "价格", "商品", "东西"])

zh_text.register_words([*SYNONYMS, *(t for terms in SYNONYMS.values() for t in terms)])


def search_groups(query: str, *, limit: int = 6) -> list[list[str]]:
    """The query's words, each with its alternatives, at most `limit` words (a pasted paragraph is cut)."""
    return zh_text.query_groups(query, synonyms=SYNONYMS, stop_words=STOP_WORDS, fine=True)[:limit]
