#!/usr/bin/env bash
# Candidate speed-ups of the Gatys optimisation path, for docs/benchmarks.md ("Optimisation path: what was tried").
# The in-process variants run side by side in one process. libtorch takes the inter-op pool size only before its
# first parallel work, so that comparison is a pair of processes run back to back, each with its own default row.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q --nologo >/dev/null
bench() { bin/Release/net10.0/OrleansStyle.Bench optimize-variants "$@" 2>&1 | grep --line-buffered -v -e NNPACK -e 'Optimizer::parameters'; }
iterations=${ITERATIONS:-10}
bench 256 --iterations "$iterations" --rounds 2 --save "${SAVE:-/tmp/optimize-variants}"
bench 256 512 --optimizers Adam --iterations "$iterations" --rounds 2 --variants "default,NCHW,intra-op,1 thread"
bench 256 --optimizers Adam --iterations "$iterations" --rounds 2 --variants "default,intra-op"
bench 256 --optimizers Adam --iterations "$iterations" --rounds 2 --variants "default,intra-op" --interop-threads 2
