#!/usr/bin/env bash
# Rebuilds the feed-forward gallery with the bundled models: every PNG is a --comparison strip written by
# `orleans-style render` (photo | result) at 512 px, and each .txt holds the quality figures of docs/quality.md
# measured against the painting. Photos here were never seen in training (the held-out ones); the AdaIN paintings
# were never seen either. Reads ../shared/images; takes a few minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../../.. && pwd)
images=${ORLEANSSTYLE_SHARED_IMAGES:-$repo/../shared/images}
# ORLEANSSTYLE_CLI: an already built orleans-style to use instead of building this checkout.
cli=${ORLEANSSTYLE_CLI:-}
if [ -z "$cli" ]; then
  dotnet build "$repo/src/Hosts/OrleansStyle.Cli" -c Release -v q --nologo >/dev/null
  cli="$repo/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style"
fi
c() { echo "$images/content/$1.jpg"; }
s() { ls "$images/style/$1".* | head -n1; }

figures() { # result, photo, painting → "palette texture structure"
  "$cli" quality "$1" --content "$2" --style "$3" | grep -E "palette|texture|structure" | awk -F'│' '{gsub(/ /, "", $2); gsub(/ /, "", $3); print $2, $3}'
}

model() { # name, photo, style name, extra args…
  local name=$1 photo=$2 style=$3; shift 3
  echo "== $name"
  "$cli" render "$(c "$photo")" --model "$repo/models/multi4.safetensors" --style "$style" "$@" --size 512 -o "/tmp/ff-$name.png" --comparison "$name.png" >/dev/null
  figures "/tmp/ff-$name.png" "$(c "$photo")" "$(s "${style%%=*}")" | tee "$name.txt"
}

adain() { # name, photo, painting, extra args…
  local name=$1 photo=$2 painting=$3; shift 3
  echo "== $name"
  "$cli" render "$(c "$photo")" --model "$repo/models/adain.safetensors" --method adain --style "$(s "$painting")" "$@" --size 512 -o "/tmp/ff-$name.png" --comparison "$name.png" >/dev/null
  figures "/tmp/ff-$name.png" "$(c "$photo")" "$(s "$painting")" | tee "$name.txt"
}

# The four bundled styles on held-out photos.
model golden_gate-starry_night golden_gate starry_night
model tubingen-the_scream tubingen the_scream
model sailboat-matisse sailboat woman-with-hat-matisse
model golden_gate-mondrian golden_gate mondrian
# Interpolation and colour control.
model tubingen-starry-scream-interpolated tubingen starry_night=0.5 --style the_scream=0.5
model golden_gate-starry-luminance-only golden_gate starry_night --color LuminanceOnly
# AdaIN with paintings it never saw, α, and colour preservation.
adain golden_gate-la_muse golden_gate la_muse
adain tubingen-picasso tubingen picasso_selfport1907
adain sailboat-brushstrokes sailboat brushstrokes
adain golden_gate-sketch golden_gate sketch
adain tubingen-la_muse-alpha-0.5 tubingen la_muse --alpha 0.5
