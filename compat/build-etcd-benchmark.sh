#!/usr/bin/env bash
# Builds etcd's own load generator, `benchmark` (go.etcd.io/etcd/v3/tools/benchmark), from the Go
# module proxy into ~/.cache/golt/etcd-bench/benchmark (GOLT_ETCD_BENCH_CACHE moves it) and prints
# the binary's path. Idempotent: an existing binary of the pinned version is kept.
#
# etcd's root module carries replace directives, so `go install ...@version` refuses it; instead a
# throwaway module in the cache requires it at the pinned version (its sibling modules, api/v3,
# client/v3, server/v3, ..., resolve from the proxy at the same version) and `go build`s the tool.
#
# Usage against any etcd v3 API endpoint (etcd's or Golt's --grpc), for example:
#   B=$(compat/build-etcd-benchmark.sh); E=127.0.0.1:2379
#   $B --endpoints=$E --conns=10 --clients=100 put --key-size=8 --sequential-keys --total=10000 --val-size=256
#   $B --endpoints=$E --conns=10 --clients=100 range foo --consistency=l --total=10000
#   $B --endpoints=$E --conns=10 --clients=100 txn-put --key-size=8 --val-size=256 --total=10000
#   $B --endpoints=$E --conns=1 --clients=1 watch-latency --put-total=1000 --put-rate=100 --streams=10 --watchers-per-stream=10
set -euo pipefail

VERSION=${ETCD_BENCH_VERSION:-v3.6.8}
CACHE=${GOLT_ETCD_BENCH_CACHE:-$HOME/.cache/golt/etcd-bench}
OUT=$CACHE/benchmark

if [ -x "$OUT" ] && [ "$(cat "$CACHE/benchmark.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "$OUT"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for g in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$g/go" ] && PATH=$g:$PATH && break
  done
fi
command -v go >/dev/null 2>&1 || { echo "build-etcd-benchmark: no Go toolchain on PATH" >&2; exit 1; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [ -x "$OUT" ] && [ "$(cat "$CACHE/benchmark.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "$OUT"
  exit 0
fi

SRC=$CACHE/src
rm -rf "$SRC"
mkdir -p "$SRC"
cd "$SRC"
cat >go.mod <<MOD
module golt.dev/etcd-benchmark-build

go 1.24

require go.etcd.io/etcd/v3 $VERSION
MOD
cat >tools.go <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/v3/tools/benchmark"
GO

export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
echo "build-etcd-benchmark: resolving go.etcd.io/etcd/v3@$VERSION" >&2
go mod tidy >&2
echo "build-etcd-benchmark: go build go.etcd.io/etcd/v3/tools/benchmark" >&2
CGO_ENABLED=0 go build -trimpath -o "$OUT.tmp" go.etcd.io/etcd/v3/tools/benchmark >&2
mv "$OUT.tmp" "$OUT"
echo "$VERSION" >"$CACHE/benchmark.version"
echo "$OUT"
