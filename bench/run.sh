#!/usr/bin/env bash
# The benchmark: a 3-member etcd cluster, then a 3-node Golt cluster, on loopback, driven by the
# same closed-loop HTTP load; prints the side-by-side table and writes bench/results/bench-<time>.json.
#   bench/run.sh                       full run (6 workloads x 1/10/100 clients x 3 repeats, ~45 min)
#   bench/run.sh --smoke               one 2 s cell per system
#   bench/run.sh --sustained 300       sustained writes to the leader, 300 s per system measured second by second
#   bench/run.sh --help                all options (systems, workloads, clients, durations, ...)
# Installs Debian's etcd-server with apt when etcd is missing (needs root). Set BENCH_SKIP_BUILD=1
# to reuse the jars already built. Golt nodes start through bin/golt-node with its default JVM
# settings; GOLT_JVM_OPTS="-Xmx256m ..." replaces them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${JAVA_HOME:-}" ]; then
  for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk; do
    if [ -x "$jdk/bin/java" ]; then export JAVA_HOME="$jdk"; break; fi
  done
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -pl bench -am package -DskipTests
fi

# exec: Ctrl-C goes straight to the runner, whose shutdown hook stops the clusters it started.
exec "$JAVA" -Xmx512m --sun-misc-unsafe-memory-access=allow -cp "bench/target/golt-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
  dev.golt.bench.Benchmark --repo . "$@"
