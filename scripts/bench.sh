#!/usr/bin/env bash
# make bench: benchmarks, each printed as a ratio to a bare-tool baseline measured in the same run.
#
# 1. Import of N generated records (default 100,000) into a fresh node, against the sqlite3
#    command-line tool bulk-loading the same rows into the same schema and full-text indexes
#    (the trigram index through its trigger, the two-character index from the same grams), in
#    one transaction, with the same pragmas. Peak memory of the import.
# 2. Search latency on that store: 100 three-character and 100 two-character queries sampled
#    from titles, run in process through the same code as `kechuang search` (kechuang-bench).
set -euo pipefail
kechuang="$1"
bench="$(dirname "$kechuang")/kechuang-bench"
count="${BENCH_COUNT:-100000}"
dir="${BENCH_DATA:-./bench-data}"
rm -rf "$dir"
mkdir -p "$dir"
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== import: $count generated records =="
"$kechuang" generate --region sichuan --count "$count" --seed 1 --out "$dir/records.json" >/dev/null
"$kechuang" --data "$dir/node" init --node-id sichuan --name bench --region sichuan >/dev/null
start=$(now)
/usr/bin/time -f "%M" -o "$dir/import.rss" "$kechuang" --data "$dir/node" import "$dir/records.json" >/dev/null
ours=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')

# The baseline's input: the rows our import produced, as SQL the bare tool reads (not timed).
{
  echo "BEGIN;"
  sqlite3 "$dir/node/kechuang.db" ".mode insert records" "SELECT * FROM records"
  "$bench" grams-sql "$dir/node/kechuang.db"
  echo "COMMIT;"
} > "$dir/rows.sql"
"$kechuang" --data "$dir/base" init --node-id sichuan --name bench --region sichuan >/dev/null
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
echo "== search latency on $count records (in process, first page of 20 with facets) =="
"$bench" search-latency "$dir/node/kechuang.db" 100 | while read -r key value; do
  printf '%-44s %10s\n' "$key" "$value"
done
echo "(target: three-character median under 20 ms)"
