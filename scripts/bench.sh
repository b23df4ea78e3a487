#!/usr/bin/env bash
# make bench: benchmarks, each printed as a ratio to a bare-tool baseline measured in the same run.
#
# 1. Import of N generated records (default 100,000) into a fresh node, against the sqlite3
#    command-line tool bulk-loading the same rows into the same schema and full-text indexes
#    (records, the trigram index through its trigger, the two-character index from the same
#    grams, and the log the import appends: entries, sealed pages, checkpoint), in one
#    transaction, with the same pragmas. Peak memory of the import.
# 2. Search on that store: the query set of issue 9 (common and rare one-, two- and
#    three-character terms, alone and with each filter, in each order; kechuang-bench
#    search-queries), run in process through the same code as `kechuang search`: the median over
#    all runs (target under 20 ms) and every query's p95 (target under 50 ms on 100,000 records,
#    under 200 ms on 1,000,000, measured again on the million-record store of the sync below).
#    `BENCH_ONLY=search` runs only this, on the store of an earlier run when there is one.
set -euo pipefail
kechuang="$1"
bench="$(dirname "$kechuang")/kechuang-bench"
count="${BENCH_COUNT:-100000}"
dir="${BENCH_DATA:-./bench-data}"
failures=0
# search_bench DB: the search query set on DB, counting a failed figure.
search_bench() {
  echo "== search on $(sqlite3 "$1" "SELECT count(*) FROM records") records: the query set (in process, first page of 20 with facets) =="
  if ! "$bench" search-queries "$1" --runs "${SEARCH_RUNS:-10}"; then failures=$((failures + 1)); fi
}
if [ "${BENCH_ONLY:-}" = search ]; then
  mkdir -p "$dir"
  if [ ! -f "$dir/node/kechuang.db" ]; then
    "$kechuang" generate --region sichuan --count "$count" --seed 1 --out "$dir/records.json" >/dev/null
    "$kechuang" --data "$dir/node" init --node-id sichuan --name bench --region sichuan >/dev/null
    "$kechuang" --data "$dir/node" import "$dir/records.json" >/dev/null
  fi
  "$kechuang" --data "$dir/node" stats >/dev/null  # opens the store: applies any new migration
  search_bench "$dir/node/kechuang.db"
  exit $((failures > 0))
fi
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)  # absolute: nginx's configuration names files under it
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# rows_sql DB TABLE...: the rows of the TABLEs and DB's search grams as one SQL transaction: the
# input of a bare-tool baseline (made untimed).
rows_sql() {
  local db="$1"
  shift
  echo "BEGIN;"
  for table in "$@"; do
    sqlite3 "$db" ".mode insert $table" "SELECT * FROM $table"
  done
  "$bench" grams-sql "$db"
  echo "COMMIT;"
}
# empty_node DATA ID REGION: a fresh node with its log emptied, for a baseline to load rows into.
empty_node() {
  "$kechuang" --data "$1" init --node-id "$2" --name bench --region "$3" >/dev/null
  sqlite3 "$1/kechuang.db" "DELETE FROM log_entries; DELETE FROM log_pages; DELETE FROM checkpoints; DELETE FROM published"
}
# Servers started in the background, stopped on exit.
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null' EXIT
# serve_origin DATA LOG: `kechuang serve` on DATA at a free port; sets origin_port and adds the pid.
serve_origin() {
  origin_port=$(free_port)
  "$kechuang" --data "$1" serve --listen "127.0.0.1:$origin_port" --sync-interval 0 > "$2" 2>&1 &
  pids="$pids $!"
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$origin_port/healthz" && break; sleep 0.1; done
}
# pulling_node DATA ORIGIN_DATA ORIGIN_ID: a fresh node at DATA peering with the origin just served.
pulling_node() {
  local key
  key=$("$kechuang" --data "$2" keys show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["root"]["key"])')
  "$kechuang" --data "$1" init --node-id beijing --name bench --region beijing >/dev/null
  "$kechuang" --data "$1" peer add "$3" "http://127.0.0.1:$origin_port" --root-key "$key" >/dev/null
}

echo "== import: $count generated records =="
"$kechuang" generate --region sichuan --count "$count" --seed 1 --out "$dir/records.json" >/dev/null
"$kechuang" --data "$dir/node" init --node-id sichuan --name bench --region sichuan >/dev/null
start=$(now)
/usr/bin/time -f "%M" -o "$dir/import.rss" "$kechuang" --data "$dir/node" import "$dir/records.json" >/dev/null
ours=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')

