#!/bin/sh
# Copy the front-end packages installed from npm into Django's static folder.
# They are served by the platform itself: nothing is fetched from a CDN at run time.
set -eu
out=${1:-maharat/static/vendor}
nm=node_modules
rm -rf "$out"
mkdir -p "$out/fonts" "$out/css" "$out/js"
# Vazirmatn: only the three weights maharat.css and the PDF templates name (400, 500, 700), each cut down to the
# characters the platform shows (about 25 KB instead of 51 KB a weight): ASCII and Latin-1 (the English interface,
# codes, serials, Western names), general punctuation (ZWNJ, dashes, quotes, bidi marks), the Arabic letters of
# Persian and Arabic with their diacritics, Arabic-Indic and Persian digits, ٪ ٫ ٬ and the Rial sign. Every
# OpenType feature is kept, and the glyphs the shaping rules reach (initial, medial, final forms, lam-alef) with
# them. A character outside the subset (a Kurdish ڵ, a Vietnamese ư) is drawn from the next font of the stack
# (Tahoma, the system's sans-serif). The OFL reserves no font name, so the subset keeps it. Without fontTools
# (installed with weasyprint in .venv) the fonts are copied whole.
FONT_WEIGHTS="Regular Medium Bold"
FONT_UNICODES="U+0020-007E,U+00A0-00FF,U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2212,U+25CC,U+FFFD,\
U+060C,U+061B,U+061F,U+0621-063A,U+0640-0655,U+0660-066D,U+0670,U+067E,U+0686,U+0698,U+06A9,U+06AF,U+06BE,\
U+06C0-06C3,U+06CC,U+06D0,U+06D5,U+06F0-06F9,U+FDFC"
PY=${VENDOR_PYTHON:-.venv/bin/python}
for weight in $FONT_WEIGHTS; do
  src="$nm/vazirmatn/fonts/webfonts/Vazirmatn-$weight.woff2"
  if "$PY" -c "import fontTools.subset, brotli" 2>/dev/null; then
    "$PY" -m fontTools.subset "$src" --flavor=woff2 --output-file="$out/fonts/Vazirmatn-$weight.woff2" \
      --unicodes="$FONT_UNICODES" --layout-features='*' --no-hinting
  else
    echo "fontTools is not installed in $PY: Vazirmatn-$weight.woff2 copied whole" >&2
    cp "$src" "$out/fonts/"
  fi
done
# The same characters from the variable font, its weight axis cut to 400-700: every weight the pages use in one
# file of about 50 KB, where the three files above take 86 KB in three requests (drawn the same, to the pixel
# but for anti-aliasing). For a single @font-face with `font-weight: 400 700` in maharat.css; the PDFs
# (WeasyPrint) keep the static files.
if "$PY" -c "import fontTools.subset, fontTools.varLib.instancer, brotli" 2>/dev/null; then
  "$PY" -m fontTools.subset "$nm/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2" --flavor=woff2 \
    --output-file="$out/fonts/.Vazirmatn-Variable-all.woff2" --unicodes="$FONT_UNICODES" --layout-features='*' --no-hinting
  "$PY" -m fontTools.varLib.instancer --quiet "$out/fonts/.Vazirmatn-Variable-all.woff2" wght=400:700 \
    -o "$out/fonts/Vazirmatn-Variable.woff2"
  rm "$out/fonts/.Vazirmatn-Variable-all.woff2"
fi
cp "$nm/vazirmatn/OFL.txt" "$out/fonts/Vazirmatn-OFL.txt"
# Bootstrap's style sheets (RTL for Persian, LTR for English) are not copied whole: scripts/purge-css.cjs
# (PurgeCSS, an npm dev dependency) keeps the rules the platform's templates, scripts and Python modules name,
# and those Bootstrap's scripts add at run time: bootstrap.rtl.purged.css and bootstrap.purged.css, about a
# quarter of the 227 KB sheet each, without the source map of the whole one. Run it again after a template
# edit (maharat/web/tests/test_css_purge.py fails when a template uses a Bootstrap class the sheet lacks).
node scripts/purge-css.cjs "$out"
# Bootstrap's bundle and Chart.js end in a sourceMappingURL comment: their .map files travel with them, so the
# files stay byte for byte what npm installed and production's manifest storage (which rewrites each reference
# to the hashed name of the file it points to) finds every file it is sent to (see the check below).
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
