#!/usr/bin/env bash
# The etcd-API benchmark: a 3-member etcd 3.5 cluster, then a 3-node Golt cluster serving etcd's v3
# gRPC API (--grpc), on loopback, both driven by etcd's own `benchmark` tool with the same flags:
# put, range (linearizable and serializable), txn-put and watch-latency at 1/10/100/1,000 clients,
# then 10,000 leases kept alive while the leader's CPU is measured. Prints the side-by-side table and
# writes bench/results/etcd-api-<time>.json (and .md).
#   bench/etcd-api.sh                  full run (5 workloads x 4 client counts, lease check; ~10-20 min)
#   bench/etcd-api.sh --smoke          one short cell per workload (10 clients), a 1,000-lease check
#   bench/etcd-api.sh --help           all options
# Needs: a JDK 25, Go (compat/build-etcd-benchmark.sh builds the tool from the Go module proxy into
# ~/.cache/golt/etcd-bench once), network access the first time compat/fetch-etcd.sh fetches trixie's
# etcd 3.5 into ~/.cache/golt/etcd-3.5 (without it the etcd on PATH is used, and named in the table).
# BENCH_SKIP_BUILD=1 reuses the jars already built. Golt nodes start through bin/golt-node with its
# default JVM settings; GOLT_JVM_OPTS="..." replaces them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${JAVA_HOME:-}" ]; then
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk; do
    if [ -x "$jdk/bin/java" ]; then export JAVA_HOME="$jdk"; break; fi
  done
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

CP="bench/target/golt-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
for a in "$@"; do
  if [ "$a" = --help ] || [ "$a" = -h ]; then
    [ -f bench/target/golt-bench-0.1.0-SNAPSHOT.jar ] || ./mvnw -B -q -pl bench -am package -DskipTests
    exec "$JAVA" -cp "$CP" dev.golt.bench.ApiBenchmark --help
  fi
done

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

TOOL=$(compat/build-etcd-benchmark.sh)
args=(--repo . --tool "$TOOL")
if ETCD_BIN=$(compat/fetch-etcd.sh); then
  args+=(--etcd "$ETCD_BIN/etcd")
else
  echo "etcd-api.sh: could not fetch etcd 3.5 (compat/fetch-etcd.sh failed): using the etcd on PATH" >&2
fi

# exec: Ctrl-C goes straight to the runner, whose shutdown hook stops the clusters and tools it started.
exec "$JAVA" -Xmx512m --sun-misc-unsafe-memory-access=allow -cp "$CP" \
  dev.golt.bench.ApiBenchmark "${args[@]}" "$@"
