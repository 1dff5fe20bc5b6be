#!/usr/bin/env bash
# The whole chain on the bundled samples, in this folder's workspace (formkit.toml here).
set -euo pipefail
cd "$(dirname "$0")/.."
FK=.venv/bin/formkit
YEAR=2026

echo "== 1. Forms: survey (20 numbered copies) and register book =="
$FK forms build --form 05-02 --year $YEAR --unit QLCN --copies 20
$FK forms build --form 05-01 --year $YEAR --pages 3

if [ -d scans/samples ] && ls scans/samples/* >/dev/null 2>&1; then
  echo
  echo "== 2. Read the sample scans (bad pages are reported, the batch goes on) =="
  $FK read scans/samples --received 15/06/$YEAR --json exports/read/demo.json || {
    code=$?
    # exit 10 = some pages rejected (the samples include bad files on purpose)
    [ "$code" -eq 10 ] || exit "$code"
  }
fi

echo
echo "Outputs:"
echo "  forms (DOCX, PDF, layouts, serial ledger): exports/forms/"
[ -f exports/read/demo.json ] && echo "  batch report and sheets (JSON):             exports/read/demo.json"
echo "  overlays and crops of every page:           exports/read/<time>/"
