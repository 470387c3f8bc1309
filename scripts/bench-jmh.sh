#!/usr/bin/env bash
# JMH benchmarks of Culprit's parsers (lines/s per core on captured lines) and detectors
# (events/s), see benchmarks/README.md. Builds the benchmarks module from this checkout, prints
# the machine, then runs JMH with any arguments given, for example:
#   scripts/bench-jmh.sh                          # everything, 3 x 1 s warm-up, 5 x 1 s measured, 1 fork
#   scripts/bench-jmh.sh EvasiveLines             # the benchmarks whose name matches
#   scripts/bench-jmh.sh -prof gc PhpMailLines    # with allocation per operation
#   scripts/bench-jmh.sh -l                       # list them
set -euo pipefail
cd "$(dirname "$0")/.."

# -am builds the modules benchmarked from this checkout, so the classpath names their jars here, never ~/.m2's
mvn -B -q -pl benchmarks -am package -DskipTests

echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(uname -sr)," \
     "$(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/benchmark.classpath)" org.openjdk.jmh.Main "$@"
