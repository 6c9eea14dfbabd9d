#!/usr/bin/env bash
# Rebuilds samples/ from its two sources: Debian's mate-backgrounds package (photographs, GPL-2+) and the four
# public-domain paintings of ../shared/images/style. Needs ImageMagick. Long sides are capped at 1024 px so the
# folder stays small; metadata is stripped except storm.jpg's EXIF, which the reader tests need to see dropped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mate=/usr/share/backgrounds/mate/nature
paintings=${ORLEANSSTYLE_SHARED_IMAGES:-$here/../../shared/images}/style
mkdir -p "$here/content" "$here/style" "$here/mask"

shrink() { # source destination [extra convert options]
  local source=$1 destination=$2
  shift 2
  convert "$source" -resize '1024x1024>' "$@" -quality 90 -sampling-factor 4:2:0 "$destination"
}

shrink "$mate/Storm.jpg" "$here/content/storm.jpg"
shrink "$mate/Dune.jpg" "$here/content/dune.jpg" -strip
shrink "$mate/LadyBird.jpg" "$here/content/ladybird.jpg" -strip
shrink "$mate/YellowFlower.jpg" "$here/content/yellow_flower.jpg" -strip
shrink "$mate/RainDrops.jpg" "$here/content/raindrops.jpg" -strip
# Progressive, so the reader's progressive-JPEG path is tested on a real photo.
shrink "$mate/Garden.jpg" "$here/content/garden.jpg" -strip -interlace JPEG

# Already small and bare: copied byte for byte, so tests see the same pixels with or without ../shared.
install -m 644 "$paintings/starry_night.jpg" "$paintings/woman-with-hat-matisse.jpg" "$here/style/"
shrink "$paintings/the_scream.jpg" "$here/style/the_scream.jpg" -strip
shrink "$paintings/mondrian.jpg" "$here/style/mondrian.jpg" -strip

# The flower's foreground mask (white = flower): the dark background thresholds cleanly; opening drops specks and
# closing fills the dark stamens, so the region is one solid shape.
convert "$here/content/yellow_flower.jpg" -colorspace Gray -blur 0x4 -threshold 30% \
  -morphology Open Disk:4 -morphology Close Disk:12 -type bilevel -define png:exclude-chunks=date,time "$here/mask/yellow_flower.png"
