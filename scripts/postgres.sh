#!/usr/bin/env bash
# Starts a throw-away PostgreSQL (Debian's server binaries) on a loopback port for the PostgreSQL
# test pass. Sourced by scripts/test.sh: gf_pg_start exports the connection string, gf_pg_stop ends it.

gf_pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done | sort -V | tail -1
}

gf_pg_start() {
  local bindir port run_as=()
  bindir="$(gf_pg_bindir)"
  [ -n "$bindir" ] || { gf_log "PostgreSQL server binaries not found"; return 1; }
  GF_PG_DIR="$(mktemp -d /tmp/gf-pg-XXXXXX)"
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  # The server refuses to run as root; use Debian's postgres user then.
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$GF_PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bindir/initdb" -D "$GF_PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$GF_PG_DIR/initdb.log" 2>&1 ||
    { cat "$GF_PG_DIR/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$bindir/pg_ctl" -D "$GF_PG_DIR/data" -l "$GF_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$GF_PG_DIR -c max_connections=200 -c fsync=off" \
    start >/dev/null || { cat "$GF_PG_DIR/server.log" >&2; return 1; }
  GF_PG_RUN_AS=("${run_as[@]}")
  GF_PG_BINDIR="$bindir"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres:postgres@127.0.0.1:$port"
  gf_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

gf_pg_stop() {
  [ -n "${GF_PG_DIR:-}" ] || return 0
  "${GF_PG_RUN_AS[@]}" "$GF_PG_BINDIR/pg_ctl" -D "$GF_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$GF_PG_DIR"
  GF_PG_DIR=""
}
