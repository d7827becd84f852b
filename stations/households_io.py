"""Households as a spreadsheet, and the checks every household and member passes, however it arrives.

One row per member; the rows of one household share its station code, grid and house number (they need
not be next to each other). The household's own columns are read from its first row; later rows leave
them empty or repeat the same values. A household with no members listed is one row with the member
columns empty. Headers in Chinese (the export's) or English, in any order; unknown columns are ignored.

| column | content |
| --- | --- |
| 服务站编码 station | required: the station's code, within the importer's region |
| 网格 grid | required: the grid's name at that station (the grid must exist) |
| 门牌号 house number | required; with station and grid, the household's key: re-importing updates it |
| 户主姓名 head | required on a household's first row |
| 联系电话 phone | a mainland mobile number, or empty |
| 独居老人 / 残疾成员 / 低收入 | 是 / 否 (also Y/N, yes/no, 1/0); empty: 否 |
| 成员姓名 member | the member's name |
| 身份证号 ID number | 18 characters, GB 11643 check character; required for a member |
| 与户主关系 relation | 户主 / 配偶 / 子女 / 儿媳 / 女婿 / 孙子女 / 父母 / 祖父母 / 兄弟姐妹 / 其他 (and 儿子, 长女, 母亲 …) |
| 成员电话 member phone | a mainland mobile number, or empty |

The members in the file are the household's whole list: re-importing with a member left out removes
them. Households not in the file are left alone.

No ORM here: `parse_rows` turns a table into households and problems; the service resolves stations
and grids and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.spreadsheets import Caps, Column, HeaderMap, Problem, Table, code_text, map_headers
from core.validators import validate_id_number, validate_mobile
from stations.models import Household, HouseholdMember

Relation = HouseholdMember.Relation

HOUSEHOLD_KEYS = ("station", "grid", "house_number")
HOUSEHOLD_FIELDS = ("head_name", "phone", *Household.CARE_FLAGS)
MEMBER_FIELDS = ("member_name", "id_number", "relation", "member_phone")

COLUMNS = [Column(key, header, aliases, required=key in (*HOUSEHOLD_KEYS, "head_name")) for key, header, aliases in [
    ("station", "服务站编码", ("服务站", "站点编码", "station", "station code", "station_code")),
    ("grid", "网格", ("网格名称", "grid", "grid name")),
    ("house_number", "门牌号", ("户号", "门牌", "house number", "house_number", "house no")),
    ("head_name", "户主姓名", ("户主", "head", "head name", "head_name", "head of household")),
    ("phone", "联系电话", ("电话", "户联系电话", "phone", "contact phone")),
    ("elderly_alone", "独居老人", ("是否独居老人", "elderly alone", "elderly_alone")),
    ("disabled_member", "残疾成员", ("有残疾成员", "是否有残疾人", "disabled", "disabled member", "disabled_member")),
    ("low_income", "低收入", ("低保", "低收入户", "low income", "low_income")),
    ("member_name", "成员姓名", ("姓名", "成员", "member", "member name", "member_name", "name")),
    ("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证", "id number", "id_number", "id card number")),
    ("relation", "与户主关系", ("关系", "relation", "relation to head")),
    ("member_phone", "成员电话", ("成员手机", "手机号", "member phone", "member_phone")),
]]
# A village of a few thousand people in one file; a member row is short.
CAPS = Caps(max_bytes=5 * 2**20, max_rows=20_000, max_columns=30, max_cell_chars=200)

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗", "无", ""}

# How household registers (户口簿) and people write the relation, → Relation.
RELATION_WORDS = {
    Relation.HEAD: ("户主", "本人"),
    Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫"),
    Relation.CHILD: ("子女", "子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女", "三女", "养子", "养女"),
    Relation.CHILD_IN_LAW: ("儿媳", "女婿", "儿媳妇"),
    Relation.GRANDCHILD: ("孙子女", "孙子", "孙女", "外孙子", "外孙女", "外孙"),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母", "继父", "继母"),
    Relation.GRANDPARENT: ("祖父母", "祖父", "祖母", "外祖父", "外祖母"),
    Relation.SIBLING: ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.OTHER: ("其他", "其他亲属", "其它"),
}
_RELATIONS = {word: relation for relation, words in RELATION_WORDS.items() for word in words}
# The file format is Chinese whatever the screen's language: the first word of each is what the export writes.
RELATION_LABELS = {relation: words[0] for relation, words in RELATION_WORDS.items()}


# ---------------------------------------------------------------------------------------------
# The checks: text in, clean value out, ValidationError keyed by field
# ---------------------------------------------------------------------------------------------

def clean_household(*, head_name: str, phone: str, **flags: bool) -> dict:
    """A household's own values, normalised: the head's name required, the contact phone a mobile number."""
    head_name = " ".join((head_name or "").split())
    errors = {}
    if not head_name:
        errors["head_name"] = _("Give the name of the head of household.")
    elif len(head_name) > 60:
        errors["head_name"] = _("A name has at most 60 characters.")
    phone = _optional_mobile(phone, errors)
    if errors:
        raise ValidationError(errors)
    return {"head_name": head_name, "phone": phone, **{flag: bool(flags.get(flag)) for flag in Household.CARE_FLAGS}}


def _optional_mobile(phone: str | None, errors: dict) -> str:
    """A valid mobile number or "" for none; a wrong one goes into `errors` under "phone"."""
    try:
        return validate_mobile(phone) if (phone or "").strip() else ""
    except ValidationError as error:
        errors["phone"] = error.messages
        return phone


def clean_member(*, name: str, id_number: str, relation: str, phone: str = "") -> dict:
    """One member, normalised: name, a valid ID number (GB 11643), a known relation, a mobile number or none."""
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the member's name.")]
    elif len(name) > 60:
        errors["name"] = [_("A name has at most 60 characters.")]
    try:
        id_number = validate_id_number(id_number or "")
    except ValidationError as error:
        errors["id_number"] = error.messages
    if relation not in Relation.values:
        errors["relation"] = [_("Choose how the member is related to the head of household.")]
    phone = _optional_mobile(phone, errors)
    if errors:
        raise ValidationError(errors)
    return {"name": name, "id_number": id_number, "relation": relation, "phone": phone}


def check_members(*, head_name: str, members: list[dict]) -> dict[str, str]:
    """What is wrong with a household's members as a whole (field → message): the same ID number twice,
    two heads, a head whose name is not the household's head."""
    problems = {}
    numbers = [member["id_number"] for member in members]
    if len(numbers) != len(set(numbers)):
        problems["id_number"] = _("The same ID card number is listed twice in this household.")
    heads = [member for member in members if member["relation"] == Relation.HEAD]
    if len(heads) > 1:
        problems["relation"] = _("A household has one head; %(count)d members are marked 户主.") % {"count": len(heads)}
    elif heads and heads[0]["name"] != head_name:
        problems["head_name"] = _("The head of household is “%(head)s”, but the member marked 户主 is “%(name)s”.") \
            % {"head": head_name, "name": heads[0]["name"]}
    return problems


