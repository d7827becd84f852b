"""Chinese text for search: segmentation, stop words and synonyms (pure; no ORM, no Django).

Neither SQLite's FTS5 nor PostgreSQL's tsvector segments Chinese: a run of Han characters up to the
next punctuation mark is one token, so "补贴" never finds "农机购置补贴". We segment with jieba on both
sides — at indexing time (portal/zh_search.py's fields) and at query time (its backend) — and join
the words with spaces, which both databases split on. The store's product search (shop/search_words.py)
uses the same segmentation and stop words with its own everyday words for goods (`query_groups`). jieba's search mode also emits the parts of a
long word ("营业执照" → "营业 执照 营业执照"), so a resident's shorter word still matches.

Residents do not type the catalogue's official names: they say 低保 for 最低生活保障, 盖房 for 建房,
生孩子 for 生育. SYNONYMS widens a query with the official words; each guide's own keywords (typed by
editors) cover the rest; a county adds its own (gov_services.SearchSynonym, passed in as `extra`).
Shared by the portal's search backend and the service catalogue's search (counter, online, portal).
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

# Words jieba's dictionary lacks or splits wrongly; without them 新农合 becomes 新农 / 合.
DOMAIN_WORDS = [
    "低保", "最低生活保障", "特困", "临时救助", "高龄津贴", "新农合", "医保", "社保", "社保卡", "一卡通",
    "户籍证明", "居住证明", "居住证", "出生登记", "生育登记", "宅基地", "建房", "危房改造", "营业执照",
    "个体工商户", "工商户", "食品经营许可证", "残疾人证", "服务站", "代办员", "网格员", "便民服务中心",
    "农机购置补贴", "耕地地力保护补贴", "养老保险", "养老金", "无犯罪记录证明", "不动产登记", "家庭医生",
    "慢特病", "结婚登记", "殡葬", "就业创业证", "失业登记", "土地流转", "路灯", "报修",
]

# Words that say nothing about which service is meant; dropped from queries (not from the index).
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "或", "及", "在", "是", "我", "我们", "你", "您", "他", "她", "要", "想", "想要", "能", "能不能", "可以", "怎么", "怎样", "如何", "哪里", "哪儿", "什么", "啥", "去", "到", "办", "办理", "办事", "怎么办", "一下", "吗", "呢", "啊", "吧", "呀", "请问", "需要", "该", "给", "把", "有", "没有", "一个", "个", "本", "这", "那", "开"]
)

# A resident's word → the catalogue's words. Applied to every query word (after segmentation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "低保": ("最低生活保障",),
    "盖房": ("建房", "宅基地"),
    "盖房子": ("建房", "宅基地"),
    "建房子": ("建房", "宅基地"),
    "翻盖": ("建房", "翻建"),
    "生孩子": ("生育", "出生"),
    "生小孩": ("生育", "出生"),
    "怀孕": ("生育",),
    "上户口": ("出生登记", "落户"),
    "落户": ("出生登记", "户籍"),
    "户口": ("户籍",),
    "开店": ("营业执照", "个体工商户"),
    "做生意": ("营业执照", "个体工商户"),
    "开饭馆": ("食品经营许可证", "营业执照"),
    "新农合": ("医保", "城乡居民医保"),
    "看病": ("医保", "报销"),
    "住院": ("医保", "报销"),
    "养老金": ("养老保险", "待遇"),
    "退休": ("养老保险", "待遇"),
    "老人": ("高龄津贴", "养老"),
    "老了": ("高龄津贴", "养老保险"),
    "残疾": ("残疾人",),
    "身份证丢了": ("身份证", "补办"),
    "补办": ("换领", "补换"),
    "找工作": ("就业", "失业登记"),
    "没工作": ("失业登记", "就业"),
    "结婚": ("结婚登记",),
    "去世": ("殡葬",),
    "丧葬": ("殡葬",),
    "准生证": ("生育登记", "生育服务证"),
    "开证明": ("证明",),
    "拖拉机": ("农机购置补贴",),
    "种地": ("耕地地力保护补贴",),
    "停水": ("自来水", "报修"),
    "没电视": ("有线电视", "报修"),
}

_extra_words: set[str] = set()  # words other apps registered (register_words), added to jieba once loaded
_NOT_WORD = re.compile(r"\W+", re.UNICODE)  # punctuation, spaces and FTS operators ("*", '"', "-")
_ready = threading.Lock()
_initialised = False


def initialise() -> None:
    """Load jieba's dictionary (~0.9 s once per process) and our domain words. Safe to call often."""
    global _initialised
    if _initialised:
        return
    with _ready:
        if _initialised:
            return
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        targets = [term for terms in SYNONYMS.values() for term in terms]
        for word in [*DOMAIN_WORDS, *SYNONYMS, *targets, *_extra_words]:
            jieba.add_word(word, freq=20000)
        _initialised = True


