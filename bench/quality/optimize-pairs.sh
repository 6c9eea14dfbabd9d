#!/usr/bin/env bash
# Optimisation (Gatys) quality on photo × painting pairs at the default settings (docs/quality.md, "Optimisation:
# held-out pairs"): renders each pair with `orleans-style render --whole` and tabulates `orleans-style quality` against
# the painting. Up to 512 px the picture is its own farm thumbnail, so the farm runs exactly this (one coarse-to-fine
# pass: 256 px × 200 iterations, then 512 px × 300); --whole also escapes the gateway's 30-min stream cap, which a
# 512-px optimisation on a machine at load 100 exceeded. Extra render options (experiments) go in $RENDER_ARGS. Usage:
#   bench/quality/optimize-pairs.sh OUTDIR [held-out|tuned|all] [SIZE]
# Pairs as photo:painting; photos from ../shared/images/content or samples/content, paintings from
# ../shared/images/style. $JOBS renders run at once (default 1); run it under `nice -n 10` on a shared machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
images=${ORLEANSSTYLE_SHARED_IMAGES:-$repo/../shared/images}
out=${1:?usage: optimize-pairs.sh OUTDIR [held-out|tuned|all] [SIZE]}
set_name=${2:-held-out}
size=${3:-512}
cli="$repo/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style"
[[ -x $cli ]] || dotnet build "$repo/src/Hosts/OrleansStyle.Cli" -c Release -v q --nologo >/dev/null
mkdir -p "$out"

# The gallery's pairs: the defaults were tuned on these (docs/gallery/README.md).
tuned=(tubingen:starry_night golden_gate:the_scream chicago:woman-with-hat-matisse cornell:la_muse sailboat:picasso_selfport1907)
# Held out: never looked at while tuning. Photos with large dark or flat areas (storm's dark sky and ground, dune's
# flat sand and sky, raindrops' flat blurred backdrop, newyork's night, modern's plain walls, flowers), paintings
# with large strokes or flat areas (the_scream, matisse, brushstrokes, mondrian, starry_night).
held_out=(storm:starry_night storm:brushstrokes dune:the_scream dune:woman-with-hat-matisse raindrops:starry_night
  newyork:brushstrokes modern:the_scream flowers:mondrian)
case $set_name in
  tuned) pairs=("${tuned[@]}") ;;
  held-out) pairs=("${held_out[@]}") ;;
  all) pairs=("${tuned[@]}" "${held_out[@]}") ;;
  *) pairs=($set_name) ;; # an explicit list: "storm:starry_night dune:the_scream"
esac

photo() { for d in "$images/content" "$repo/samples/content"; do [[ -f $d/$1.jpg ]] && { echo "$d/$1.jpg"; return; }; done; echo "no photo $1" >&2; exit 2; }
painting() { ls "$images/style/$1".* | head -n1; }

one() { # photo:painting → renders and writes NAME.txt with "palette texture structure seconds"
  local p=${1%%:*} s=${1##*:} name=${1/:/-}
  local start=$SECONDS
  # shellcheck disable=SC2086
  "$cli" render "$(photo "$p")" --style "$(painting "$s")" --size "$size" --whole -o "$out/$name.png" \
    --comparison "$out/$name-strip.png" ${RENDER_ARGS:-} >"$out/$name.log" 2>&1
  local took=$((SECONDS - start))
  "$cli" quality "$out/$name.png" --content "$(photo "$p")" --style "$(painting "$s")" \
    | awk -F'│' -v t="$took" '/palette|texture|structure/ {gsub(/ /, "", $3); v = v $3 " "} END {print v t}' >"$out/$name.txt"
}
export -f one photo painting
export cli images repo out size RENDER_ARGS

printf '%s\n' "${pairs[@]}" | xargs -P "${JOBS:-1}" -I{} bash -c 'one {}'

echo "| photo | painting | palette | texture | structure | seconds |"
echo "|---|---|---|---|---|---|"
for pair in "${pairs[@]}"; do
  read -r pal tex str sec <"$out/${pair/:/-}.txt"
  flag() { awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN {bad = dir == "max" ? v > lim : v < lim; printf bad ? "**%s**" : "%s", v}'; }
  echo "| ${pair%%:*} | ${pair##*:} | $(flag "$pal" 0.30 max) | $(flag "$tex" 0.55 max) | $(flag "$str" 0.35 min) | $sec |"
done
