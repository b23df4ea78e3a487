#!/usr/bin/env bash
# make demo: a Sichuan node in ./demo-data with the Sichuan sample catalog and a generated
# 4,670-project catalog in the conference's exact mix, then its stats and a few Chinese searches.
# Running it again reuses the node; the imports are then no-ops.
set -euo pipefail
kechuang="$1"
data="${DEMO_DATA:-./demo-data}"
run() { printf '\n$ kechuang %s\n' "$*"; "$kechuang" --data "$data" "$@"; }

if [ -f "$data/kechuang.db" ]; then
  echo "Reusing the node in $data"
else
  run init --node-id sichuan --name "四川省科学技术协会" --region sichuan
fi
run import protocols/examples/sichuan.json
run generate --region sichuan --count 4670 --seed 2024 --out "$data/generated-4670.json"
run import "$data/generated-4670.json"
run stats
run search 毫米波 --limit 3
run search 燃气轮机 --limit 3
run search 先進毫米波 --limit 2          # Traditional script finds Simplified records
run search ＯＲＣ --limit 2              # full-width letters
run search 光 kind:achievement --limit 2   # one character, with a filter
run search 碳捕集 --include-expired --limit 2
run list --kind finance --limit 3
