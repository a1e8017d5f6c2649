#!/usr/bin/env bash
# ./gf start: the portal on the local sandbox config (SQLite under .gf/state, fleet sandbox on 7101-7104).
set -euo pipefail
source "$GF_ROOT/scripts/bootstrap.sh"
gf_bootstrap

cd "$GF_ROOT"
mkdir -p .gf/state
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

gf_log "building the frontend"
(cd packages/app && yarn backstage-cli package build >/dev/null)

gf_log "starting the fleet sandbox"
# Its Kubernetes API speaks TLS with a CA made at start: the backend trusts it through caData
# (app-config.sandbox.yaml reads GF_SANDBOX_CA). workflow_job webhooks go to the portal.
ca_file=.gf/state/fleet-sandbox-ca.pem
rm -f "$ca_file"
node packages/fleet-sandbox/bin/fleet-sandbox --ca-file "$ca_file" \
  --webhook-url http://localhost:7007/api/gloriousflywheel/adoption/webhook &
pids+=($!)
for _ in $(seq 1 120); do
  grep -q 'END CERTIFICATE' "$ca_file" 2>/dev/null && break
  sleep 0.5
done
grep -q 'END CERTIFICATE' "$ca_file" 2>/dev/null || { gf_log "the fleet sandbox wrote no CA to $ca_file"; exit 1; }
GF_SANDBOX_CA="$(cat "$ca_file")"
export GF_SANDBOX_CA

gf_log "starting the backend (serves the app)"
# The base config plus the local sandbox overlay (dev and guest sign-in, sandbox tokens and URLs).
# backstage-cli hands --config to the backend, which resolves it from packages/backend: absolute paths.
# Metrics for Prometheus on http://127.0.0.1:9464/metrics (docs/metrics.md).
(cd packages/backend && GF_STATE_DIR="$GF_ROOT/.gf/state" GF_METRICS_PORT="${GF_METRICS_PORT:-9464}" exec yarn backstage-cli package start \
  --require ./src/instrumentation.js --config "$GF_ROOT/app-config.yaml" --config "$GF_ROOT/app-config.sandbox.yaml") &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -sf http://localhost:7007/.backstage/health/v1/readiness >/dev/null 2>&1; then
    gf_log "portal ready: http://localhost:7007  (sign in as guest; Ctrl-C stops everything)"
    break
  fi
  sleep 1
done
wait -n "${pids[@]}"
