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
# Bootstrap and Chart.js end in a sourceMappingURL comment: their .map files travel with them, so the files
# stay byte for byte what npm installed and production's manifest storage (which rewrites each reference to
# the hashed name of the file it points to) finds every file it is sent to (see the check below).
cp "$nm/bootstrap/dist/css/bootstrap.rtl.min.css" "$nm/bootstrap/dist/css/bootstrap.rtl.min.css.map" \
   "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/css/bootstrap.min.css.map" "$out/css/"
cp "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js.map" "$out/js/"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/js/"
cp "$nm/chart.js/dist/chart.umd.min.js" "$nm/chart.js/dist/chart.umd.min.js.map" "$out/js/"
cp "$nm/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js" "$out/js/"
cp "$nm/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css" "$out/css/"

# The province map comes from the npm package react-iran-map (MIT). Only its tarball is fetched
# (its package.json lists build tools as dependencies), checked against the pinned integrity,
# and its SVG outlines are extracted to JSON.
MAP_VERSION=0.1.3
MAP_SHA512="/E7M4Tj5oHdwzr1/q+ZhtEIre9r/qaYI8coDVOyvsQDUQ8+akQzkZRLgc3ESS/5SrYaVaWPU9dHpLp8cWzL4Bw=="
cache="$nm/.maharat-cache"
mkdir -p "$cache" "$out/map"
tgz="$cache/react-iran-map-$MAP_VERSION.tgz"
if [ ! -f "$tgz" ]; then
  (cd "$cache" && npm pack "react-iran-map@$MAP_VERSION" --silent >/dev/null)
fi
actual=$(openssl dgst -sha512 -binary "$tgz" | base64 | tr -d '\n')
if [ "$actual" != "$MAP_SHA512" ]; then
  echo "react-iran-map tarball does not match its pinned integrity" >&2
  rm -f "$tgz"
  exit 1
fi
rm -rf "$cache/react-iran-map" && mkdir -p "$cache/react-iran-map"
tar xzf "$tgz" -C "$cache/react-iran-map"
cp "$cache/react-iran-map/package/LICENSE" "$out/map/react-iran-map-LICENSE.txt"
node scripts/extract-iran-map.cjs "$cache/react-iran-map/package" "$out/map/iran-provinces.json"
# A source map named by a copied file but left behind fails `maharat collectstatic` under production
# settings (ManifestStaticFilesStorage): refuse to finish instead.
status=0
for f in "$out"/css/*.css "$out"/js/*.js; do
  for name in $(sed -n 's|.*sourceMappingURL=\([^ *]*\).*|\1|p' "$f"); do
    if [ ! -f "$(dirname "$f")/$name" ]; then
      echo "$f names the source map $name, which was not copied" >&2
      status=1
    fi
  done
done
[ "$status" -eq 0 ] || exit 1
echo "vendor assets copied to $out"
