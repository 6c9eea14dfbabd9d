#!/usr/bin/env bash
# Feed-forward and AdaIN quality at large sizes with the automatic stroke scale (models/README.md, "Stroke scale:
# larger pictures"; issue 17): each photo is enlarged to 2048 px long side with ffmpeg (Lanczos, so 2048-px inputs are
# soft photos), rendered whole at SIZE px with S = SIZE/256 (the farm's automatic scale, same algorithm as its tiles),
# and measured with `orleans-style quality` against the painting. Usage:
#   bench/quality/stroke-scale-pairs.sh OUTDIR multi4|adain "SIZE…" "photo:painting…"
#   e.g. bench/quality/stroke-scale-pairs.sh /tmp/ss adain "1024 2048" "sailboat:la_muse tubingen:sketch"
# Photos and paintings from ../shared/images. Prints one markdown row per pair-size; run it under `nice -n 10` on a
# shared machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
images=${ORLEANSSTYLE_SHARED_IMAGES:-$repo/../shared/images}
out=${1:?usage: stroke-scale-pairs.sh OUTDIR multi4|adain \"SIZE…\" \"photo:painting…\"}
model=${2:?model: multi4 or adain}
read -r -a sizes <<<"${3:?sizes, e.g. \"512 1024 2048\"}"
read -r -a pairs <<<"${4:?pairs, e.g. \"tubingen:sketch\"}"
cli="$repo/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style"
[[ -x $cli ]] || dotnet build "$repo/src/Hosts/OrleansStyle.Cli" -c Release -v q --nologo >/dev/null
mkdir -p "$out"

painting() { ls "$images/style/$1".* | head -n1; }
enlarged() { # photo name → the photo at 2048 px long side (made once)
  local big="$out/$1-2048.png"
  [[ -f $big ]] || ffmpeg -nostdin -v error -y -i "$images/content/$1.jpg" \
    -vf "scale='if(gt(iw,ih),2048,-2)':'if(gt(iw,ih),-2,2048)':flags=lanczos" "$big"
  echo "$big"
}

echo "| model | photo | painting | size | S | palette | texture | structure | seconds |"
echo "|---|---|---|---|---|---|---|---|---|"
for pair in "${pairs[@]}"; do
  p=${pair%%:*} s=${pair##*:}
  photo=$(enlarged "$p")
  for n in "${sizes[@]}"; do
    scale=$((n / 256)) name="$model-$p-$s-$n" start=$SECONDS
    if [[ $model == adain ]]; then style=(--method adain --style "$(painting "$s")"); else style=(--style "$s"); fi
    "$cli" render "$photo" --model "$repo/models/$model.safetensors" "${style[@]}" --size "$n" --whole \
      --stroke-scale "$scale" -o "$out/$name.png" >"$out/$name.log" 2>&1
    took=$((SECONDS - start))
    read -r pal tex str < <("$cli" quality "$out/$name.png" --content "$photo" --style "$(painting "$s")" |
      awk -F'│' '/palette|texture|structure/ {gsub(/ /, "", $3); v = v $3 " "} END {print v}')
    flag() { awk -v v="$1" -v lim="$2" 'BEGIN {bad = v > lim; printf bad ? "**%s**" : "%s", v}'; }
    echo "| $model | $p | $s | $n | $scale | $(flag "$pal" 0.40) | $(flag "$tex" 0.65) | $str | $took |"
  done
done
