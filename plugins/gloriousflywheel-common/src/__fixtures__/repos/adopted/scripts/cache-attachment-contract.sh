#!/usr/bin/env bash
# Fails unless BAZEL_REMOTE_CACHE answers (fixture).
test -n "${BAZEL_REMOTE_CACHE:-}"
