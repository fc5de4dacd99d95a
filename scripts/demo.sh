#!/bin/sh
# The README's first command: the main job on a checkpoint that real PyTorch wrote
# (fixtures/checkpoints/resnet20-cifar10.pth, by scripts/fixtures/gen_checkpoints.py).
set -eu
rnx=$1
out=$2
pth=fixtures/checkpoints/resnet20-cifar10.pth
mkdir -p "$out"
step() { printf '\n$ %s\n' "$*"; "$@"; }
step "$rnx" inspect "$pth"
step "$rnx" convert "$pth" "$out/resnet20-5class.rnw" --num-classes 5 --force
step "$rnx" verify "$pth" "$out/resnet20-5class.rnw"
step "$rnx" summary "$out/resnet20-5class.rnw" --depth 1
step "$rnx" validate "$pth" --input fixtures/forward/input-cifar.npy --expect fixtures/forward/resnet20-cifar10.logits.npy
