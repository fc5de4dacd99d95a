#!/bin/sh
# A manual check that rnx reads zip64 torch archives over 4 GiB (too large for fixtures/ or CI): torch writes one,
# then `rnx inspect --check-data` must list both tensors and read every byte with matching CRC-32s, and
# `rnx inspect --json` must report the shapes torch wrote.
# Usage: scripts/checks/zip64_large.sh [RNX_BINARY] [DIR]   (needs .venv-torch; ~4.4 GB of disk, ~9 GB of memory)
set -eu
cd "$(dirname "$0")/../.."
rnx=${1:-.build/release/rnx}
dir=${2:-/tmp/rnx-zip64}
mkdir -p "$dir"
file=$dir/large.pth
[ -s "$file" ] || .venv-torch/bin/python scripts/checks/zip64_large.py "$file"
echo "file: $file, $(stat -c %s "$file") bytes"
"$rnx" inspect --json "$file" | python3 -c '
import json, sys
d = json.load(sys.stdin)
shapes = {t["name"]: (t["dtype"], t["shape"]) for t in d["tensors"]}
assert shapes == {"big": ("uint8", [4400030000]), "after": ("float32", [1000])}, shapes
print("inspect: shapes as torch wrote them:", shapes)'
/usr/bin/time -f "inspect --check-data: %e s, %M KB peak" "$rnx" inspect --check-data "$file" >/dev/null
echo "zip64: OK"
