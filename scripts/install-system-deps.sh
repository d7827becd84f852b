#!/usr/bin/env bash
# Install the Debian packages Cunzhan needs, and nothing when they are all present.
#
#   scripts/install-system-deps.sh                 # everything: base + e2e + bench
#   scripts/install-system-deps.sh --for base      # make demo / make test
#   scripts/install-system-deps.sh --for e2e       # + chromium (make e2e)
#   scripts/install-system-deps.sh --for bench     # + wrk (make bench)
#   scripts/install-system-deps.sh --for e2e,bench --for driver
#   scripts/install-system-deps.sh --check         # report only; never installs
#
# Groups ("base" is implied by every other group: the app itself needs it everywhere):
#   base    required   fonts-noto-cjk (CJK serif/sans for PDFs and screenshots), fontconfig (fc-cache),
#                      libpango-1.0-0 + libpangoft2-1.0-0 (WeasyPrint), libharfbuzz-subset0 (WeasyPrint
#                      subsets CJK fonts ~60x faster with it), gettext (compilemessages),
#                      poppler-utils (pdftotext: tests check the text of issued certificate PDFs)
#   e2e     optional   chromium (Playwright drives /usr/bin/chromium; it cannot download its own browser)
#   bench   optional   wrk (load generator; benches fall back to a Python one without it)
#   driver  optional   chromium-driver (only for Selenium-style tools; Playwright does not need it)
#
# Packages are tested with `dpkg -s`. When something is missing and we are root (or passwordless
# sudo works) it runs `apt-get update` once, then `apt-get install -y --no-install-recommends`.
# Otherwise it prints one line naming what is missing and exits 1 if a required package is among
# them, 0 (with a warning) if only optional ones are. Exit 2 on bad usage.
set -euo pipefail

REQUIRED_BASE=(fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext poppler-utils)
OPTIONAL_E2E=(chromium)
OPTIONAL_BENCH=(wrk)
OPTIONAL_DRIVER=(chromium-driver)

me="install-system-deps"
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

groups=()
check_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --for) [ $# -ge 2 ] || { usage >&2; exit 2; }; IFS=',' read -r -a g <<<"$2"; groups+=("${g[@]}"); shift 2 ;;
        --for=*) IFS=',' read -r -a g <<<"${1#--for=}"; groups+=("${g[@]}"); shift ;;
        --check) check_only=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "$me: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[ ${#groups[@]} -gt 0 ] || groups=(base e2e bench)

required=("${REQUIRED_BASE[@]}")
optional=()
for g in "${groups[@]}"; do
    case "$g" in
        base) ;;
        e2e) optional+=("${OPTIONAL_E2E[@]}") ;;
        bench) optional+=("${OPTIONAL_BENCH[@]}") ;;
        driver) optional+=("${OPTIONAL_DRIVER[@]}") ;;
        all) optional+=("${OPTIONAL_E2E[@]}" "${OPTIONAL_BENCH[@]}" "${OPTIONAL_DRIVER[@]}") ;;
        *) echo "$me: unknown group '$g' (use base, e2e, bench, driver or all)" >&2; exit 2 ;;
    esac
done

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'; }

if ! command -v dpkg >/dev/null 2>&1; then
    echo "$me: not a Debian/Ubuntu system (no dpkg); install by hand: ${required[*]} ${optional[*]}" >&2
    exit 1
fi

missing_required=()
missing_optional=()
for p in "${required[@]}"; do installed "$p" || missing_required+=("$p"); done
for p in "${optional[@]}"; do
    installed "$p" || case " ${missing_optional[*]-} " in *" $p "*) ;; *) missing_optional+=("$p") ;; esac
done
missing=("${missing_required[@]}" "${missing_optional[@]}")

if [ ${#missing[@]} -eq 0 ]; then
    echo "$me: all present (${groups[*]})"
    exit 0
fi

# Can we install? root, or sudo without a password prompt (or with one, on a terminal).
as_root=()
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
    as_root=(sudo)
else
    as_root=(none)
fi

if [ $check_only -eq 1 ] || [ "${as_root[*]-}" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    why="not root and no sudo"
    [ $check_only -eq 1 ] && why="--check"
    if [ ${#missing_required[@]} -gt 0 ]; then
        echo "$me: MISSING required Debian packages (${why}): ${missing[*]} — run: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "$me: warning: optional Debian packages missing (${why}): ${missing[*]} — e2e tests skip without chromium, benches use a slower Python load generator without wrk" >&2
    exit 0
fi

echo "$me: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

case " ${missing[*]} " in
    *" fonts-noto-cjk "*|*" fontconfig "*) fc-cache -f ;;
esac

still=()
for p in "${missing[@]}"; do installed "$p" || still+=("$p"); done
if [ ${#still[@]} -gt 0 ]; then
    echo "$me: still missing after apt-get install: ${still[*]}" >&2
    exit 1
fi
echo "$me: installed ${missing[*]}" >&2
