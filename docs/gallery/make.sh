#!/usr/bin/env bash
# Rebuilds the gallery: every PNG here is a --comparison strip written by `orleans-style render`
# (content | mask | style(s) | result) with the default settings unless the line says otherwise:
# the painting pairs at 512 px (where the quality targets apply), the controls at 384 px.
# Reads the sample images from ../shared/images; takes about 20 minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)
images=${ORLEANSSTYLE_SHARED_IMAGES:-$repo/../shared/images}
dotnet build "$repo/src/Hosts/OrleansStyle.Cli" -c Release -v q --nologo >/dev/null
cli="$repo/src/Hosts/OrleansStyle.Cli/bin/Release/net10.0/orleans-style"
c() { echo "$images/content/$1.jpg"; }
s() { ls "$images/style/$1".* | head -n1; }

render() { # name, size, args…
  local name=$1 size=$2; shift 2
  echo "== $name"
  "$cli" render "$@" --size "$size" -o "/tmp/gallery-$name.png" --comparison "$name.png" --metrics | grep -E "palette|texture|structure|chroma" | awk -F'│' '{gsub(/ /, "", $2); gsub(/ /, "", $3); print $2, $3}' | tee "$name.txt"
}

# Pairs: defaults, one painting each.
render tubingen-starry_night 512       "$(c tubingen)"    --style "$(s starry_night)"
render golden_gate-the_scream 512      "$(c golden_gate)" --style "$(s the_scream)"
render chicago-matisse 512             "$(c chicago)"     --style "$(s woman-with-hat-matisse)"
render cornell-la_muse 512             "$(c cornell)"     --style "$(s la_muse)"
render sailboat-picasso 512            "$(c sailboat)"    --style "$(s picasso_selfport1907)"

# Colour control.
render luminance-only 384              "$(c golden_gate)" --style "$(s starry_night)" --color LuminanceOnly
render match-content-colors 384        "$(c golden_gate)" --style "$(s starry_night)" --color MatchContentColors
render preserve-content-colors 384     "$(c golden_gate)" --style "$(s starry_night)" --color PreserveContentColors

# Spatial control: the portrait mask stretched over a square photo, a painting per region.
render regions 384                     "$(c sailboat)" --stretch-masks \
  --region "$images/mask/mask.png:$(s starry_night)" --region "!$images/mask/mask.png:$(s the_scream)"

# Scale control.
render strokes-fine 384                "$(c tubingen)" --style "$(s starry_night)" --strokes Fine
render strokes-coarse 384              "$(c tubingen)" --style "$(s starry_night)" --strokes Coarse
render style-scale-0.5 384             "$(c tubingen)" --style "$(s starry_night)" --style-scale 0.5
render style-scale-2 384               "$(c tubingen)" --style "$(s starry_night)" --style-scale 2
render mixed-scale 384                 "$(c tubingen)" --fine-style "$(s starry_night)" --coarse-style "$(s the_scream)"

# Blending two paintings.
render blend-starry-scream 384         "$(c chicago)" --style "$(s starry_night)=0.5" --style "$(s the_scream)=0.5"
