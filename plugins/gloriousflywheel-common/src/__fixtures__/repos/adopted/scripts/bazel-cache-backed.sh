#!/usr/bin/env bash
exec bazel "$@"