# The baseline's input: the rows our import produced, as SQL the bare tool reads (not timed).
rows_sql "$dir/node/kechuang.db" records log_entries log_pages checkpoints published > "$dir/rows.sql"
empty_node "$dir/base" sichuan sichuan
start=$(now)
sqlite3 -cmd "PRAGMA synchronous = NORMAL" "$dir/base/kechuang.db" < "$dir/rows.sql"
base=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
check=$(sqlite3 "$dir/base/kechuang.db" "SELECT count(*) FROM records")
[ "$check" = "$count" ] || { echo "baseline loaded $check rows, expected $count" >&2; exit 1; }

printf '%-44s %10.2f s\n' "kechuang import" "$ours"
printf '%-44s %10.2f s\n' "baseline: sqlite3 loading the same rows" "$base"
printf '%-44s %10s x   (target <= 2.0)\n' "import ratio" "$(ratio "$ours" "$base")"
printf '%-44s %10d MB\n' "import peak memory (max RSS)" "$(( $(cat "$dir/import.rss") / 1024 ))"

echo
search_bench "$dir/node/kechuang.db"

echo
echo "== publish: $count entries (append, hash, page, compress, sign) =="
"$kechuang" --data "$dir/publish" init --node-id sichuan --name bench --region sichuan >/dev/null
"$bench" publish "$dir/publish/kechuang.db" "$count" "$dir/raw.bin" > "$dir/publish.out"
publish=$(awk '/^publish_seconds/ { print $2 }' "$dir/publish.out")
# The baseline: sqlite3 inserting the same log rows into the same table, plus sha256sum over the
# same entry and body bytes.
{
  echo "BEGIN;"
  sqlite3 "$dir/publish/kechuang.db" ".mode insert log_entries" "SELECT * FROM log_entries"
  echo "COMMIT;"
} > "$dir/log.sql"
"$kechuang" --data "$dir/publish-base" init --node-id sichuan --name bench --region sichuan >/dev/null
sqlite3 "$dir/publish-base/kechuang.db" "DELETE FROM log_entries"
start=$(now)
sqlite3 -cmd "PRAGMA synchronous = NORMAL" "$dir/publish-base/kechuang.db" < "$dir/log.sql"
sha256sum "$dir/raw.bin" >/dev/null
publish_base=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
printf '%-44s %10.2f s\n' "kechuang publish" "$publish"
printf '%-44s %10.2f s\n' "baseline: sqlite3 inserts + sha256sum" "$publish_base"
printf '%-44s %10s x   (target <= 2.0)\n' "publish ratio" "$(ratio "$publish" "$publish_base")"

echo
echo "== serving: wrk against kechuang serve and nginx serving the export (same run) =="

"$kechuang" --data "$dir/publish" export "$dir/export" >/dev/null
ours_port=$(free_port)
nginx_port=$(free_port)
"$kechuang" --data "$dir/publish" serve --listen "127.0.0.1:$ours_port" > "$dir/serve.log" 2>&1 &
pids="$pids $!"
mkdir -p "$dir/nginx/logs"
sed -e "s|listen LISTEN;|listen 127.0.0.1:$nginx_port;|" -e "s|root ROOT;|root $(cd "$dir/export" && pwd);|" \
  deploy/nginx/kechuang-export.conf > "$dir/nginx/site.conf"
cat > "$dir/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    include $dir/nginx/site.conf;
}
CONF
/usr/sbin/nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log" &
pids="$pids $!"
for port in "$ours_port" "$nginx_port"; do
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/feeds/checkpoints.json" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$port/feeds/checkpoints.json" \
    || { echo "bench: nothing serves 127.0.0.1:$port (see $dir/serve.log, $dir/nginx/logs/error.log)" >&2; exit 1; }
done
rps() {  # URL -> "requests/s errors"
  wrk -t2 -c32 -d"${WRK_SECONDS:-10}s" "$1" > "$dir/wrk.out"
  awk '/Requests\/sec/ { r = $2 } /Non-2xx|Socket errors/ { e = 1 } END { printf "%s %s", r, (e ? "errors" : "none") }' "$dir/wrk.out"
}
for path in /feeds/checkpoints.json /feeds/sichuan/pages/0.jsonl; do
  read -r ours ours_errors <<< "$(rps "http://127.0.0.1:$ours_port$path")"
  read -r theirs theirs_errors <<< "$(rps "http://127.0.0.1:$nginx_port$path")"
  printf '%-44s %10.0f req/s  (errors: %s)\n' "kechuang serve $path" "$ours" "$ours_errors"
  printf '%-44s %10.0f req/s  (errors: %s)\n' "nginx, exported $path" "$theirs" "$theirs_errors"
  printf '%-44s %10s x   (target >= 0.5)\n' "serve ratio $path" "$(ratio "$ours" "$theirs")"
done

