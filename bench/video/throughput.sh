#!/usr/bin/env bash
# Video throughput (docs/video.md, docs/benchmarks.md): a 3-second 640×360 pan over garden.jpg at 10 fps with a sine
# track, stylised with the bundled multi4 model on one embedded silo: the devices alone vs the whole pipeline, side by
# side in one run (interleaved). SECONDS_OF_CLIP shortens the clip on a loaded machine; ROUNDS repeats the interleaved
# pipeline passes (default 1) and prints the median ratios. Needs ffmpeg and a built bench:
#   dotnet build bench/OrleansStyle.Bench -c Release && [SECONDS_OF_CLIP=1.5] [ROUNDS=3] bench/video/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -nostdin -v error -y -loop 1 -i samples/content/garden.jpg -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -filter_complex "[0:v]scale=1280:-2,zoompan=z='1+0.002*on':x='iw/2-(iw/zoom/2)+on*4':y='ih/2-(ih/zoom/2)':d=1:s=640x360:fps=10[v]" \
  -map "[v]" -map 1:a -t "${SECONDS_OF_CLIP:-3}" -r 10 -c:v libx264 -pix_fmt yuv420p -c:a aac "$work/pan640.mp4"
dotnet bench/OrleansStyle.Bench/bin/Release/net10.0/OrleansStyle.Bench.dll video models/multi4.safetensors "$work/pan640.mp4" starry_night "${ROUNDS:-1}"
