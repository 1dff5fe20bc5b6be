#!/usr/bin/env bash
# One-time set-up on a Debian/Ubuntu machine: system packages when missing, then a
# virtual environment with formkit installed. Safe to run again; it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1; then
  tesseract --list-langs 2>/dev/null | grep -qx vie || need_apt+=(tesseract-ocr-vie)
else
  need_apt+=(tesseract-ocr-vie)
fi
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
# Calc's import filter: the tests open the exported workbooks in LibreOffice
[ -e /usr/lib/libreoffice/program/libscfiltlo.so ] || need_apt+=(libreoffice-calc-nogui)
[ -d /usr/share/fonts/truetype/liberation2 ] || need_apt+=(fonts-liberation2)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# the web app's end-to-end tests drive Debian's Chromium through Playwright
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# the store tests run on a throwaway PostgreSQL server too (initdb + pg_ctl, tests/pg.py)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_apt+=(postgresql)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "formkit setup: installing system packages: ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.formkit-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
