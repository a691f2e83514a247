#!/usr/bin/env bash
# run.sh runs jwtguard's benchmark suite and prints a table of medians with
# each row's ratio to the lower bounds (raw signature check, minimal
# hand-written verify) and to jwtguard.
#
#   bench/run.sh            full run: 6 passes, 1 s per benchmark (~13 min)
#   bench/run.sh -quick     3 passes, 0.3 s per benchmark (~3.5 min), then
#                           one GOAL line per performance goal
#
# Options (after -quick, if any, to override it):
#   -count N        passes (default 6, -quick 3)
#   -benchtime D    go test -benchtime per benchmark (default 1s, -quick 0.3s)
#   -bench REGEXP   which benchmarks (default .)
#   -goals          print the GOAL lines after a full run too
#   -o FILE         keep the raw `go test -bench` output in FILE
#   -http           then run the HTTP end-to-end benchmark (cmd/httpbench:
#                   about 30 s with -quick, 2.5 min without; its table is
#                   printed as is)
#
# A pass is one `go test -bench` run over every benchmark (the test binary
# is built once): passes are run one after another, rather than -count N
# repeating each benchmark in a row, so that every pass compares all rows
# side by side under the same machine load, and the ratios are taken within
# each pass before their median is. Check `uptime` first: absolute times
# mean little on a loaded machine.
set -euo pipefail
cd "$(dirname "$0")"

count=6
benchtime=1s
bench=.
goals=false
out=""
http=false
quick=false

while [ $# -gt 0 ]; do
  case "$1" in
    -quick) count=3; benchtime=0.3s; goals=true; quick=true ;;
    -count) count="$2"; shift ;;
    -benchtime) benchtime="$2"; shift ;;
    -bench) bench="$2"; shift ;;
    -goals) goals=true ;;
    -o) out="$2"; shift ;;
    -http) http=true ;;
    -h|-help|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see -help)" >&2; exit 2 ;;
  esac
  shift
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
raw="${out:-$tmp/bench.txt}"

# The header goes to the terminal and to the raw output, so that a kept
# file says where and how it was measured.
{
  echo "# jwtguard benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
  echo "# $(go version)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# passes: $count, benchtime: $benchtime, bench: $bench"
  echo "# modules:"
  go list -m -f '{{if not .Indirect}}{{if not .Main}}#   {{.Path}} {{if .Replace}}=> {{.Replace.Path}}{{else}}{{.Version}}{{end}}{{end}}{{end}}' all
} | tee "$raw"

echo "# checking that every verifier accepts the token and refuses the same bad ones"
go test -count=1 -run 'TestEquivalentValidation' . >"$tmp/test.txt" 2>&1 || { cat "$tmp/test.txt"; exit 1; }

go test -c -o "$tmp/bench.test" .
for i in $(seq 1 "$count"); do
  echo "# pass $i/$count (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$raw" >&2
  "$tmp/bench.test" -test.run '^$' -test.bench "$bench" -test.benchmem \
    -test.count 1 -test.benchtime "$benchtime" >>"$raw" 2>&1 || { tail -50 "$raw"; exit 1; }
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$raw"
echo

if $goals; then
  go run ./cmd/report -goals "$raw"
else
  go run ./cmd/report "$raw"
fi

if $http; then
  echo
  if $quick; then
    go run ./cmd/httpbench -quick
  else
    go run ./cmd/httpbench
  fi
fi
