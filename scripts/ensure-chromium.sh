#!/bin/sh
# The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
set -eu
command -v chromium >/dev/null 2>&1 && exit 0
echo "installing Debian's chromium for the browser tests ..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
