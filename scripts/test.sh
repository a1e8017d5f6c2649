#!/usr/bin/env bash
# ./gf test: everything CI checks. Type-check, API reports, lint, formatting, jest (unit + integration; database
# tests on SQLite and PostgreSQL), app build, browser end-to-end tests, and the stock-app check (the
# packed packages installed into a fresh create-app app by following the READMEs). Ends with
# "N passed, N failed".
set -uo pipefail
source "$GF_ROOT/scripts/bootstrap.sh"
source "$GF_ROOT/scripts/postgres.sh"
set -e
gf_bootstrap
gf_ensure_test_packages
set +e
cd "$GF_ROOT"

out="$GF_ROOT/.gf/test"
rm -rf "$out" && mkdir -p "$out"
passed=0
failed=0
failures=()
started=$SECONDS

check() { # name, command...: a whole-repo check that counts as one result
  local name="$1"; shift
  gf_log "$name"
  local t=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); gf_log "$name: ok ($((SECONDS - t)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); gf_log "$name: FAILED ($((SECONDS - t)) s)"
  fi
}

trap 'gf_pg_stop' EXIT
gf_pg_start || { echo "0 passed, 1 failed"; exit 1; }
export BACKSTAGE_TEST_DISABLE_DOCKER=1

# tsc emits declarations into dist-types/ (git-ignored): the API report check reads them.
# ae-wrong-input-file-type is omitted: workspace packages resolve to src/*.ts and the warning
# embeds the absolute checkout path, which would make reports differ between clones.
check "type-check (tsc)" yarn tsc
check "API reports up to date (yarn api-reports)" yarn backstage-repo-tools api-reports --ci --omit-messages ae-wrong-input-file-type,ae-undocumented \
  plugins/gloriousflywheel plugins/gloriousflywheel-backend plugins/gloriousflywheel-common plugins/gloriousflywheel-node plugins/catalog-backend-module-gloriousflywheel
check "lint" yarn backstage-cli repo lint
check "formatting (prettier --check)" yarn prettier --check .

gf_log "jest: unit and integration tests"
t=$SECONDS
yarn backstage-cli repo test --watchAll=false --maxWorkers=2 --json --outputFile="$out/jest.json" 2>&1 | tee "$out/jest.log" | grep -vE '^\s*$' | grep -E '^(PASS|FAIL)|●|Tests:' || true
if [ -s "$out/jest.json" ]; then
  read -r jp jf < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$out/jest.json")
  passed=$((passed + jp)); failed=$((failed + jf))
  [ "$jf" -gt 0 ] && failures+=("jest ($jf)")
else
  failed=$((failed + 1)); failures+=("jest produced no report (see .gf/test/jest.log)")
fi
gf_log "jest done ($((SECONDS - t)) s)"

check "build app" bash -c 'cd packages/app && yarn backstage-cli package build > "$0/app-build.log" 2>&1 || { tail -40 "$0/app-build.log"; exit 1; }' "$out"

gf_log "browser end-to-end tests (playwright-core + Debian Chromium)"
t=$SECONDS
node --test --test-concurrency=1 --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out/e2e.tap" e2e/*.test.mjs
ep=$(grep -E '^# pass ' "$out/e2e.tap" | awk '{print $3}')
ef=$(grep -E '^# fail ' "$out/e2e.tap" | awk '{print $3}')
passed=$((passed + ${ep:-0})); failed=$((failed + ${ef:-1}))
[ "${ef:-1}" -gt 0 ] && failures+=("e2e (${ef:-no report})")
gf_log "e2e done ($((SECONDS - t)) s)"

# The READMEs' install steps in fresh create-app apps (packed tarballs; app cached in ~/.cache).
check "stock app: README install into a fresh create-app app" node scripts/stock-app-check.mjs

gf_log "total $((SECONDS - started)) s"
[ ${#failures[@]} -gt 0 ] && gf_log "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
