#!/usr/bin/env bash
# Temporal consistency (docs/video.md, "Temporal consistency"): three 2-s 640×360 12-fps clips made from photos (a
# pan, a zoom, a pan with a zoom out), stylised frame by frame with starry_night (per-frame statistics, and frozen
# clip statistics) by each model of MODELS, then E_warp and palette/texture of the per-frame frames and of the same
# frames blended with the temporal blender at several weights (bench temporal-blend: flow and masks shared by every
# row and model; ratios are to the first model's per-frame frames). Needs ffmpeg, a built CLI and bench
# (dotnet build src/Hosts/OrleansStyle.Cli -c Release; dotnet build bench/OrleansStyle.Bench -c Release):
#   [WORK=DIR] [MODELS="models/multi4.safetensors models/multi4-video.safetensors"] [STATISTICS="frame clip"] \
#   [FLOW_DOWNSCALE=1,2,4] bench/video/temporal.sh [weight:tolerance …]   (default 0.2:0.06 0.3:0.06 0.35:0.06 0.4:0.06 0.5:0.06)
# FLOW_DOWNSCALE: blend rows with the blend's flow computed at each downscale (default: the shipped one); E_warp is
# always measured with full-size flow.
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style
bench=bench/OrleansStyle.Bench/bin/Release/net10.0/OrleansStyle.Bench
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(0.2:0.06 0.3:0.06 0.35:0.06 0.4:0.06 0.5:0.06)
shared=${ORLEANSSTYLE_SHARED_IMAGES:-../shared/images}
work=${WORK:-}  # WORK=DIR keeps the clips and frames there
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
x264=(-frames:v 24 -c:v libx264 -crf 12 -pix_fmt yuv420p)
ffmpeg -nostdin -v error -y -loop 1 -i samples/content/garden.jpg -vf "scale=1024:-2,crop=640:360:x='20+t*60':y='60+t*10',setsar=1" -r 12 "${x264[@]}" "$work/pan.mp4"
ffmpeg -nostdin -v error -y -loop 1 -i "$shared/content/tubingen.jpg" \
  -vf "scale=3200:-2,zoompan=z='1+0.006*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=640x360:fps=12,setsar=1" "${x264[@]}" "$work/zoom.mp4"
ffmpeg -nostdin -v error -y -loop 1 -i "$shared/content/sailboat.jpg" \
  -vf "scale=2400:-2,zoompan=z='1.15-0.004*on':x='(iw-iw/zoom)*on/30':y='(ih-ih/zoom)/2':d=1:s=640x360:fps=12,setsar=1" "${x264[@]}" "$work/panzoom.mp4"
read -r -a models <<< "${MODELS:-models/multi4.safetensors}"
read -r -a statistics_modes <<< "${STATISTICS:-frame clip}"
for clip in pan zoom panzoom; do
  for statistics in "${statistics_modes[@]}"; do
    runs=()
    for model in "${models[@]}"; do
      name=$(basename "$model" .safetensors)
      "$cli" video "$work/$clip.mp4" -o "$work/$clip-$statistics-$name" --model "$model" --style starry_night \
        --statistics "$statistics" --temporal off | tail -1
      runs+=("$name=$work/$clip-$statistics-$name")
    done
    echo "### $clip, --statistics $statistics"
    "$bench" temporal-blend "$work/$clip.mp4" "$(IFS=,; echo "${runs[*]}")" samples/style/starry_night.jpg "${variants[@]}" \
      ${FLOW_DOWNSCALE:+--flow-downscale "$FLOW_DOWNSCALE"}
  done
done
