#!/usr/bin/env bash
# The whole chain on the bundled samples, in a fresh demo workspace (demo/, rebuilt each run):
# forms → read scans → register → review workbook → annual report → sealed archive.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FK="$ROOT/.venv/bin/formkit"
YEAR=2026
WS="$ROOT/demo"
rm -rf "$WS"
mkdir -p "$WS"
cd "$WS"
step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

step "0. Workspace with the Đắk Lắk defaults"
"$FK" init

step "1. Forms: survey with 20 numbered copies, register book of 3 pages"
"$FK" forms build --form 05-02 --year $YEAR --unit QLCN --copies 20
"$FK" forms build --form 05-01 --year $YEAR --pages 3

step "2. Read the sample scans (the bad files among them are reported; the batch goes on)"
set +e
"$FK" read "$ROOT/scans/samples" --received 15/06/$YEAR --json "$WS/exports/read/demo.json"
code=$?
set -e
# exit 10 = some pages rejected: the samples include bad files on purpose
if [ "$code" -ne 0 ] && [ "$code" -ne 10 ]; then exit "$code"; fi
echo "(reading it again adds nothing twice:)"
"$FK" read "$ROOT/scans/samples" --received 15/06/$YEAR --no-ocr >/dev/null || true

step "3. Register: an Excel/CSV register and the online survey exports"
"$FK" register import "$ROOT/examples/so_ghi_nhan_$YEAR.csv"
"$FK" register add --date 02/10/$YEAR --customer "Bà Hồ Thị Mai" \
  --content "Đề nghị bố trí thêm chỗ ngồi chờ tại bộ phận một cửa" \
  --receiver "Nguyễn Thị Hoa" --unit VP --source tiep_dan
"$FK" responses import "$ROOT/examples/google_forms_$YEAR.csv" --channel google_forms \
  --mapping "$ROOT/examples/google_forms_mapping.yaml"
"$FK" responses import "$ROOT/examples/google_forms_$((YEAR - 1)).csv" --channel google_forms \
  --mapping "$ROOT/examples/google_forms_mapping.yaml"
"$FK" register from-surveys --year $YEAR   # reviewed "Ý kiến khác" comments of the sheets
"$FK" register classify
"$FK" export register --year $YEAR

step "4. Review: what the reader was not sure of, as a workbook for office staff"
"$FK" review export "$WS/exports/review/duyet_phieu_$YEAR.xlsx"

step "5. Annual evaluation: summary workbook and report (DOCX + PDF)"
"$FK" report --year $YEAR --preview

step "6. Seal the year for ISO retention and verify the archive"
# the samples leave readings waiting for review: sealing is refused (exit 9) until they are
# decided, as it must be; the demo shows the refusal and goes on
set +e
"$FK" archive --year $YEAR
code=$?
set -e
if [ "$code" -eq 0 ]; then
  "$FK" archive verify "$WS/exports/$YEAR/archive"
elif [ "$code" -ne 9 ]; then
  exit "$code"
fi
"$FK" retention

step "Where everything is"
cat <<EOT
  workspace (formkit.toml, formkit.db):       $WS
  forms (DOCX master, numbered PDF, layouts): $WS/exports/forms/
  batch report and sheets (JSON):             $WS/exports/read/demo.json
  overlays and crops of every page:           $WS/exports/read/<time>/
  register workbook:                          $WS/exports/$YEAR/BM.QT.SCT.05-01_$YEAR.xlsx
  review workbook:                            $WS/exports/review/
  summary workbook and report:                $WS/exports/$YEAR/
  sealed archive (manifest.json):             $WS/exports/$YEAR/archive/
EOT
