#!/usr/bin/env bash
# Optimisation video and Ruder et al. 2016 (docs/video.md, "Optimisation"): a pan over garden.jpg made with ffmpeg,
# stylised with `video --method optimize` three ways (independent frames, warm start, warm start + temporal loss),
# then E_warp and palette/texture of each with `quality --video`, and the content clip itself as the floor.
# Needs ffmpeg and a built CLI (dotnet build src/Hosts/OrleansStyle.Cli -c Release):
#   bench/video/optimize-temporal.sh [SIZE [SECONDS [ITERATIONS]]]   (default 192 0.6 10: 6 frames of 192×120)
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=$PWD/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style
size=${1:-192} seconds=${2:-0.6} iterations=${3:-10}
style=$PWD/samples/style/starry_night.jpg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -nostdin -v error -y -loop 1 -i samples/content/garden.jpg -vf "scale=512:-2,crop=256:160:x='20+t*48':y=60,format=yuv420p" \
  -t 1.0 -r 10 -c:v libx264 -crf 12 "$work/pan.mp4"
for temporal in off warm ruder; do
  "$cli" video "$work/pan.mp4" -o "$work/$temporal" --method optimize --style "$style" --iterations "$iterations" \
    --duration "$seconds" --size "$size" --temporal "$temporal" | tail -1
done
for result in off warm ruder; do
  echo "### --temporal $result"
  "$cli" quality --video "$work/$result" --content "$work/pan.mp4" --style "$style"
done
echo "### content (floor)"
"$cli" quality --video "$work/pan.mp4" --content "$work/pan.mp4" --style "$style"
