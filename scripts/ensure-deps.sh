#!/bin/sh
# Makes sure the Debian packages rnx builds against are installed.
# As root it installs what is missing with apt-get; otherwise it prints the one command to run and fails.
set -eu
packages="libzip-dev zlib1g-dev libisal-dev libopenblas-dev pkg-config time librsvg2-bin libjpeg62-turbo-dev libpng-dev libdnnl-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "rnx: installing missing Debian packages:$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "rnx: missing Debian packages:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 1
fi
