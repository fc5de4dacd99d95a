#!/bin/sh
# Runs each libFuzzer target for FUZZ_SECONDS (default 60), seeded from fixtures/, and prints one summary line
# per target: executions, seconds, new corpus size and crashes. Crash inputs land in fuzz-out/<target>/.
#
# Limits passed to libFuzzer make resource bugs findings too: a run over 10 s is a hang (-timeout), a single
# allocation over 512 MB or a process over 1.5 GB is reported (-malloc_limit_mb, -rss_limit_mb).
# Usage: FUZZ_SECONDS=60 scripts/fuzz/run.sh [pickle|torchzip|legacy|safetensors]...
set -u
cd "$(dirname "$0")/../.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
targets=${*:-pickle torchzip legacy safetensors}
scripts/fuzz/build.sh $targets || exit 1
seeds=.build-fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds/pickle" "$seeds/files"
# Seeds: every committed checkpoint, safetensors and attack file; the pickle target gets the pickles inside them.
find fixtures -type f \( -name '*.pth' -o -name '*.pt' -o -name '*.tar' -o -name '*.safetensors' -o -name '*.rnw' \
    -o -name '*.bin' \) -size -1100k -exec cp {} "$seeds/files/" \;
python3 - "$seeds" <<'PY'
import os, sys, zipfile
seeds = sys.argv[1]
for name in os.listdir(os.path.join(seeds, "files")):
    path = os.path.join(seeds, "files", name)
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith(".pkl") and info.file_size < 1 << 20:
                    with open(os.path.join(seeds, "pickle", name + "." + info.filename.replace("/", "_")), "wb") as f:
                        f.write(z.read(info))
    except Exception:
        pass  # not a zip, or a deliberately broken one
PY
status=0
for t in $targets; do
    corpus=.build-fuzz/corpus-$t
    out=fuzz-out/$t
    mkdir -p "$corpus" "$out"
    case $t in
    pickle) seed_dir=$seeds/pickle; max_len=65536 ;;
    torchzip) seed_dir=$seeds/files; max_len=262144 ;;
    *) seed_dir=$seeds/files; max_len=65536 ;;
    esac
    log=$out/fuzz.log
    ".build-fuzz/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=10 -malloc_limit_mb=512 -rss_limit_mb=1536 \
        -max_len=$max_len -print_final_stats=1 -artifact_prefix="$out/" "$corpus" "$seed_dir" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    crashes=$(find "$out" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    echo "fuzz $t: exit $rc, ${runs:-?} executions in ${took:-?} s, corpus $(ls "$corpus" | wc -l), findings $crashes (log $log)"
    [ "$rc" -eq 0 ] || status=1
done
exit $status
