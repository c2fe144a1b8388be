#!/usr/bin/env bash
# Builds the benchmarks module and runs every benchmark: the five load scenarios
# against every contender on JDK 17 (the full matrix) and on JDK 25 (a reduced
# matrix, with virtual threads for the Spring MVC contenders), then the JMH micro
# benchmarks. Writes results.md (the tables of BENCHMARKS.md), results.csv
# (every repetition), jmh.txt and the server logs to one directory.
#
#   benchmarks/run.sh            the full run (about 50 minutes on 2 cores)
#   benchmarks/run.sh quick      a small run that checks the script (about 7 minutes)
#
# Environment: JAVA17_HOME, JAVA25_HOME (skipped when missing), OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-full}
JAVA17_HOME=${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=${OUT:-benchmarks/target/benchmark-results/$(date +%Y%m%d-%H%M%S)}

# 10,000 idle connections need 10,000 descriptors in the server and as many in
# the load generator, each a process of its own.
NEED_FDS=12000
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
	echo "The open-file limit is $(ulimit -n); the idle scenario needs $NEED_FDS (raise the hard limit)" >&2
	exit 1
fi

./mvnw -q -B -pl benchmarks -am install -DskipTests
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
mkdir -p "$OUT"

# The server runs on CPU 0 (the runner pins it), the load generator on CPU 1.
LOADGEN=()
if [ "$(nproc --all)" -ge 2 ] && command -v taskset > /dev/null; then
	LOADGEN=(taskset -c 1)
	SERVER_CPUS=0
else
	echo "Fewer than 2 CPUs or no taskset: server and load generator share the CPUs" >&2
	SERVER_CPUS=
fi

RUNNER=(--out="$OUT" --java17="$JAVA17_HOME" --server-cpus="$SERVER_CPUS")
if [ -x "$JAVA25_HOME/bin/java" ]; then
	# Reduced on JDK 25: scenarios 1 and 2, sse-replay and the hand-written
	# broadcast with platform and virtual threads, and the Netty limit.
	RUNNER+=(--java25="$JAVA25_HOME" --contenders25=sse-replay,hand-written,netty-limit
		--virtual25=sse-replay,hand-written --scenarios25=S1,S2)
fi
if [ "$MODE" = quick ]; then
	RUNNER+=(--subscribers=150 --idle-connections=200 --slow-connections=20 --repeats=1 --warmup-seconds=9
		--measure-seconds=2 --throughput-seconds=2 --contenders=sse-replay,hand-written,webflux,netty-limit
		--contenders25=sse-replay --virtual25=sse-replay)
fi

echo "Load benchmark -> $OUT"
"${LOADGEN[@]}" "$JAVA17_HOME/bin/java" -Xms1g -Xmx1g -cp "$CP" dev.ssereplay.benchmarks.load.BenchmarkRunner \
	"${RUNNER[@]}" | tee "$OUT/runner.log"

echo "JMH -> $OUT/jmh.txt"
JMH=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
if [ "$MODE" = quick ]; then
	JMH=(-f 1 -wi 1 -w 1s -i 1 -r 1s -p subscribers=100 -p dataBytes=64 -p behind=100)
fi
"${LOADGEN[@]}" "$JAVA17_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main "${JMH[@]}" -rf text -rff "$OUT/jmh.txt" \
	> "$OUT/jmh.log"
cat "$OUT/jmh.txt"
echo "Done: $OUT/results.md"
