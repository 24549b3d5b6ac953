#!/usr/bin/env node
// Bootstrap's style sheets cut to the rules the platform's pages can use (issue 16, "Light pages"), with PurgeCSS
// (an npm dev dependency): the 227 KB RTL sheet becomes about 55 KB (22 -> 9 KB in Brotli). Run by
// scripts/vendor-assets.sh; alone, after editing templates: `node scripts/purge-css.cjs [maharat/static/vendor]`.
//
// A rule is kept when every class, id, tag and attribute its selector names appears as a word in one of the
// platform's own files: the templates, maharat.js, and the Python modules (the form widgets' classes, the
// workdays grid, format_html snippets). Tokens are words of letters, digits, - and _, so a class written
// anywhere in such a file keeps its rules, whatever builds the attribute. What no file names is listed below:
// the classes Bootstrap's scripts and the templates' expressions add at run time, and the tags Django's own
// widget templates write. maharat/web/tests/test_css_purge.py fails when a template names a Bootstrap class that
// the purged sheet lacks (a template edited after the last purge, or a class built from parts).
"use strict";

const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { PurgeCSS } = require("purgecss");

const ROOT = path.resolve(__dirname, "..");
const BOOTSTRAP = path.join(ROOT, "node_modules", "bootstrap", "dist", "css");

// The sheets base.html links: Bootstrap's RTL build for Persian, its LTR build for English.
const SHEETS = [
  ["bootstrap.rtl.min.css", "bootstrap.rtl.purged.css"],
  ["bootstrap.min.css", "bootstrap.purged.css"],
];

// The platform's own files that write pages: templates (maharat/templates and any app's templates folder),
// the scripts, and the Python modules (tests and migrations write no page).
function isContent(rel) {
  if (/(^|\/)(tests|migrations|__pycache__|vendor)\//.test(rel)) return false;
  if (/\/templates\/.*\.(html|txt)$/.test(rel)) return true;
  if (/^maharat\/static\/js\/.*\.js$/.test(rel)) return true;
  return rel.endsWith(".py");
}

const SAFELIST = [
  // Added and removed by Bootstrap's scripts (bootstrap.bundle.min.js): the transitions and open states of
  // alerts, collapse, dropdowns, modals, offcanvas, tabs, toasts and carousels, and the backdrops they create.
  // (Classes the scripts only read, such as dropup or dropdown-menu-end, are written by a template, which keeps
  // them; dropdown-menu-end and disabled are listed all the same.)
  "show", "showing", "hiding", "hide", "fade", "collapse", "collapsing", "collapsed", "active", "disabled",
  "dropdown-menu-end", "modal-backdrop", "modal-static", "offcanvas-backdrop", "pointer-event",
  "carousel-item-next", "carousel-item-prev", "carousel-item-start", "carousel-item-end",
  // Built by template expressions from parts no file holds whole: partials/messages.html writes
  // alert-{{ message.tags }} (Django's levels, error shown as danger); the jobs' and imports' progress bars
  // write w-{{ percent }} (only its four steps are Bootstrap classes).
  "alert-success", "alert-info", "alert-warning", "alert-danger",
  "w-25", "w-50", "w-75", "w-100",
  // The elements Django's widget and form templates write (django/forms/templates), which a page template
  // only names as {{ field }}: Bootstrap's reboot styles them.
  "input", "select", "option", "optgroup", "textarea", "label", "button", "fieldset", "legend", "ul", "li",
  "div", "span", "p", "table", "tr", "th", "td", "caption", "thead", "tbody", "tfoot",
];

// Attributes no platform file writes as a word: Bootstrap's scripts set data-bs-popper="static" on a dropdown
// of the navigation bar (placed by `.dropdown-menu[data-bs-popper]`) and data-popper-placement on tooltips;
// Django's widgets write `multiple` (a SelectMultiple, such as a trainer's standards: `.form-select[multiple]`)
// and `type` from their own input_type (radio, checkbox, file...).
const DYNAMIC_ATTRIBUTES = ["data-bs-popper", "data-popper-placement", "multiple", "type"];

// A plugin that builds its own markup: its classes are kept once a template turns it on.
const GENERATED = {
  'data-bs-toggle="tooltip"': [/^tooltip/, /^bs-tooltip-/],
  'data-bs-toggle="popover"': [/^popover/, /^bs-popover-/],
};

function contentFiles(dir = path.join(ROOT, "maharat")) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...contentFiles(full));
    else if (isContent(path.relative(ROOT, full).split(path.sep).join("/"))) files.push(full);
  }
  return files.sort();
}

function kb(n) {
  return (n / 1024).toFixed(1) + " KB";
}

function sizes(text) {
  const buf = Buffer.from(text);
  const br = zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  return `${kb(buf.length)}, gzip ${kb(zlib.gzipSync(buf, { level: 9 }).length)}, brotli ${kb(br.length)}`;
}

async function main() {
  const out = path.resolve(ROOT, process.argv[2] || "maharat/static/vendor");
  process.chdir(ROOT);
  const texts = contentFiles().map((f) => fs.readFileSync(f, "utf8"));
  const all = texts.join("\n");
  const greedy = [];
  for (const [marker, patterns] of Object.entries(GENERATED)) {
    if (all.includes(marker)) greedy.push(...patterns);
  }
  // CSS variables nobody reads are dropped too, except those maharat.css, the templates and scripts read
  // (var(--bs-primary) in maharat.css, inline styles).
  const readVariables = new Set();
  for (const text of texts.concat([fs.readFileSync(path.join(ROOT, "maharat/static/css/maharat.css"), "utf8")])) {
    for (const m of text.matchAll(/--bs-[\w-]+/g)) readVariables.add(m[0]);
  }
  fs.mkdirSync(path.join(out, "css"), { recursive: true });
  for (const [source, target] of SHEETS) {
    const full = fs.readFileSync(path.join(BOOTSTRAP, source), "utf8");
    const [result] = await new PurgeCSS().purge({
      content: [{ raw: all, extension: "html" }],
      css: [{ raw: full }],
      safelist: { standard: SAFELIST, deep: [], greedy, keyframes: [], variables: [...readVariables] },
      dynamicAttributes: DYNAMIC_ATTRIBUTES,
      keyframes: true,
      fontFace: true,
      variables: true,
    });
    // The source map describes the whole sheet, not this one: its comment goes (the manifest storage of
    // production would otherwise look for the map). Bootstrap's licence banner stays.
    const css = result.css.replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "\n");
    fs.writeFileSync(path.join(out, "css", target), css);
    console.log(`purge-css: ${source} ${sizes(full)} -> ${target} ${sizes(css)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
