#!/usr/bin/env bash
# Feed-forward inference benchmark for docs/benchmarks.md: time per image at 512², 1024², 2048² and images/s at
# batch 1/4/8 at 256² for johnson-w16 (4 styles), johnson-w32 (1 style) and adain-w32 (random weights), each
# next to the same network pass in ONNX Runtime, both pinned to THREADS intra-op threads (default: all CPUs).
# Extra arguments go to `bench feedforward` (see --help), e.g. --model trained.safetensors.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q --nologo >/dev/null
bin/Release/net10.0/OrleansStyle.Bench feedforward --threads "${THREADS:-$(nproc)}" "$@"
