#!/usr/bin/env bash
# A three-node federation on one machine: Sichuan, Beijing and Chongqing, each serving its feed on
# 127.0.0.1 and pulling the other two (each pins the others' root keys).
#
#   deploy/federation/run-local.sh KECHUANG DIR start   create (or reuse) the nodes, serve, peer, sync
#   deploy/federation/run-local.sh KECHUANG DIR stop    stop the servers
#
# Ports: $PORT_BASE+1 (sichuan), +2 (beijing), +3 (chongqing); PORT_BASE defaults to 8600.
# Each node gets its sample catalog (protocols/examples) and generated projects; Sichuan gets the
# conference's 4,670 (GENERATED_SICHUAN), the others GENERATED_OTHERS (1,000) each.
set -euo pipefail
kechuang="$1"
dir="$2"
action="${3:-start}"
base="${PORT_BASE:-8600}"
nodes=("sichuan:四川省科学技术协会:$((base + 1))" "beijing:北京市科学技术协会:$((base + 2))" "chongqing:重庆市科学技术协会:$((base + 3))")
mkdir -p "$dir"

if [ "$action" = stop ]; then
  # SIGTERM stops a server gracefully; wait (up to 10 s each) until it has exited, so that the
  # ports are free when this returns.
  for file in "$dir"/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$file"
  done
  exit 0
fi

root_key() { "$kechuang" --data "$dir/$1" keys show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["root"]["key"])'; }

for node in "${nodes[@]}"; do
  IFS=: read -r id name port <<< "$node"
  if [ ! -f "$dir/$id/kechuang.db" ]; then
    "$kechuang" --data "$dir/$id" init --node-id "$id" --name "$name" --region "$id" > /dev/null
    echo "created node $id"
  fi
  "$kechuang" --data "$dir/$id" import "protocols/examples/$id.json" > /dev/null
  count="${GENERATED_OTHERS:-1000}"
  [ "$id" = sichuan ] && count="${GENERATED_SICHUAN:-4670}"
  "$kechuang" generate --region "$id" --count "$count" --seed 2024 --out "$dir/$id-generated.json" > /dev/null
  "$kechuang" --data "$dir/$id" import "$dir/$id-generated.json" > /dev/null
  if [ -f "$dir/$id.pid" ] && kill -0 "$(cat "$dir/$id.pid")" 2>/dev/null; then
    continue
  fi
  "$kechuang" --data "$dir/$id" serve --listen "127.0.0.1:$port" --sync-interval 60 > "$dir/$id.log" 2>&1 &
  echo $! > "$dir/$id.pid"
done
for node in "${nodes[@]}"; do
  IFS=: read -r id _ port <<< "$node"
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done
for node in "${nodes[@]}"; do
  IFS=: read -r id _ _ <<< "$node"
  for peer in "${nodes[@]}"; do
    IFS=: read -r other _ port <<< "$peer"
    [ "$other" = "$id" ] && continue
    "$kechuang" --data "$dir/$id" peer add "$other" "http://127.0.0.1:$port" --root-key "$(root_key "$other")" > /dev/null
  done
done
for node in "${nodes[@]}"; do
  IFS=: read -r id _ _ <<< "$node"
  "$kechuang" --data "$dir/$id" sync > /dev/null
done
