#!/usr/bin/env bash
# Renders pairmatch.svg to the PNG sizes beside it (the dashboard's window icon needs no SVG
# support in Qt; the desktop's icon theme gets both). Run after changing the SVG; needs
# rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" pairmatch.svg -o "pairmatch-$size.png"
done
