"""Pinyin initials of Chinese names, for searching as people type at a counter: 户籍证明 → "hjzm"."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def pinyin_initials(name: str) -> str:
    """户籍证明 → "hjzm"; letters and digits in the name are kept (5G 基站 → "5gjz"), the rest dropped."""
    letters = "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default"))
    return re.sub(r"[^0-9a-z]", "", letters.lower())[:120]