def register_words(words) -> None:
    """More dictionary words (another app's synonyms and their targets), so each segments as one word."""
    new = set(words) - _extra_words
    if not new:
        return
    with _ready:
        _extra_words.update(new)
        if _initialised:
            for word in new:
                jieba.add_word(word, freq=20000)


def tokens(text: str, *, fine: bool = True) -> list[str]:
    """The words of `text`, lower-cased, punctuation and spaces dropped, in order. `fine` (jieba's
    search mode, used for the index) also gives the parts of long words; otherwise jieba's precise
    mode gives each word once, as a reader would split the sentence (used for queries)."""
    initialise()
    cut = jieba.cut_for_search(text or "") if fine else jieba.cut(text or "")
    words = (_NOT_WORD.sub("", t).lower() for t in cut)
    return [w for w in words if w]


def segment(text: str) -> str:
    """`text` as space-separated words, for the search index: 营业执照 → "营业 执照 营业执照"."""
    return " ".join(tokens(text))


def query_groups(query: str, *, synonyms: dict[str, tuple[str, ...]] | None = None,
                 extra: dict[str, tuple[str, ...]] | None = None, fine: bool = False,
                 stop_words: frozenset[str] = frozenset()) -> list[list[str]]:
    """The query's words, each with the words that mean the same to a searcher: [[word, synonym, …], …].
    Stop words (ours plus `stop_words`) dropped unless nothing else is left; each word once, in order.
    `synonyms` defaults to the government-service table (SYNONYMS); `extra` (a county's own, kept as data)
    adds to it, its words made dictionary words first so that jieba keeps them whole (养老钱, not 养老 / 钱).
    "低保 户口" → [["低保", "最低生活保障"], ["户口", "户籍"]]."""
    table = SYNONYMS if synonyms is None else synonyms
    if extra:
        register_words(word for word in extra if word in (query or ""))
    words = tokens(query, fine=fine)
    kept = [w for w in words if w not in STOP_WORDS and w not in stop_words] or words
    groups: list[list[str]] = []
    seen: set[str] = set()
    for word in kept:
        if word in seen:
            continue
        group = [term for term in (word, *table.get(word, ()), *(extra or {}).get(word, ())) if term not in seen]
        seen.update(group)
        groups.append(group)
    return groups


def query_terms(query: str, *, synonyms: bool = True, fine: bool = False) -> list[str]:
    """The words to look for when a resident types `query`: segmented (precise mode unless `fine`),
    stop words dropped, widened by SYNONYMS, each word once, in the order first met. A query made
    only of stop words keeps them (better a broad result than none).

    Precise mode keeps "上户口" one word rather than adding its part "户口", which would also find
    户籍证明; the index holds whole words as well as their parts, so whole words still match."""
    # Synonyms are dictionary words (initialise() adds them), so each is one index token.
    return [term for group in query_groups(query, synonyms=None if synonyms else {}, fine=fine) for term in group]
