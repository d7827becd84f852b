#!/usr/bin/env bash
# Fold the zh-hans fragments that parallel work left in locale/fragments/*.po into the one
# catalogue, re-extract, and delete the fragments. Fragments win over empty entries.
set -euo pipefail
cd "$(dirname "$0")/.."
PO=locale/zh_Hans/LC_MESSAGES/django.po
shopt -s nullglob
fragments=(locale/fragments/*.po)
.venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete -v0 \
    --ignore=.venv --ignore=var --ignore=tests --ignore=benches --ignore=artifacts
if ((${#fragments[@]})); then
    # First the catalogue's own translations (and its header), then the fragments, then the rest.
    msgcat --use-first -o "$PO.new" <(msgattrib --translated --no-fuzzy "$PO") "${fragments[@]}" "$PO"
    mv "$PO.new" "$PO"
    .venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete -v0 \
        --ignore=.venv --ignore=var --ignore=tests --ignore=benches --ignore=artifacts
    rm -f "${fragments[@]}"
fi
msgattrib --untranslated "$PO" | grep -c '^msgid' || true
