#!/bin/sh
# What the test suite needs from Debian: chromium (driven by Playwright; never a downloaded browser)
# poppler-utils (pdftotext/pdftoppm, to read back the PDFs the platform produces) and wrk (the load
# generator of `make bench` and its CI smoke run).
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
[ -z "$missing" ] && exit 0
echo "installing Debian packages for the tests:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
