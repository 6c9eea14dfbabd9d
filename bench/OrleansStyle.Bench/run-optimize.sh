#!/usr/bin/env bash
# Optimisation benchmarks for docs/benchmarks.md: iteration times per size and optimiser, then resident
# memory over a long run with glibc's allocator and with jemalloc, side by side in one invocation.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q --nologo >/dev/null
bin=bin/Release/net10.0/OrleansStyle.Bench
iterations=${ITERATIONS:-1000}
"$bin" optimize 256 512 1024
echo
echo "| allocator | iterations | RSS at 100 | RSS at end | peak RSS | growth 100→end |"
echo "|---|---|---|---|---|---|"
"$bin" optimize-rss "$iterations"
jemalloc=$(ls /usr/lib/*-linux-gnu/libjemalloc.so.2 2>/dev/null | head -n1 || true)
if [ -n "$jemalloc" ]; then
  LD_PRELOAD="$jemalloc" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 "$bin" optimize-rss "$iterations"
else
  echo "(jemalloc not installed: apt-get install libjemalloc2)"
fi
