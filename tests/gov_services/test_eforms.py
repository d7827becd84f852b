"""Electronic forms as data: schema checks, the Django form built from a schema, dict validation, display."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from gov_services.catalogue import eforms

pytestmark = pytest.mark.usefixtures("english_messages")


VALID_ID = "11010519491231002X"

FULL_SCHEMA = [
    {"name": "family_size", "type": "integer", "label": "家庭人口数", "label_en": "Household members",
     "required": True, "min": 1, "max": 20},
    {"name": "income", "type": "decimal", "label": "月收入（元）", "min": 0, "max": 100000},
    {"name": "born", "type": "date", "label": "出生日期", "min": "1900-01-01", "max": "2030-12-31"},
    {"name": "kind", "type": "choice", "label": "类别", "choices": [["a", "甲类"], ["b", "乙类"]]},
    {"name": "tags", "type": "multichoice", "label": "困难类型", "choices": [["ill", "因病"], ["old", "年老"]]},
    {"name": "agree", "type": "boolean", "label": "本人承诺所填属实", "required": True},
    {"name": "postcode", "type": "text", "label": "邮编", "pattern": r"\d{6}", "pattern_message": "邮编为6位数字"},
    {"name": "reason", "type": "textarea", "label": "申请理由", "min_length": 2, "max_length": 50,
     "help": "简要说明", "help_en": "In short"},
    {"name": "idn", "type": "id_number", "label": "身份证号"},
    {"name": "tel", "type": "phone", "label": "手机号"},
]


def field(**overrides):
    return {"name": "f", "type": "text", "label": "字段", **overrides}


# ---------------------------------------------------------------------------------------------
# validate_schema
# ---------------------------------------------------------------------------------------------

def test_a_schema_using_every_type_is_valid():
    assert eforms.validate_schema(FULL_SCHEMA) is None


def test_an_empty_schema_means_no_form_and_is_valid():
    assert eforms.validate_schema([]) is None


@pytest.mark.parametrize("schema", [{}, "[]", None, 3])
def test_a_schema_that_is_not_a_list_is_refused(schema):
    with pytest.raises(ValidationError, match="list of fields"):
        eforms.validate_schema(schema)


@pytest.mark.parametrize("bad_field, fragment", [
    ("not a dict", "must be an object"),
    ({"type": "text", "label": "x"}, "name is missing"),
    (field(name="Name"), "lower-case letter"),
    (field(name="1st"), "lower-case letter"),
    (field(name="has-dash"), "lower-case letter"),
    (field(name="a" * 41), "lower-case letter"),
    (field(type="email"), "unknown type “email”"),
    (field(type=None), "unknown type"),
    (field(label=""), "label is missing"),
    (field(label="   "), "label is missing"),
    (field(label="长" * 101), "longer than 100"),
    (field(label_en=3), "“label_en” must be text"),
    (field(help=["x"]), "“help” must be text"),
    (field(required="yes"), "“required” must be true or false"),
    (field(placeholder="x"), "“placeholder” not allowed"),
    (field(choices=[["a", "A"]]), "“choices” not allowed"),
    (field(min=1), "“min” not allowed"),
    (field(type="choice"), "needs “choices”"),
    (field(type="choice", choices=[]), "needs “choices”"),
    (field(type="multichoice", choices="a,b"), "needs “choices”"),
    (field(type="choice", choices=[["a"]]), "choice 1 must be a [value, label] pair"),
    (field(type="choice", choices=[["a", ""]]), "choice 1 must be a [value, label] pair"),
    (field(type="choice", choices=[[1, "一"]]), "choice 1 must be a [value, label] pair"),
    (field(type="choice", choices=[["a", "甲"], ["a", "乙"]]), "“a” appears twice"),
    (field(type="integer", min=1.5), "“min” must be a whole number"),
    (field(type="integer", max=True), "“max” must be a whole number"),
    (field(type="integer", min=5, max=1), "“min” is greater than “max”"),
    (field(type="decimal", min="0"), "“min” must be a number"),
    (field(type="decimal", decimal_places=7), "decimal_places"),
    (field(type="decimal", decimal_places=1.5), "decimal_places"),
    (field(type="date", min="2025/01/01"), "YYYY-MM-DD"),
    (field(type="date", max="2025-02-30"), "YYYY-MM-DD"),
    (field(type="date", min="2025-06-01", max="2025-01-01"), "“min” is greater than “max”"),
    (field(min_length=-1), "“min_length” must be a whole number"),
    (field(max_length=201), "at most 200"),
    (field(type="textarea", max_length=2001), "at most 2000"),
    (field(max_length=0), "at least 1"),
    (field(min_length=5, max_length=2), "“min_length” is greater than “max_length”"),
    (field(pattern="[0-9"), "not a valid regular expression"),
    (field(pattern=""), "non-empty regular expression"),
    (field(pattern_message="x"), "without a “pattern”"),
    (field(type="boolean", pattern=r"\d"), "“pattern” not allowed"),
    (field(type="id_number", max_length=18), "“max_length” not allowed"),
])
def test_a_bad_field_is_reported_with_its_position_and_reason(bad_field, fragment):
    with pytest.raises(ValidationError) as caught:
        eforms.validate_schema([field(name="ok"), bad_field])
    messages = caught.value.messages
    assert any(fragment in m for m in messages), messages
    assert all(m.startswith("Field 2") for m in messages), messages


def test_a_duplicate_name_points_at_the_first_use():
    with pytest.raises(ValidationError) as caught:
        eforms.validate_schema([field(name="a"), field(name="b"), field(name="a")])
    assert caught.value.messages == ["Field 3 “a”: the name is already used by field 1."]


def test_every_problem_in_a_schema_is_listed_not_just_the_first():
    schema = [field(name="Bad"), field(name="x", type="nope"), field(name="y", type="choice"),
              field(name="z", type="integer", min=3, max=1, label="")]
    with pytest.raises(ValidationError) as caught:
        eforms.validate_schema(schema)
    messages = caught.value.messages
    assert len(messages) == 5
    assert [m.split(":")[0] for m in messages] == [
        "Field 1 “Bad”", "Field 2 “x”", "Field 3 “y”", "Field 4 “z”", "Field 4 “z”"]


def test_a_schema_with_too_many_fields_is_refused():
    schema = [field(name=f"f{i}") for i in range(eforms.MAX_FIELDS + 1)]
    with pytest.raises(ValidationError, match="at most 60"):
        eforms.validate_schema(schema)


# ---------------------------------------------------------------------------------------------
# build_form
# ---------------------------------------------------------------------------------------------

def test_build_form_gives_a_real_django_form_with_the_fields_in_schema_order():
    form = eforms.build_form(FULL_SCHEMA)
    assert isinstance(form, forms.Form)
    assert list(form.fields) == [f["name"] for f in FULL_SCHEMA]
    assert form.prefix == "eform"
    assert 'name="eform-family_size"' in form.as_div()


@pytest.mark.parametrize("name, field_class, widget_class", [
    ("family_size", forms.IntegerField, forms.NumberInput),
    ("income", forms.DecimalField, forms.NumberInput),
    ("born", forms.DateField, forms.DateInput),
    ("kind", forms.ChoiceField, forms.Select),
    ("tags", forms.MultipleChoiceField, forms.CheckboxSelectMultiple),
    ("agree", forms.BooleanField, forms.CheckboxInput),
    ("postcode", forms.CharField, forms.TextInput),
    ("reason", forms.CharField, forms.Textarea),
    ("idn", eforms.IdNumberField, forms.TextInput),
    ("tel", eforms.MobileField, forms.TextInput),
])
def test_each_type_becomes_the_matching_django_field(name, field_class, widget_class):
    built = eforms.build_form(FULL_SCHEMA).fields[name]
    assert type(built) is field_class
    assert isinstance(built.widget, widget_class)


def test_rules_of_the_schema_reach_the_django_fields():
    fields = eforms.build_form(FULL_SCHEMA).fields
    assert fields["family_size"].required and (fields["family_size"].min_value, fields["family_size"].max_value) == (1, 20)
    assert not fields["income"].required and fields["income"].decimal_places == 2
    assert fields["born"].widget.input_type == "date"
    assert fields["born"].widget.attrs == {"min": "1900-01-01", "max": "2030-12-31"}
    assert fields["kind"].choices[0][0] == "" and fields["kind"].choices[1:] == [("a", "甲类"), ("b", "乙类")]
    assert fields["reason"].max_length == 50 and fields["reason"].min_length == 2
    assert fields["tel"].widget.input_type == "tel"


def test_labels_are_the_chinese_data_labels():
    with translation.override("zh-hans"):
        form = eforms.build_form(FULL_SCHEMA)
    assert form.fields["family_size"].label == "家庭人口数"
    assert form.fields["reason"].help_text == "简要说明"


def test_labels_switch_to_label_en_in_english_and_fall_back_to_chinese_without_one():
    with translation.override("en"):
        form = eforms.build_form(FULL_SCHEMA)
    assert form.fields["family_size"].label == "Household members"
    assert form.fields["reason"].help_text == "In short"
    assert form.fields["income"].label == "月收入（元）"


def test_a_bound_form_validates_posted_data_under_its_prefix():
    data = {"eform-family_size": "3", "eform-agree": "on", "eform-idn": VALID_ID.lower(),
            "eform-tel": "138 1234 5678", "eform-tags": ["ill", "old"]}
    form = eforms.build_form(FULL_SCHEMA, data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["idn"] == VALID_ID
    assert form.cleaned_data["tel"] == "13812345678"
    assert eforms.to_json_data(FULL_SCHEMA, form.cleaned_data)["tags"] == ["ill", "old"]


def test_an_empty_form_reports_the_required_fields():
    form = eforms.build_form(FULL_SCHEMA, data={})
    assert not form.is_valid()
    assert set(form.errors) == {"family_size", "agree"}


# ---------------------------------------------------------------------------------------------
# clean_form_data
# ---------------------------------------------------------------------------------------------

BASE = {"family_size": 3, "agree": True}


@pytest.mark.parametrize("extra, name, expected", [
    ({"family_size": "4"}, "family_size", 4),
    ({"family_size": 20}, "family_size", 20),
    ({"income": 1200.5}, "income", "1200.5"),
    ({"income": "3000.00"}, "income", "3000.00"),
    ({"income": 0}, "income", "0"),
    ({"born": "1990-02-28"}, "born", "1990-02-28"),
    ({"kind": "b"}, "kind", "b"),
    ({"tags": ["old"]}, "tags", ["old"]),
    ({"tags": "ill"}, "tags", ["ill"]),
    ({"agree": "true"}, "agree", True),
    ({"postcode": "063600"}, "postcode", "063600"),
    ({"reason": "  因病致贫  "}, "reason", "因病致贫"),
    ({"idn": VALID_ID.lower()}, "idn", VALID_ID),
    ({"idn": "１１０１０５１９４９１２３１００２Ｘ"}, "idn", VALID_ID),
    ({"tel": "+86 138-1234-5678"}, "tel", "13812345678"),
])
def test_good_values_come_back_cleaned_and_json_ready(extra, name, expected):
    cleaned = eforms.clean_form_data(FULL_SCHEMA, {**BASE, **extra})
    assert cleaned[name] == expected
    json.dumps(cleaned)


def test_fields_left_out_come_back_empty_of_their_kind():
    cleaned = eforms.clean_form_data(FULL_SCHEMA, BASE)
    assert cleaned == {"family_size": 3, "income": None, "born": None, "kind": "", "tags": [], "agree": True,
                       "postcode": "", "reason": "", "idn": "", "tel": ""}


@pytest.mark.parametrize("extra, name, fragment", [
    ({"family_size": None}, "family_size", ""),
    ({"family_size": 0}, "family_size", "1"),
    ({"family_size": 21}, "family_size", "20"),
    ({"family_size": "three"}, "family_size", ""),
    ({"family_size": 2.5}, "family_size", ""),
    ({"income": -1}, "income", "0"),
    ({"income": "12.345"}, "income", "2"),
    ({"income": "1e3x"}, "income", ""),
    ({"born": "2025-02-30"}, "born", ""),
    ({"born": "1899-12-31"}, "born", "1900-01-01"),
    ({"kind": "z"}, "kind", "z"),
    ({"tags": ["ill", "rich"]}, "tags", "rich"),
    ({"agree": False}, "agree", ""),
    ({"postcode": "63600"}, "postcode", "邮编为6位数字"),
    ({"postcode": "0636001"}, "postcode", "邮编为6位数字"),
    ({"reason": "短"}, "reason", "2"),
    ({"reason": "长" * 51}, "reason", "50"),
    ({"idn": "110105194912310021"}, "idn", "last character does not match"),
    ({"idn": "1101051949123100"}, "idn", "18 characters"),
    ({"tel": "12345678901"}, "tel", "11-digit"),
])
def test_bad_values_are_reported_by_field(extra, name, fragment):
    with pytest.raises(ValidationError) as caught:
        eforms.clean_form_data(FULL_SCHEMA, {**BASE, **extra})
    errors = caught.value.message_dict
    assert list(errors) == [name], errors
    assert fragment in " ".join(errors[name])


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        eforms.clean_form_data(FULL_SCHEMA, {"family_size": 0, "kind": "z", "tel": "1"})
    assert set(caught.value.message_dict) == {"family_size", "kind", "tel", "agree"}


def test_a_key_that_is_not_a_field_is_refused_rather_than_ignored():
    with pytest.raises(ValidationError) as caught:
        eforms.clean_form_data(FULL_SCHEMA, {**BASE, "family_sise": 3})
    assert caught.value.message_dict == {"family_sise": ["This form has no such field."]}


@pytest.mark.parametrize("data", [None, [], "family_size=3"])
def test_data_that_is_not_an_object_is_refused(data):
    with pytest.raises(ValidationError) as caught:
        eforms.clean_form_data(FULL_SCHEMA, data)
    assert "__all__" in caught.value.message_dict


def test_an_item_without_a_form_accepts_only_empty_data():
    assert eforms.clean_form_data([], {}) == {}
    with pytest.raises(ValidationError):
        eforms.clean_form_data([], {"x": 1})


def test_decimal_places_can_be_set_per_field():
    schema = [{"name": "area", "type": "decimal", "label": "面积", "decimal_places": 0}]
    assert eforms.clean_form_data(schema, {"area": "120"}) == {"area": "120"}
    with pytest.raises(ValidationError):
        eforms.clean_form_data(schema, {"area": "120.5"})


# ---------------------------------------------------------------------------------------------
# display_rows
# ---------------------------------------------------------------------------------------------

SUBMITTED = {"family_size": 3, "income": "1200.50", "born": "1990-02-28", "kind": "a", "tags": ["ill", "old"],
             "agree": True, "postcode": "", "reason": "因病", "idn": VALID_ID, "tel": "13812345678"}


def test_display_rows_show_labels_and_readable_values_in_schema_order():
    with translation.override("en"):
        rows = eforms.display_rows(FULL_SCHEMA, SUBMITTED)
    assert rows == [
        ("Household members", "3"), ("月收入（元）", "1200.50"), ("出生日期", "1990-02-28"), ("类别", "甲类"),
        ("困难类型", "因病、年老"), ("本人承诺所填属实", "Yes"), ("邮编", "—"), ("申请理由", "因病"),
        ("身份证号", VALID_ID), ("手机号", "13812345678"),
    ]


def test_display_rows_can_mask_id_and_mobile_numbers():
    rows = dict(eforms.display_rows(FULL_SCHEMA, SUBMITTED, mask=True))
    assert rows["身份证号"] == "110105********002X"
    assert rows["手机号"] == "138****5678"


def test_display_rows_keep_values_the_schema_no_longer_has():
    with translation.override("en"):
        rows = eforms.display_rows([FULL_SCHEMA[0]], {"family_size": 2, "old_field": "旧值", "agree": False})
    assert rows == [("Household members", "2"), ("old_field", "旧值"), ("agree", "No")]


def test_display_rows_show_a_choice_value_the_schema_no_longer_offers_as_it_is():
    assert dict(eforms.display_rows(FULL_SCHEMA, {"kind": "c", "tags": ["ill", "gone"]}))["类别"] == "c"
    assert dict(eforms.display_rows(FULL_SCHEMA, {"tags": ["ill", "gone"]}))["困难类型"] == "因病、gone"


def test_display_rows_of_nothing_submitted_show_dashes_and_no():
    with translation.override("en"):
        rows = dict(eforms.display_rows(FULL_SCHEMA, {}))
    assert rows["Household members"] == "—"
    assert rows["本人承诺所填属实"] == "No"


def test_clean_then_display_round_trip():
    cleaned = eforms.clean_form_data(FULL_SCHEMA, {**BASE, "income": "88.8", "tags": ["old"]})
    with translation.override("en"):
        rows = dict(eforms.display_rows(FULL_SCHEMA, cleaned))
    assert rows["月收入（元）"] == "88.8" and rows["困难类型"] == "年老" and rows["Household members"] == "3"