echo
echo "== sync: a node pulls the $count-record origin over loopback =="
# The origin: the node of the import benchmark, served.
serve_origin "$dir/node" "$dir/origin.log"
pulling_node "$dir/pull" "$dir/node" sichuan
start=$(now)
/usr/bin/time -f "%M" -o "$dir/sync.rss" "$kechuang" --data "$dir/pull" sync >/dev/null
full=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')

# The bare limit: curl fetching the same files over one keep-alive connection, plus sqlite3
# loading the rows the sync wrote into the same schema and indexes.
size=$(curl -s "http://127.0.0.1:$origin_port/feeds/sichuan/checkpoint.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
python3 - "$origin_port" "$size" > "$dir/urls.txt" <<'PY'
import sys
port, size = int(sys.argv[1]), int(sys.argv[2])
base = f"http://127.0.0.1:{port}"
print(f"url = {base}/feeds/checkpoints.json\noutput = /dev/null")
print(f"url = {base}/feeds/sichuan/page-roots/{size}.json\noutput = /dev/null")
for page in range((size + 255) // 256):
    width = min(256, size - page * 256)
    name = f"{page}.jsonl" if width == 256 else f"{page}.p{width}.jsonl"
    for kind in ("pages", "bodies"):
        print(f"url = {base}/feeds/sichuan/{kind}/{name}\noutput = /dev/null")
PY
rows_sql "$dir/pull/kechuang.db" records log_entries log_pages checkpoints record_links unified cluster_members > "$dir/pull.sql"
empty_node "$dir/pull-base" beijing beijing
start=$(now)
curl -s --compressed -K "$dir/urls.txt"
sqlite3 -cmd "PRAGMA synchronous = NORMAL" "$dir/pull-base/kechuang.db" < "$dir/pull.sql"
bare=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
printf '%-44s %10.2f s\n' "kechuang sync (full, $size entries)" "$full"
printf '%-44s %10.2f s\n' "bare limit: curl + sqlite3 load" "$bare"
printf '%-44s %10s x   (target <= 1.5)\n' "full sync ratio" "$(ratio "$full" "$bare")"
printf '%-44s %10d MB\n' "full sync peak memory (max RSS)" "$(( $(cat "$dir/sync.rss") / 1024 ))"

# 100 changes at the origin, then an incremental sync.
python3 - "$dir/records.json" > "$dir/changes.json" <<'PY'
import json, sys
records = []
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        line = line.strip().rstrip(",")
        if line.startswith("{"):
            records.append(json.loads(line))
        if len(records) == 100:
            break
for record in records:
    record["summary"] = record["summary"] + "（更新）"
print(json.dumps(records, ensure_ascii=False))
PY
"$kechuang" --data "$dir/node" import "$dir/changes.json" >/dev/null
start=$(now)
"$kechuang" --data "$dir/pull" sync >/dev/null
incremental=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
start=$(now)
"$kechuang" --data "$dir/pull" sync --json > "$dir/poll.json"
poll=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
unchanged=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("yes" if all(p["not_modified"] for p in d["peers"]) else "no")' "$dir/poll.json")
printf '%-44s %10.3f s  (%s%% of the full sync; target < 2%%)\n' "incremental sync of 100 changes" "$incremental" \
  "$(awk -v a="$incremental" -v b="$full" 'BEGIN { printf "%.2f", 100 * a / b }')"
printf '%-44s %10.3f s  (one conditional request answered 304: %s)\n' "unchanged poll" "$poll" "$unchanged"

if [ "${BENCH_MILLION:-1}" = 1 ]; then
  echo
  echo "== peak memory syncing 1,000,000 records (BENCH_MILLION=0 skips) =="
  "$kechuang" --data "$dir/million" init --node-id chongqing --name bench --region chongqing >/dev/null
  "$kechuang" generate --region chongqing --count 1000000 --seed 9 --out "$dir/million.json" >/dev/null
  "$kechuang" --data "$dir/million" import "$dir/million.json" >/dev/null
  rm -f "$dir/million.json"
  serve_origin "$dir/million" "$dir/million.log"
  pulling_node "$dir/million-pull" "$dir/million" chongqing
  start=$(now)
  /usr/bin/time -f "%M" -o "$dir/million.rss" "$kechuang" --data "$dir/million-pull" sync >/dev/null
  printf '%-44s %10.1f s\n' "sync of 1,000,000 records" "$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')"
  printf '%-44s %10d MB  (target < 300)\n' "sync peak memory (max RSS)" "$(( $(cat "$dir/million.rss") / 1024 ))"
  echo
  search_bench "$dir/million/kechuang.db"
fi

if [ "$failures" -gt 0 ]; then
  echo "bench: $failures figure(s) missed their target" >&2
  exit 1
fi
