#!/usr/bin/env bash
# Put the PETS 2009 S2.L1 sample clip (vtest.avi) at the given path.
# From ../shared/footage when it is there, else from Debian's opencv-doc package.
set -euo pipefail
target=${1:-sample_videos/vtest.avi}
shared=${SHARED:-../shared}/footage/pets09_s2l1/vtest.avi
mkdir -p "$(dirname "$target")"
if [ -f "$shared" ]; then
    cp "$shared" "$target"
    echo "copied $shared -> $target"
    exit 0
fi
command -v apt-get >/dev/null || { echo "get_sample_video: no $shared and no apt-get; put vtest.avi at $target yourself" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download opencv-doc >/dev/null 2>&1) || {
    echo "get_sample_video: 'apt-get download opencv-doc' failed (try 'apt-get update' first)" >&2; exit 1; }
dpkg-deb -x "$work"/opencv-doc_*.deb "$work/x"
cp "$work/x/usr/share/doc/opencv-doc/examples/data/vtest.avi" "$target"
echo "extracted vtest.avi from Debian's opencv-doc -> $target"
