#!/usr/bin/env bash
# Pumping with frozen vs per-frame normalisation statistics (docs/video.md, "Measured"): a black box slides across the
# top of a still photo; the bottom half (rows 100–191) never changes in the content, so any change there between
# consecutive output frames is the normalisation reacting to the box. Needs ffmpeg, python3 and a built CLI:
#   bench/video/pumping.sh [path/to/orleans-style]
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=${1:-src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -v error -y -loop 1 -i samples/content/garden.jpg -f lavfi -i "color=black:s=110x70:r=12" \
  -filter_complex "[0:v]scale=320:192,setsar=1[bg];[bg][1:v]overlay=x='-120+t*80':y=10:shortest=1[v]" \
  -map "[v]" -t 4 -r 12 -c:v libx264 -crf 10 -pix_fmt yuv420p "$work/box.mp4"
for mode in clip frame; do
  "$cli" video "$work/box.mp4" -o "$work/$mode" --model models/multi4.safetensors --style starry_night --statistics "$mode" | tail -1
done
python3 - "$work/box.mp4" "$work/clip" "$work/frame" <<'PY'
import subprocess, sys
w, h = 320, 192
for path in sys.argv[1:]:
    source = ["-i", path] if path.endswith(".mp4") else ["-i", path + "/frame_%06d.png"]
    raw = subprocess.run(["ffmpeg", "-v", "error", *source, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    n = w * h * 3
    frames = [raw[i:i + n] for i in range(0, len(raw), n)]
    lo = 100 * w * 3
    diffs = [sum(abs(x - y) for x, y in zip(a[lo:], b[lo:])) / (n - lo) / 255 for a, b in zip(frames, frames[1:])]
    print(f"{path.split('/')[-1]}: {len(frames)} frames, static half mean |Δ| {sum(diffs) / len(diffs):.4f}, max {max(diffs):.4f}")
PY
