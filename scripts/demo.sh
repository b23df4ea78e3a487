#!/usr/bin/env bash
# make demo: the whole three-region federation on one machine (deploy/federation/run-local.sh).
# Sichuan holds its sample catalog and the conference's 4,670 generated projects; Beijing and
# Chongqing their samples and 1,000 generated projects each. Each node has its own keys, serves its
# signed feed, the API and the web page on 127.0.0.1:8601–8603, pins the other two and pulls them.
# The demo prints the unified catalog per region and kind, the strongest cross-region matches, a
# roadshow planned and published by Sichuan as the others see it, a deal recorded by two regions,
# the funnel and each node's web address; then it keeps the nodes running until Ctrl-C and stops
# all three. `make demo ARGS=--once` (or a standard input that is not a terminal) prints and stops.
# Running it again reuses the nodes (the imports are then no-ops).
set -euo pipefail
kechuang="$1"
shift
once=0
for argument in "$@"; do
  case "$argument" in
    --once) once=1 ;;
    *) echo "demo: unknown argument $argument (--once prints and stops)" >&2; exit 2 ;;
  esac
done
[ -t 0 ] || once=1
data="${DEMO_DATA:-./demo-data}"
base="${PORT_BASE:-8600}"
export GENERATED_OTHERS="${GENERATED_OTHERS:-1000}"
on() { local node="$1"; shift; printf '\n$ kechuang %s   (on %s)\n' "$*" "$node"; "$kechuang" --data "$data/$node" "$@"; }
stopped=0
stop() {
  [ "$stopped" = 1 ] && return
  stopped=1
  echo
  echo "Stopping the three nodes…"
  deploy/federation/run-local.sh "$kechuang" "$data" stop
  echo "Stopped."
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "Starting three nodes (Sichuan, Beijing, Chongqing) on 127.0.0.1:$((base + 1))–$((base + 3))…"
deploy/federation/run-local.sh "$kechuang" "$data" start

printf '\nThe unified catalog on each node (every node holds the same):\n'
for node in sichuan beijing chongqing; do
  "$kechuang" --data "$data/$node" stats --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
node, total, clusters, digest = d["node"], d["total"], d["clusters"], d["catalog_digest"]
print(f"  {node:10} {total} records in {clusters} projects, digest {digest[:16]}…")'
done
printf '\nThe federation'"'"'s records per region (of the organisation) and kind, as Sichuan holds them:\n'
"$kechuang" --data "$data/sichuan" dump | python3 -c '
import collections, json, sys
records = json.load(sys.stdin)
kinds = ["achievement", "technology", "challenge", "finance"]
labels = {"achievement": "成果", "technology": "技术", "challenge": "难题", "finance": "金融"}
table = collections.defaultdict(collections.Counter)
for record in records:
    table[record["organization"]["region"]][record["kind"]] += 1
print("  " + "region".ljust(12) + "".join(labels[k].rjust(7) for k in kinds) + "   total")
for region in sorted(table, key=lambda r: -sum(table[r].values())):
    row = table[region]
    print("  " + region.ljust(12) + "".join(str(row[k]).rjust(9) for k in kinds) + str(sum(row.values())).rjust(9))
'

on sichuan search 先進毫米波 --limit 2          # Traditional script finds Simplified records
on sichuan search 碳捕集 --limit 2              # Chongqing's projects, found in Sichuan

printf '\nThe strongest cross-region matches, with reasons:\n'
on sichuan match --all --cross-region --limit 3

printf '\nRoadshow: Sichuan plans the conference agenda from every region'"'"'s projects and publishes it.\n'
on sichuan roadshow plan --event tianfu-2024 --title "第三届天府科技云服务大会 京川渝科创项目路演" --out "$data/roadshow-plan.json"
on sichuan roadshow publish "$data/roadshow-plan.json"
for node in beijing chongqing; do "$kechuang" --data "$data/$node" sync > /dev/null; done
on beijing roadshow show sichuan:~roadshow.tianfu-2024 | sed -n 1,8p
printf '  …\n'

printf '\nA deal recorded by two regions: Chongqing records it, Sichuan records the same deal, every node merges them.\n'
if ! "$kechuang" --data "$data/chongqing" deal show chongqing:~deal.demo-1 > /dev/null 2>&1; then
  on chongqing deal create --demand cq-chal-002 --supply sichuan:sc-ach-001 --agent 王芳 --amount 1200000.00 --contract CQ-SC-2026-01 --id demo-1
  "$kechuang" --data "$data/sichuan" sync > /dev/null
  on sichuan deal create --demand chongqing:cq-chal-002 --supply sc-ach-001 --same-as chongqing:~deal.demo-1 --id demo-7
  on sichuan deal advance demo-7 signing --note 现场签约
fi
for node in beijing chongqing; do "$kechuang" --data "$data/$node" sync > /dev/null; done
on beijing deal show chongqing:~deal.demo-1
on beijing funnel

printf '\nEach node'"'"'s web page (搜索, 匹配, 路演, 成果转化与漏斗, 联盟状态):\n'
for node in sichuan beijing chongqing; do
  port=$((base + 1))
  [ "$node" = beijing ] && port=$((base + 2))
  [ "$node" = chongqing ] && port=$((base + 3))
  printf '  %-10s http://127.0.0.1:%s/\n' "$node" "$port"
done

if [ "$once" = 1 ]; then
  exit 0
fi
echo
echo "The three nodes keep running (they sync every minute). Press Ctrl-C to stop them."
while true; do sleep 3600; done
