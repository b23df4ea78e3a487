#!/usr/bin/env bash
# make demo: the three-region federation on one machine (deploy/federation/run-local.sh).
# Sichuan holds its sample catalog and a generated 4,670-project catalog in the conference's exact
# mix; Beijing and Chongqing their samples and 300 generated projects each. Each node serves its
# signed feed on 127.0.0.1 and pulls the other two; all three reach the same catalog digest.
# Running it again reuses the nodes (the imports are then no-ops). The servers are stopped at the end.
set -euo pipefail
kechuang="$1"
data="${DEMO_DATA:-./demo-data}"
run() { printf '\n$ kechuang %s\n' "$*"; "$kechuang" --data "$data/sichuan" "$@"; }
trap 'deploy/federation/run-local.sh "$kechuang" "$data" stop' EXIT

echo "Starting three nodes (Sichuan, Beijing, Chongqing) on 127.0.0.1:$(( ${PORT_BASE:-8600} + 1 ))–$(( ${PORT_BASE:-8600} + 3 ))…"
deploy/federation/run-local.sh "$kechuang" "$data" start

printf '\nSichuan: the generated conference catalog and the hand-written sample:\n'
python3 - "$data/sichuan-generated.json" protocols/examples/sichuan.json <<'PY'
import collections, json, sys
for path in sys.argv[1:]:
    records = json.load(open(path, encoding="utf-8"))
    kinds = collections.Counter(r["kind"] for r in records)
    finance = collections.Counter(r["product_type"] for r in records if r["kind"] == "finance")
    mix = ", ".join(f"{kind} {kinds[kind]}" for kind in ("achievement", "technology", "challenge", "finance"))
    products = ", ".join(f"{name} {count}" for name, count in finance.most_common())
    print(f"  {path}: {len(records)} projects: {mix} ({products})")
PY

run stats
printf '\n$ kechuang stats --json   (on each node: the same unified catalog)\n'
for node in sichuan beijing chongqing; do
  "$kechuang" --data "$data/$node" stats --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
node, total, clusters, digest = d["node"], d["total"], d["clusters"], d["catalog_digest"]
print(f"  {node:10} {total} records in {clusters} clusters, digest {digest}")'
done
run peer status
run search 毫米波 --limit 3
run search 燃气轮机 --limit 3
run search 先進毫米波 --limit 2          # Traditional script finds Simplified records
run search 碳捕集 --limit 3              # Chongqing's projects, found in Sichuan
run search "D9000PRO" --limit 1         # Beijing's
run search 光 kind:achievement --limit 2   # one character, with a filter
run list --kind finance --limit 3

printf '\nRoadshow: Sichuan plans the conference agenda from every region'"'"'s projects and publishes it.\n'
run roadshow plan --event tianfu-2024 --title "第三届天府科技云服务大会 京川渝科创项目路演" --out "$data/roadshow-plan.json"
run roadshow publish "$data/roadshow-plan.json"
"$kechuang" --data "$data/beijing" sync > /dev/null
printf '\n$ kechuang roadshow show sichuan:~roadshow.tianfu-2024   (on Beijing, after a sync: the same signed agenda)\n'
"$kechuang" --data "$data/beijing" roadshow show sichuan:~roadshow.tianfu-2024 | sed -n 1,8p
printf '  …\n'
"$kechuang" --data "$data/beijing" roadshow show sichuan:~roadshow.tianfu-2024 --html "$data/roadshow.html" > /dev/null
echo "  The printable agenda: $data/roadshow.html (also served at /v1/roadshows/sichuan:~roadshow.tianfu-2024.html)"
