#!/usr/bin/env bash
# Candidate speed-ups of the Gatys optimisation path for docs/benchmarks.md ("Optimisation path: what was tried").
# All in-process variants run side by side in one process; the inter-op pool size can only be set before libtorch's
# first parallel work, so that comparison is a second process run right after, with its own default row.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q --nologo >/dev/null
bin=bin/Release/net10.0/OrleansStyle.Bench
iterations=${ITERATIONS:-10}
"$bin" optimize-variants 256 --iterations "$iterations" --rounds 2 --save "${SAVE:-/tmp/optimize-variants}" 2>&1 | grep --line-buffered -v -e NNPACK -e 'Optimizer::parameters'
"$bin" optimize-variants 512 --iterations "$iterations" --rounds 1 --save "${SAVE:-/tmp/optimize-variants}" 2>&1 | grep --line-buffered -v -e NNPACK -e 'Optimizer::parameters'
"$bin" optimize-variants 256 --iterations "$iterations" --rounds 2 --interop-threads 2 --variants default,intra-op 2>&1 | grep --line-buffered -v -e NNPACK -e 'Optimizer::parameters'
