// Maharat's own in-page accessibility checks (issue 16), injected by Playwright (page.evaluate, not a <script>
// element, so the platform's content-security policy is neither violated nor relaxed). It is never served by
// the platform. It defines window.__maharatA11y with:
//
//   contrast(root)  the colour contrast of EVERY visible text node, placeholder and form-control value against the
//               background it is painted on (axe-core skips many Persian text nodes: its icon-ligature heuristic
//               takes Persian words for icon fonts). WCAG 2.1 1.4.3: 4.5:1, 3:1 for large text (at least 24 px,
//               or 18.66 px and bold, weight 700 or more).
//   overflow()  sideways scrolling of the page (document.scrollingElement.scrollWidth > innerWidth), the
//               elements that stick out, and the regions meant to scroll sideways (overflow-x auto/scroll) that
//               do, with whether a table in them keeps its first column in view (position: sticky).
//   snapshot() / focusState()  for the keyboard test: the unfocused outline and box-shadow of every focusable
//               element, then whether the focused element's differ (a visible focus indicator).
(() => {
  if (window.__maharatA11y) return;

  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const parsed = new Map();

  // A computed colour as [r, g, b, a] (0-255, alpha 0-1); anything that is not rgb()/rgba() is painted on a
  // one-pixel canvas and read back.
  function parse(css) {
    if (parsed.has(css)) return parsed.get(css);
    let out;
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css);
    if (m) {
      let a = m[4] === undefined ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : +m[4];
      out = [+m[1], +m[2], +m[3], a];
    } else if (css === "transparent") {
      out = [0, 0, 0, 0];
    } else {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = "rgba(0,0,0,0)";
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      out = [d[0], d[1], d[2], d[3] / 255];
    }
    parsed.set(css, out);
    return out;
  }

  // `top` (with its alpha) painted over an opaque `bottom`.
  function over(top, bottom) {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  }

  function luminance(c) {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }

  function ratio(a, b) {
    const la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

  const styles = new Map();
  const style = (el) => {
    let s = styles.get(el);
    if (!s) {
      s = getComputedStyle(el);
      styles.set(el, s);
    }
    return s;
  };

  // The opaque colours behind `el`: its own background and its ancestors', composited from the first opaque
  // one (the canvas is white). An opaque gradient gives one colour per stop (the text is judged against the
  // worst); {unknown} when a translucent gradient lies behind the text. An image (url) is taken to be an icon
  // (Bootstrap draws the select arrow, checkmarks and the toggler that way): the colour under it counts.
  function backgroundOf(el) {
    const layers = [];
    let node = el, base = null, colors = [[255, 255, 255, 1]];
    while (node && node.nodeType === 1) {
      const s = style(node);
      if (s.backgroundImage && s.backgroundImage.includes("gradient")) {
        const stops = (s.backgroundImage.match(/rgba?\([^)]*\)/g) || []).map(parse);
        if (!stops.length || stops.some((c) => c[3] < 1)) return { unknown: "gradient behind the text on " + selector(node) };
        base = node;
        colors = stops;
        break;
      }
      const c = parse(s.backgroundColor);
      if (c[3] > 0) {
        if (c[3] >= 1) {
          base = node;
          colors = [c];
          break;
        }
        layers.push(c);
      }
      node = node.parentElement;
    }
    for (let i = layers.length - 1; i >= 0; i--) colors = colors.map((c) => over(layers[i], c));
    return { colors, base };
  }

  // Opacity from `el` up to (not including) `stop`, and from `stop` up to the root.
  function opacities(el, stop) {
    let below = 1, above = 1, node = el, passed = false;
    while (node && node.nodeType === 1) {
      if (node === stop) passed = true;
      const o = parseFloat(style(node).opacity);
      if (!isNaN(o)) {
        if (passed) above *= o;
        else below *= o;
      }
      node = node.parentElement;
    }
    return { below, above };
  }

  // The colours a reader sees, for the worst of the backgrounds: foreground over background, both faded by
  // the opacity of what holds them.
  function seen(el, fgCss) {
    const bg = backgroundOf(el);
    if (bg.unknown) return bg;
    const fg = parse(fgCss);
    const { below, above } = opacities(el, bg.base);
    let behind = null;
    if (above < 0.999 && bg.base && bg.base.parentElement) {
      behind = backgroundOf(bg.base.parentElement);
      if (behind.unknown) return behind;
    }
    let worst = null;
    for (const b of bg.colors) {
      let fgColor = over([fg[0], fg[1], fg[2], fg[3] * below], b);
      let bgColor = b;
      if (behind) {
        fgColor = over([...fgColor.slice(0, 3), above], behind.colors[0]);
        bgColor = over([...bgColor.slice(0, 3), above], behind.colors[0]);
      }
      const r = ratio(fgColor, bgColor);
      if (!worst || r < worst.ratio) worst = { fg: fgColor, bg: bgColor, ratio: r };
    }
    return worst;
  }

  function selector(el) {
    const parts = [];
    while (el && el.nodeType === 1 && parts.length < 4) {
      let s = el.localName;
      if (el.id) {
        parts.unshift(s + "#" + CSS.escape(el.id));
        break;
      }
      s += [...el.classList].slice(0, 3).map((c) => "." + CSS.escape(c)).join("");
      const parent = el.parentElement;
      if (parent && el.localName !== "body" && el.localName !== "html") {
        const same = [...parent.children].filter((c) => c.localName === el.localName);
        if (same.length > 1) s += ":nth-of-type(" + (same.indexOf(el) + 1) + ")";
      }
      parts.unshift(s);
      el = parent;
    }
    return parts.join(" > ");
  }

  // Hidden from sight although rendered: the visually-hidden pattern (a clipped box of a pixel or so).
  function clippedAway(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const s = style(node);
      if (s.clip && /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(s.clip.replace(/\s+/g, " "))) return true;
      if (s.clipPath && /inset\(50%\)/.test(s.clipPath)) return true;
      if (s.overflow !== "visible") {
        const r = node.getBoundingClientRect();
        if (r.width <= 2 || r.height <= 2) return true;
      }
    }
    return false;
  }

  const VISIBLE = { checkOpacity: true, checkVisibilityCSS: true, opacityProperty: true, visibilityProperty: true };
  const SKIP = "script, style, noscript, template, head, title, option, optgroup, datalist";

  function inactive(el) {
    return !!el.closest(':disabled, [aria-disabled="true"], .disabled, [inert]');
  }

  function large(s) {
    const size = parseFloat(s.fontSize), weight = parseInt(s.fontWeight, 10) || 400;
    return size >= 24 || (size >= 18.66 && weight >= 700);
  }

  function judge(el, text, kind, fgCss, found, counts) {
    const s = style(el);
    const c = seen(el, fgCss);
    if (c.unknown) {
      counts.unknown++;
      if (counts.unknownExamples.length < 5) counts.unknownExamples.push(c.unknown);
      return;
    }
    counts.checked++;
    const big = large(s);
    const need = big ? 3 : 4.5;
    const r = c.ratio;
    if (r + 1e-6 < need) {
      found.push({
        selector: selector(el), text: text.replace(/\s+/g, " ").trim().slice(0, 60), kind,
        ratio: Math.floor(r * 100) / 100, required: need, fg: hex(c.fg), bg: hex(c.bg),
        fontSize: s.fontSize, fontWeight: s.fontWeight,
      });
    }
  }

  function contrast(rootSelector) {
    styles.clear();
    const root = (rootSelector && document.querySelector(rootSelector)) || document.body;
    const found = [], counts = { checked: 0, hidden: 0, inactive: 0, svg: 0, unknown: 0, unknownExamples: [] };
    const byElement = new Map();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
    });
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest(SKIP)) continue;
      if (el.closest("svg")) {
        counts.svg++;  // SVG text is painted with `fill` over shapes: not judged here (axe judges it)
        continue;
      }
      if (!el.checkVisibility(VISIBLE)) {
        counts.hidden++;
        continue;
      }
      range.selectNodeContents(n);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
      if (!rects.length || rects.every((r) => r.right + window.scrollX <= 0 && r.bottom + window.scrollY <= 0)) {
        counts.hidden++;
        continue;
      }
      if (byElement.has(el)) {
        byElement.set(el, byElement.get(el) + " " + n.nodeValue);
        continue;
      }
      byElement.set(el, n.nodeValue);
    }
    for (const [el, text] of byElement) {
      if (clippedAway(el)) {
        counts.hidden++;
        continue;
      }
      if (inactive(el)) {
        counts.inactive++;  // inactive controls are exempt (WCAG 1.4.3)
        continue;
      }
      judge(el, text, "text", style(el).color, found, counts);
    }
    // What is typed or chosen in a form control, and its placeholder.
    for (const el of root.querySelectorAll("input, select, textarea")) {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      if (["hidden", "checkbox", "radio", "file", "range", "color", "image"].includes(type)) continue;
      if (!el.checkVisibility(VISIBLE) || clippedAway(el)) continue;
      if (inactive(el)) {
        counts.inactive++;
        continue;
      }
      if (el.localName === "select") {
        const option = el.selectedOptions[0];
        if (option && option.text.trim()) judge(el, option.text, "value", style(el).color, found, counts);
      } else if (el.value && el.value.trim()) {
        judge(el, el.value, "value", style(el).color, found, counts);
      } else if (el.placeholder && el.placeholder.trim()) {
        judge(el, el.placeholder, "placeholder", getComputedStyle(el, "::placeholder").color, found, counts);
      }
    }
    return { found, counts };
  }

  function scrollsSideways(el) {
    const s = style(el);
    return (s.overflowX === "auto" || s.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1;
  }

  function overflow() {
    styles.clear();
    const page = document.scrollingElement;
    const width = window.innerWidth;
    const result = { scrollWidth: page.scrollWidth, innerWidth: width, culprits: [], scrollers: [] };
    const all = document.body.querySelectorAll("*");
    for (const el of all) {
      if (!scrollsSideways(el) || !el.checkVisibility(VISIBLE)) continue;
      const table = el.querySelector("table");
      const info = { selector: selector(el), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, table: !!table };
      if (table) {
        const rows = [...table.rows].slice(0, 6).filter((r) => r.cells.length > 1);
        info.stickyFirstColumn = rows.length > 0 && rows.every((r) => style(r.cells[0]).position === "sticky");
        const box = el.getBoundingClientRect();
        const head = table.tHead && table.tHead.rows[0] ? table.tHead.rows[0] : table.rows[0];
        const cells = head ? [...head.cells] : [];
        info.columns = cells.length;
        info.columnsInView = cells.filter((c) => {
          const r = c.getBoundingClientRect();
          return r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1;
        }).length;
        info.firstColumnHeading = cells.length ? cells[0].innerText.trim().slice(0, 30) : "";
      }
      result.scrollers.push(info);
    }
    if (page.scrollWidth > width) {
      // What sticks out of the window, outside any region that scrolls or clips: the outermost such element.
      const sticksOut = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right + window.scrollX > width + 1 || r.left + window.scrollX < -1);
      };
      const contained = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          if (style(p).overflowX !== "visible") return true;
        }
        return false;
      };
      for (const el of all) {
        if (result.culprits.length >= 5) break;
        if (!sticksOut(el) || contained(el)) continue;
        if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
        const r = el.getBoundingClientRect();
        result.culprits.push({ selector: selector(el), left: Math.round(r.left), right: Math.round(r.right),
                               width: Math.round(r.width) });
      }
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------- the keyboard test
  const unfocused = new WeakMap();
  const ring = (s) => [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset, s.boxShadow].join(" | ");
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex], [contenteditable], iframe";

  // The unfocused outline and box-shadow (and size) of every focusable element not recorded yet: called before
  // each key press, so elements an htmx swap or a script adds are recorded before they can take the focus.
  function snapshot() {
    const active = document.activeElement;
    for (const el of document.querySelectorAll(FOCUSABLE)) {
      if (el === active || unfocused.has(el)) continue;
      const r = el.getBoundingClientRect();
      unfocused.set(el, { ring: ring(getComputedStyle(el)), width: r.width, height: r.height });
    }
  }

  // The focused element, and whether its focus is visible: its outline or box-shadow differs from the unfocused
  // state and draws something (an outline of width 0 or style none draws nothing), or it was hidden until it
  // took the focus (a skip link) and now shows.
  function focusState() {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { none: true };
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const before = unfocused.get(el);
    const now = ring(s);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    const shadow = !!s.boxShadow && s.boxShadow !== "none";
    const changed = before !== undefined && before.ring !== now && (outline || shadow);
    const appeared = before !== undefined && (before.width <= 2 || before.height <= 2) && r.width > 2 && r.height > 2;
    const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.getAttribute("placeholder") || "");
    return {
      selector: selector(el), tag: el.localName, id: el.id, type: el.getAttribute("type"), href: el.getAttribute("href"),
      text: label.replace(/\s+/g, " ").trim().slice(0, 50), before: before ? before.ring : null, now,
      visible: changed || appeared, shown: r.width > 0 && r.height > 0 && el.checkVisibility(VISIBLE),
      size: [Math.round(r.width), Math.round(r.height)], focusVisible: el.matches(":focus-visible"),
      inMain: !!el.closest("main"), isMain: el.localName === "main",
      dropdownWith: el.matches(".dropdown-toggle") && el.parentElement
        ? [...el.parentElement.querySelectorAll(".dropdown-menu a[href]")].map((a) => a.getAttribute("href")) : [],
      options: el.localName === "select" ? [...el.options].map((o) => [o.value, o.text]) : null,
      value: "value" in el ? el.value : null, checked: el.checked === true,
    };
  }

  window.__maharatA11y = { contrast, overflow, snapshot, focusState, selector };
})();
