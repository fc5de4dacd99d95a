#!/bin/sh
# The README's first command: the main job on a checkpoint that real PyTorch wrote (see scripts/fixtures/).
set -eu
rnx=$1
out=$2
mkdir -p "$out"
set -x
"$rnx" archs
"$rnx" inspect fixtures/checkpoints/resnet20-cifar10.pth
