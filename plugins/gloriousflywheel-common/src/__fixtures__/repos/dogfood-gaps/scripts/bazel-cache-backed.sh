#!/usr/bin/env bash
set -euo pipefail
: "${BAZEL_REMOTE_CACHE:?BAZEL_REMOTE_CACHE must be set}"
exec bazel "$@" --remote_cache="$BAZEL_REMOTE_CACHE"
