#!/usr/bin/env bash
# render.sh draws docs/grafana/jwtguard.png: the panels of the jwtguard
# Grafana dashboard (jwtguard.json), rendered from a real run, because
# Grafana cannot be installed on the machines this project is built on.
#
# It starts, on free loopback ports only:
#   - a Redis (redis-server, no persistence) new to jwtguard's keys,
#   - the example server in demo mode (its API and its demo issuer), sharing
#     revocations and DPoP proofs through that Redis (-redis),
#   - the example server in EPR profile mode, against a fake EPR check
#     endpoint that answers in 5 to 60 ms and now and then refuses or fails,
#   - a Prometheus (Debian's "prometheus" package) scraping both every 2 s,
# sends them a mix of tokens for DURATION (render load: bearer and DPoP-bound
# tokens, sessions ended by back-channel logout or by cmd/jwtrevoke), then asks that
# Prometheus for every panel's PromQL, exactly as the dashboard writes it
# (render draw), writes jwtguard.svg and converts it with rsvg-convert
# (librsvg2-bin). Everything it started is stopped at the end.
#
# Usage: docs/grafana/render.sh            (DURATION=5m by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-5m}
for bin in prometheus rsvg-convert redis-server redis-cli; do
	command -v "$bin" >/dev/null || { echo "render.sh: $bin is missing (apt-get install prometheus librsvg2-bin redis-server)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# free_port NAME sets the variable NAME to a loopback port nothing listens
# on, and not handed out before by this script.
taken=" "
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		[[ $taken == *" $p "* ]] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		taken+="$p "
		printf -v "$1" %s "$p"
		return
	done
}
for name in redis_port api_port issuer_port epr_api_port epr_port prom_port; do free_port "$name"; done
redis_url="redis://127.0.0.1:$redis_port/0"

go build -o "$work/chi-server" ./examples/chi-server
go build -o "$work/render" ./docs/grafana/render
go build -o "$work/jwtrevoke" ./cmd/jwtrevoke

redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
	--dir "$work" >"$work/redis.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do
	redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
	sleep 0.1
done

"$work/render" fake-epr -addr 127.0.0.1:$epr_port & pids+=($!)
echo "partner-token" >"$work/partner"
"$work/chi-server" -addr 127.0.0.1:$api_port -demo-addr 127.0.0.1:$issuer_port \
	-redis "$redis_url" >"$work/demo.out" 2>"$work/demo.log" & pids+=($!)
"$work/chi-server" -addr 127.0.0.1:$epr_api_port -profile epr -epr-base http://127.0.0.1:$epr_port \
	-epr-partner-token-file "$work/partner" >"$work/epr.out" 2>"$work/epr.log" & pids+=($!)
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
  - job_name: jwtguard-example
    static_configs: [{targets: ["127.0.0.1:$api_port", "127.0.0.1:$epr_api_port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
	--web.listen-address=127.0.0.1:$prom_port >"$work/prometheus.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do
	curl -sf http://127.0.0.1:$api_port/readyz >/dev/null && curl -sf http://127.0.0.1:$prom_port/-/ready >/dev/null && break
	sleep 0.2
done

"$work/render" load -api http://127.0.0.1:$api_port -issuer http://127.0.0.1:$issuer_port \
	-epr-api http://127.0.0.1:$epr_api_port -redis "$redis_url" -jwtrevoke "$work/jwtrevoke" \
	-duration "$DURATION"
sleep 4 # a last scrape
"$work/render" draw -prometheus http://127.0.0.1:$prom_port -dashboard docs/grafana/jwtguard.json \
	-range "$DURATION" -step 5s -rate-interval 30s -out docs/grafana/jwtguard.svg \
	-note "Drawn by docs/grafana/render.sh from a real Prometheus scraping go run ./examples/chi-server (demo with -redis, and EPR profile) under $DURATION of mixed load; not a Grafana screenshot (Grafana is not installable here).\\nRevocations, through a Redis started empty: sessions ended by the demo issuer's back-channel logout (by sid or sub: Revocations by kind) and by cmd/jwtrevoke (by jti, written to Redis directly: counted only in entries in force); their tokens are still sent, and refused.\\nDPoP: 4 clients with bound tokens and fresh proofs, and replays, wrong keys, bound tokens sent as Bearer. A Redis new to the replay memory refuses every proof for ~2 min (by design: 503), then fresh proofs pass."
rsvg-convert -o docs/grafana/jwtguard.png docs/grafana/jwtguard.svg
echo "wrote docs/grafana/jwtguard.svg and docs/grafana/jwtguard.png"