def parse_relation(text: str) -> str:
    word = (text or "").strip()
    if word in _RELATIONS:
        return _RELATIONS[word]
    if word.lower() in Relation.values:
        return word.lower()
    for value, label in Relation.choices:  # the label in the active language
        if word.lower() == str(label).lower():
            return value
    raise ValidationError(_("Unknown relation “%(value)s”; use one of %(choices)s.")
                          % {"value": text, "choices": "、".join(RELATION_LABELS.values())})


def parse_bool(text: str) -> bool:
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("“%(value)s” is not 是 or 否.") % {"value": text})


# ---------------------------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------------------------

@dataclass
class ParsedHousehold:
    key: tuple[str, str, str]  # station code, grid name, house number
    lines: list[int]
    values: dict  # clean_household's values
    members: list[dict] = field(default_factory=list)  # clean_member's values

    @property
    def code(self) -> str:
        """How the report names the household: station, grid and house number (never a person)."""
        return " ".join(self.key)


def parse_rows(table: Table) -> tuple[list[ParsedHousehold], list[Problem], HeaderMap]:
    """The households of a table, every problem (line, column as the file names it, message), and where
    the file has which column (with those that are not ours: `.ignored`)."""
    columns = map_headers(table.headers, COLUMNS)
    if columns.problems:
        return [], columns.problems, columns
    households: dict[tuple, ParsedHousehold] = {}
    first_cells: dict[tuple, dict] = {}
    broken: set[tuple] = set()  # households whose first row is wrong: their later rows are checked as members only
    problems: list[Problem] = []
    for line, cells in table.rows:
        text = {key: columns.cell(cells, key).strip() for key in columns.index}
        row_problems: list[Problem] = []

        def problem(key: str, message: str, line=line, row_problems=row_problems) -> None:
            row_problems.append(Problem(line, columns.label(key), message))

        key = _key(text, problem)
        member = _member(text, problem)
        if key is None:
            problems += row_problems
            continue
        household = households.get(key)
        if household is not None:
            household.lines.append(line)
            _check_repeated(text, first_cells[key], household.lines[0], problem)
        elif key not in broken:
            values = _household_values(text, problem)
            if values is None:
                broken.add(key)
            else:
                household = households[key] = ParsedHousehold(key=key, lines=[line], values=values)
                first_cells[key] = {k: text.get(k, "") for k in HOUSEHOLD_FIELDS}
        if household is not None and member is not None:
            household.members.append({**member, "line": line})
        problems += row_problems
    problems += _check_households(households.values(), columns)
    order = columns.order()
    problems.sort(key=lambda p: (p.line or 0, order.get(p.column, len(order))))
    return list(households.values()), problems, columns


