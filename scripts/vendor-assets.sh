#!/bin/sh
# Copy the front-end packages installed from npm into Django's static folder.
# They are served by the platform itself: nothing is fetched from a CDN at run time.
set -eu
out=${1:-maharat/static/vendor}
nm=node_modules
rm -rf "$out"
mkdir -p "$out/fonts" "$out/css" "$out/js"
cp "$nm/vazirmatn/fonts/webfonts/"Vazirmatn-*.woff2 "$out/fonts/"
cp "$nm/vazirmatn/OFL.txt" "$out/fonts/Vazirmatn-OFL.txt"
cp "$nm/bootstrap/dist/css/bootstrap.rtl.min.css" "$nm/bootstrap/dist/css/bootstrap.min.css" "$out/css/"
cp "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$out/js/"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/js/"
cp "$nm/chart.js/dist/chart.umd.min.js" "$out/js/"
cp "$nm/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js" "$out/js/"
cp "$nm/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css" "$out/css/"
echo "vendor assets copied to $out"
