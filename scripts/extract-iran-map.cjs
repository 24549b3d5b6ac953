// Extract the 31 province outlines from the npm package react-iran-map (MIT licence, by Sima Mojtahedi)
// into a plain JSON file the platform draws itself: {viewBox, provinces: [{name, d|points}]}.
// The package's React component is evaluated with a stand-in createElement, so no React is needed.
const Module = require('module');
const path = require('path');
const fs = require('fs');

const [pkgDir, outFile] = process.argv.slice(2);
const h = (type, props, ...children) => ({ type, props: props || {}, children });
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'react') return { __esModule: true, default: { createElement: h, Fragment: 'frag' } };
  if (request === 'react-tooltip') return { Tooltip: () => null };
  if (request === 'tslib') return { __importDefault: (m) => (m && m.__esModule ? m : { default: m }), __importStar: (m) => m };
  return load.call(this, request, ...rest);
};
const Wrapper = require(path.resolve(pkgDir, 'dist/cjs/components/mapSvg/IranMapWrapper.js')).default;
const tree = Wrapper({ textColor: '#000', mapRef: null, provinceName: '', pathClickedHandle() {}, pathMouseOverHandler() {}, data: {}, width: 500, tooltipTitle: '' });
const provinces = [];
let viewBox = null;
(function walk(node) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(walk);
  if (node.type === 'svg') viewBox = node.props.viewBox;
  const name = node.props && node.props['data-name'];
  if (name && (node.type === 'path' || node.type === 'polygon')) {
    provinces.push({ name: name.trim(), d: node.props.d || null, points: node.props.points || null });
  }
  (node.children || []).forEach(walk);
})(tree);
if (provinces.length !== 31) throw new Error(`expected 31 provinces, found ${provinces.length}`);
fs.writeFileSync(outFile, JSON.stringify({ source: 'react-iran-map 0.1.3 (MIT)', viewBox, provinces }));
console.log(`iran map: ${provinces.length} provinces -> ${outFile}`);