def _key(text: dict, problem) -> tuple[str, str, str] | None:
    values = []
    for key in HOUSEHOLD_KEYS:
        try:
            value = code_text(text.get(key, ""))
        except ValidationError as error:
            problem(key, error.messages[0])
            return None
        if not value:
            problem(key, _("This column is required."))
            return None
        if len(value) > {"station": 20, "grid": 60, "house_number": 20}[key]:
            problem(key, _("“%(value)s” is too long.") % {"value": value})
            return None
        values.append(value)
    return tuple(values)


def _household_values(text: dict, problem) -> dict | None:
    flags = {}
    for flag in Household.CARE_FLAGS:
        try:
            flags[flag] = parse_bool(text.get(flag, ""))
        except ValidationError as error:
            problem(flag, error.messages[0])
    try:
        values = clean_household(head_name=text.get("head_name", ""), phone=text.get("phone", ""), **flags)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            problem(key, messages[0])
        return None
    return values if len(flags) == len(Household.CARE_FLAGS) else None


def _member(text: dict, problem) -> dict | None:
    if not any(text.get(key) for key in MEMBER_FIELDS):
        return None
    try:
        relation = parse_relation(text.get("relation", ""))
    except ValidationError as error:
        problem("relation", error.messages[0])
        relation = None
    try:
        id_number = code_text(text.get("id_number", ""))
    except ValidationError as error:
        problem("id_number", error.messages[0])
        return None
    try:
        member = clean_member(name=text.get("member_name", ""), id_number=id_number,
                              relation=relation or Relation.OTHER, phone=text.get("member_phone", ""))
    except ValidationError as error:
        columns = {"name": "member_name", "phone": "member_phone"}
        for key, messages in error.message_dict.items():
            problem(columns.get(key, key), messages[0])
        return None
    return member if relation else None


def _check_repeated(text: dict, first: dict, first_line: int, problem) -> None:
    """A later row of a household leaves its columns empty or repeats the first row's values."""
    for key in HOUSEHOLD_FIELDS:
        value = text.get(key, "")
        if value and value != first.get(key, ""):
            problem(key, _("“%(value)s” differs from line %(line)d of the same household; give a household's "
                           "values once, or the same on each of its rows.") % {"value": value, "line": first_line})


def _check_households(households, columns) -> list[Problem]:
    problems = []
    seen: dict[str, tuple[int, tuple]] = {}  # ID number → its first line and household
    for household in households:
        for key, message in check_members(head_name=household.values["head_name"], members=household.members).items():
            if key != "id_number":  # a repeated number is reported below, on the line that repeats it
                problems.append(Problem(household.lines[0], columns.label(key), message))
        for member in household.members:
            line, owner = seen.setdefault(member["id_number"], (member["line"], household.key))
            if line == member["line"]:
                continue
            message = (_("The same ID card number is on line %(line)d of this household.") if owner == household.key
                       else _("This ID card number is listed in another household too (line %(line)d)."))
            problems.append(Problem(member["line"], columns.label("id_number"), message % {"line": line}))
    return problems
