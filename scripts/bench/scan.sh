#!/bin/sh
# Issue 17's scan targets, with baselines measured in the same run on a warm cache:
#   rnx scan of a 240 MB resnet152 checkpoint (zip and legacy) reads only its pickles and headers: < 50 ms,
#   against `cat FILE > /dev/null` (reading the whole file), and against `rnx --version` (process start);
#   rnx scan --recursive of a directory of 1,000 small pickles (protocols 0-5, one in ten naming os.system): < 2 s,
#   against `cat DIR/* > /dev/null`.
# Usage: scripts/bench/scan.sh RNX_BINARY
set -eu
rnx=${1:-.build/release/rnx}
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh
bench_checkpoints >/dev/null
start_s=$(best_seconds 5 "$rnx" --version)
for file in "$BENCH_DIR/resnet152.pth" "$BENCH_DIR/resnet152-legacy.pth"; do
    [ -s "$file" ] || { echo "scan: $(basename "$file") needs the torch venv; skipped"; continue; }
    cat "$file" >/dev/null
    scan_s=$(best_seconds 7 "$rnx" scan "$file")
    cat_s=$(best_seconds 3 cat "$file")
    cpu_s=$(cpu_seconds "$rnx" scan "$file")
    echo "$(basename "$file") ($(($(wc -c <"$file") / 1000000)) MB): rnx scan ${scan_s}s (best of 7; target < 0.05 s)," \
        "${cpu_s}s CPU; cat ${cat_s}s; rnx --version ${start_s}s; scan / cat $(ratio "$scan_s" "$cat_s")"
done
dir=$BENCH_DIR/scan-1000
if [ ! -s "$dir/0999.pkl" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    python3 - "$dir" <<'PY'
import os, pickle, random, sys
random.seed(17)
class Evil:
    def __reduce__(self):
        return (os.system, ("true",))
for i in range(1000):
    obj = {"epoch": i, "loss": random.random(), "names": [f"layer{j}" for j in range(random.randint(1, 50))],
           "blob": bytes(random.getrandbits(8) for _ in range(random.randint(0, 2000))), "ids": set(range(i % 17))}
    if i % 10 == 0:
        obj["evil"] = Evil()
    with open(os.path.join(sys.argv[1], f"{i:04d}.pkl"), "wb") as f:
        pickle.dump(obj, f, protocol=i % 6)
PY
fi
cat "$dir"/* >/dev/null
dir_s=$(best_seconds 3 "$rnx" scan --recursive "$dir")
dir_cpu=$(cpu_seconds "$rnx" scan --recursive "$dir")
cat_s=$(best_seconds 3 sh -c "cat $dir/* >/dev/null")
echo "scan-1000 ($(du -sk "$dir" | cut -f1) KB, 1,000 pickles): rnx scan --recursive ${dir_s}s (best of 3; target < 2 s), ${dir_cpu}s CPU;" \
    "cat ${cat_s}s; ratio $(ratio "$dir_s" "$cat_s")"
