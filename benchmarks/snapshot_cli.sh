#!/usr/bin/env bash
# The CLI's outputs on the bundled sample (and, with "big", on the generated 100k corpus), hashed:
# run it before and after a change that must not change behaviour, and diff the two .sha files.
#
#   bash benchmarks/snapshot_cli.sh .venv /tmp/before big      # writes /tmp/before.sha
#   ... change ...
#   bash benchmarks/snapshot_cli.sh .venv /tmp/after big; diff /tmp/before.sha /tmp/after.sha
#
# Report timings (seconds, docs/s) and the demo's time line differ from run to run; compare
# those files without them. "big" needs the corpus: python benchmarks/generate.py (cached).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V=$(cd "$1" && pwd); O=$2; mkdir -p "$O"; cd "$O"; rm -f ./*
S=$ROOT/src/newsdedup/data/sample.jsonl
N=$V/bin/newsdedup
$N demo > demo.txt 2>&1
$N dedup $S -o d_first.jsonl -q
$N dedup $S -o d_earliest.jsonl -q --keep earliest --date-field published_at
$N dedup $S -o d_longest.jsonl -q --keep longest
$N dedup $S -o d_src.jsonl -q --source-priority Reuters,AP,AFP --clusters d_src_clusters.jsonl --report d_src_report.json
$N dedup $S -o d_w2.jsonl -q --workers 2 --only-kept
$N dedup $S -o d.csv -q
$N dedup $S -o d.parquet -q
$N dedup $S -o d_char.jsonl -q --shingle char --ngram 7 --no-clean
$N clean $S -o c.jsonl -q --explain --keep-original
$N clean $S -o c_text.jsonl -q --explain text --fingerprint
head -60 $S > half.jsonl; tail -62 $S > rest.jsonl
$N index build idx.idx half.jsonl -q > ib.txt 2>&1
$N dedup rest.jsonl --against idx.idx -o against.jsonl -q
cp idx.idx idx2.idx; $N index add idx2.idx rest.jsonl -o add.jsonl -q > ia.txt 2>&1
$N index query idx.idx rest.jsonl -o query.jsonl -q
$N index stats idx2.idx > stats.txt 2>&1
printf '{"id":"x","text":"Advertisement"}\n{"id":"y"}\nnot json\n' > bad.jsonl
$N dedup bad.jsonl -o bad_skip.jsonl -q --on-error skip --report bad_report.json; echo "rc=$?" > bad_rc.txt
$N dedup bad.jsonl -o bad_raise.jsonl -q > bad_raise.txt 2>&1; echo "rc=$?" >> bad_rc.txt
if [ "${3:-}" = big ]; then
  $N dedup $ROOT/benchmarks/data/wire-100000/records.jsonl -o big.jsonl -q --workers 2 --clusters big_clusters.jsonl --report big_report.json
fi
rm -f idx.idx idx2.idx  # index files may embed paths/timestamps; compared via outputs
sha256sum * > ../$(basename $O).sha
