#!/usr/bin/env bash
# render.sh draws docs/grafana/jwtguard.png: the panels of the jwtguard
# Grafana dashboard (jwtguard.json), rendered from a real run, because
# Grafana cannot be installed on the machines this project is built on.
#
# It starts, on loopback ports only:
#   - the example server in demo mode (its API and its demo issuer),
#   - the example server in EPR profile mode, against a fake EPR check
#     endpoint that answers in 5 to 60 ms and now and then refuses or fails,
#   - a Prometheus (Debian's "prometheus" package) scraping both every 2 s,
# sends them a mix of tokens for DURATION (render load), then asks that
# Prometheus for every panel's PromQL, exactly as the dashboard writes it
# (render draw), writes jwtguard.svg and converts it with rsvg-convert
# (librsvg2-bin). Everything it started is stopped at the end.
#
# Usage: docs/grafana/render.sh            (DURATION=5m by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-5m}
for bin in prometheus rsvg-convert; do
	command -v "$bin" >/dev/null || { echo "render.sh: $bin is missing (apt-get install prometheus librsvg2-bin)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/chi-server" ./examples/chi-server
go build -o "$work/render" ./docs/grafana/render

"$work/render" fake-epr -addr 127.0.0.1:18090 & pids+=($!)
echo "partner-token" >"$work/partner"
"$work/chi-server" -addr 127.0.0.1:18080 -demo-addr 127.0.0.1:18081 >"$work/demo.out" 2>"$work/demo.log" & pids+=($!)
"$work/chi-server" -addr 127.0.0.1:18082 -profile epr -epr-base http://127.0.0.1:18090 \
	-epr-partner-token-file "$work/partner" >"$work/epr.out" 2>"$work/epr.log" & pids+=($!)
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
  - job_name: jwtguard-example
    static_configs: [{targets: ["127.0.0.1:18080", "127.0.0.1:18082"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
	--web.listen-address=127.0.0.1:19090 >"$work/prometheus.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do
	curl -sf http://127.0.0.1:18080/readyz >/dev/null && curl -sf http://127.0.0.1:19090/-/ready >/dev/null && break
	sleep 0.2
done

"$work/render" load -api http://127.0.0.1:18080 -issuer http://127.0.0.1:18081 \
	-epr-api http://127.0.0.1:18082 -duration "$DURATION"
sleep 4 # a last scrape
"$work/render" draw -prometheus http://127.0.0.1:19090 -dashboard docs/grafana/jwtguard.json \
	-range "$DURATION" -step 5s -rate-interval 30s -out docs/grafana/jwtguard.svg \
	-note "Drawn by docs/grafana/render.sh from a real Prometheus scraping go run ./examples/chi-server (demo, and EPR profile) under $DURATION of mixed load; not a Grafana screenshot (Grafana is not installable here).\\nThe example server has no revocation store and no DPoP check: those panels are empty."
rsvg-convert -o docs/grafana/jwtguard.png docs/grafana/jwtguard.svg
echo "wrote docs/grafana/jwtguard.svg and docs/grafana/jwtguard.png"
