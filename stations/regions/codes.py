"""Official division codes (统计用区划代码): pure rules, no ORM.

A code has 12 digits in five groups, 2+2+2+3+3: province, city, county, township, village. The last
group that is not zero says the level; zeroing it gives the parent's code. Six- and nine-digit codes
(the county's GB/T 2260 code, a township's nine digits) are the same code with the zeros left off,
so every comparison is made on the twelve-digit form (`canonical`).

At village level the code also tells a residents' committee (居委会, 001–199: a community) from a
villagers' committee (村委会, 200–399: a village); a level written in the file decides where it is given.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, COMMUNITY = "province", "city", "county", "township", "village", "community"
# The level each group's code names; at village level a village or a community.
GROUP_LEVELS = (PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE)
GROUPS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))
LENGTH = 12

# How a file may write a level (lower-cased); the first word of each is what an export writes.
LEVEL_WORDS = {
    PROVINCE: ("省", "省级", "自治区", "直辖市", "province"),
    CITY: ("市", "地级市", "地级", "地区", "自治州", "盟", "city", "prefecture"),
    COUNTY: ("县", "区", "县级市", "县级", "旗", "自治县", "市辖区", "county", "district"),
    TOWNSHIP: ("乡镇", "镇", "乡", "街道", "乡级", "苏木", "township", "town"),
    VILLAGE: ("村", "行政村", "村委会", "村民委员会", "嘎查", "village"),
    COMMUNITY: ("社区", "居委会", "居民委员会", "community"),
}
_WORD_LEVEL = {word: level for level, words in LEVEL_WORDS.items() for word in words}

_DIGITS = re.compile(r"\d{6}|\d{9}|\d{12}")


def canonical(code: str) -> str:
    """"130225" → "130225000000"; ValidationError unless 6, 9 or 12 digits."""
    code = (code or "").strip()
    if not _DIGITS.fullmatch(code):
        raise ValidationError(_("“%(code)s” is not a division code: write its 12 digits (统计用区划代码).")
                              % {"code": code})
    return code.ljust(LENGTH, "0")


def short_forms(code: str) -> set[str]:
    """Every way `code` (canonical) may be stored: with its trailing zero groups left off, too."""
    forms = {code}
    if code[9:] == "000":
        forms.add(code[:9])
    if code[6:] == "000000":
        forms.add(code[:6])
    return forms


def stored_forms(text: str) -> set[str]:
    """The forms in which a code someone typed may be stored ("130225" finds a county stored as
    "130225000000", and the other way round); text that is no division code, as it is."""
    text = (text or "").strip()
    try:
        return short_forms(canonical(text))
    except ValidationError:
        return {text}


def _depth(code: str) -> int:
    """The index in GROUPS of the last group that is not zero; -1 for all zeros."""
    return max((index for index, (start, end) in enumerate(GROUPS) if int(code[start:end])), default=-1)


def structural_level(code: str) -> str:
    """The level the (canonical) code names: province … village (a community is a village here)."""
    depth = _depth(code)
    if depth < 0 or code[:2] == "00":
        raise ValidationError(_("“%(code)s” names no region: its first two digits are the province's.")
                              % {"code": code})
    return GROUP_LEVELS[depth]


def structural_parent(code: str) -> str | None:
    """The code of the region holding `code` (its last non-zero group zeroed); None for a province."""
    depth = _depth(code)
    if depth <= 0:
        return None
    start = GROUPS[depth][0]
    return code[:start] + "0" * (LENGTH - start)


def village_level_by_code(code: str) -> str:
    """A residents' committee (001–199) is a community, anything else at village level a village."""
    return COMMUNITY if 1 <= int(code[9:]) <= 199 else VILLAGE


def same_tier(level: str, other: str) -> bool:
    """Whether two levels sit at the same place in the tree (a village and a community do)."""
    tier = {COMMUNITY: VILLAGE}
    return tier.get(level, level) == tier.get(other, other)


def parse_level(text: str) -> str | None:
    """A level as a file writes it (村, 社区, township …); None when empty; ValidationError when unknown."""
    text = (text or "").strip().lower()
    if not text:
        return None
    level = _WORD_LEVEL.get(text)
    if level is None:
        raise ValidationError(_("“%(level)s” is not a level; write 市, 县, 乡镇, 村 or 社区.") % {"level": text})
    return level


def level_word(level: str) -> str:
    """The word an export writes for `level`."""
    return LEVEL_WORDS[level][0]
