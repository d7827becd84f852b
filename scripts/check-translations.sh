#!/usr/bin/env bash
# Every user-visible string must have a zh-hans translation: re-extract the messages from
# the code and templates, then refuse any untranslated or fuzzy entry.
set -euo pipefail
cd "$(dirname "$0")/.."
PO=locale/zh_Hans/LC_MESSAGES/django.po
.venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete -v0 \
    --ignore=.venv --ignore=var --ignore=tests --ignore=benches --ignore=artifacts
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$PO" 2>&1)
echo "zh-hans catalogue: $stats"
if grep -qE "untranslated|fuzzy" <<<"$stats"; then
    echo "Translate the new strings in $PO (msgattrib --untranslated --only-fuzzy lists them), then make messages."
    exit 1
fi
