#!/usr/bin/env bash
# GloriousFlywheel for Backstage: the two entry points.
#   ./gf start   install what is missing, start the fleet sandbox and the portal (http://localhost:7007)
#   ./gf test    install what is missing, then type-check, lint, unit + integration tests (SQLite and
#                PostgreSQL) and browser end-to-end tests; ends with "N passed, N failed"
set -euo pipefail
GF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GF_ROOT
# shellcheck source=scripts/bootstrap.sh
source "$GF_ROOT/scripts/bootstrap.sh"

cmd="${1:-help}"
shift || true
case "$cmd" in
  start) exec bash "$GF_ROOT/scripts/start.sh" "$@" ;;
  test) exec bash "$GF_ROOT/scripts/test.sh" "$@" ;;
  *)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = help ] || exit 2
    ;;
esac
