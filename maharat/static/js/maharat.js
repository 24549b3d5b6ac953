// Behaviour shared by every page. No inline scripts: the pages work under a strict content-security policy.
(function () {
  "use strict";
  const faDigits = (s) => String(s).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  const isFa = () => document.documentElement.lang === "fa";
  // A value axis in the page's digits. Chart.js formats ticks with the chart's locale, but writes the zero
  // tick as a bare "0" whatever the locale: every tick, zero included, goes through this instead.
  const tickNumber = (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) return isFa() ? faDigits(value) : String(value);
    return n.toLocaleString(isFa() ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
  };
  const valueAxis = () => ({ ticks: { callback: tickNumber } });

  // The Jalali date picker (vendor/js/jalalidatepicker.min.js) helps; it is never the only way: a date box stays
  // a text box that takes a typed date (۱۴۰۳/۰۵/۱۲ or 1403/05/12), never read-only (the vendor makes it so on
  // phones unless told not to). The vendor draws <div>s and unlabelled <select>s; `datepickerA11y` below names
  // them, makes them operable by keyboard and keeps the focus where it was each time the vendor redraws.
  const MONTHS_EN = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar",
    "Dey", "Bahman", "Esfand"];
  const MONTHS_FA = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
  const WEEKDAYS_FA = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"];
  const WEEKDAYS_EN = ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
  const pickerText = (key) => ({
    dialog: ["انتخاب تاریخ", "Choose a date"], month: ["ماه", "Month"], year: ["سال", "Year"],
    nextMonth: ["ماه بعد", "Next month"], prevMonth: ["ماه قبل", "Previous month"],
    nextYear: ["سال بعد", "Next year"], prevYear: ["سال قبل", "Previous year"],
    today: ["امروز", "Today"], empty: ["پاک کردن", "Clear"], close: ["بستن", "Close"],
    hint: ["تاریخ را به شکل ۱۴۰۳/۰۵/۱۲ بنویسید، یا با کلید پیکان پایین تقویم را باز کنید.",
      "Type the date as 1403/05/12, or press the down arrow key to open the calendar."],
  })[key][isFa() ? 0 : 1];
  const pickerIcon = (d) => `<svg viewBox="0 0 1024 1024" aria-hidden="true" focusable="false"><path d="${d}"></path></svg>`;

  // Fetched on the first page (or htmx swap) that shows a date box: about 8 KB in two requests that most pages
  // would not use. The addresses come from the page (hashed names in production).
  let datepickerRequested = false;
  function loadDatepicker() {
    if (datepickerRequested || !document.querySelector("input[data-jdp]")) return;
    const meta = document.querySelector('meta[name="maharat-datepicker"]');
    if (!meta) return;
    datepickerRequested = true;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = meta.dataset.css;
    document.head.appendChild(css);
    const js = document.createElement("script");
    js.src = meta.content;
    js.onload = initDatepicker;
    document.head.appendChild(js);
  }

  function initDatepicker() {
    if (!window.jalaliDatepicker) return;
    const fa = isFa();
    window.jalaliDatepicker.startWatch({
      time: false, persianDigits: fa, autoShow: true, autoHide: true, hideAfterChange: true,
      autoReadOnlyInput: false, showCloseBtn: true,
      months: fa ? MONTHS_FA : MONTHS_EN, days: fa ? ["ش", "ی", "د", "س", "چ", "پ", "ج"] : ["Sa", "Su", "Mo", "Tu", "We", "Th", "Fr"],
      plusHtml: pickerIcon("M810 554h-256v256h-84v-256h-256v-84h256v-256h84v256h256v84z"),
      minusHtml: pickerIcon("M810 554h-596v-84h596v84z"),
    });
    datepickerA11y();
  }

  function datepickerA11y() {
    const fa = isFa();
    const digits = (n) => (fa ? faDigits(n) : String(n));
    const months = fa ? MONTHS_FA : MONTHS_EN;
    const weekdays = fa ? WEEKDAYS_FA : WEEKDAYS_EN;
    let container = null;
    let input = null; // the date box the picker belongs to
    let focusKey = null; // what had the focus inside the picker, to give it back after a redraw
    let observer = null;

    const hint = document.createElement("span");
    hint.id = "jdp-hint";
    hint.className = "visually-hidden";
    hint.textContent = pickerText("hint");
    document.body.appendChild(hint);
    document.querySelectorAll("input[data-jdp]").forEach(describeInput);

    function describeInput(box) {
      if (box.dataset.jdpA11y) return;
      box.dataset.jdpA11y = "1";
      const ids = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!ids.includes("jdp-hint")) box.setAttribute("aria-describedby", ids.concat("jdp-hint").join(" "));
      box.readOnly = false;
    }
    const isOpen = () => !!container && container.isConnected && container.style.display !== "none" && container.style.visibility !== "hidden";
    const keyOf = (el) => {
      if (!el || !container || !container.contains(el)) return null;
      if (el.matches(".jdp-day")) return "day:" + el.dataset.index;
      return el.dataset.jdpKey || null;
    };
    const byKey = (key) => {
      if (!key || !container) return null;
      if (key.startsWith("day:")) return container.querySelectorAll(".jdp-day")[Number(key.slice(4))] || null;
      return container.querySelector(`[data-jdp-key="${key}"]`);
    };
    const button = (el, key, label) => {
      if (!el) return;
      el.setAttribute("role", "button");
      el.dataset.jdpKey = key;
      el.setAttribute("aria-label", label);
      const disabled = el.classList.contains("not-in-range") || el.classList.contains("disabled-btn");
      el.setAttribute("tabindex", disabled ? "-1" : "0");
      if (disabled) el.setAttribute("aria-disabled", "true");
    };

    function enhance() {
      if (!container) return;
      if (isOpen() && !wantOpen) { window.jalaliDatepicker.hide(); return; }
      if (container.dataset.jdpDone === String(container.childElementCount) + container.querySelectorAll(".jdp-day").length
          && container.querySelector("[data-jdp-key]")) return;
      container.setAttribute("role", "dialog");
      container.setAttribute("aria-label", pickerText("dialog"));
      container.setAttribute("aria-modal", "false");
      container.setAttribute("lang", fa ? "fa" : "en");
      const monthSelect = container.querySelector(".jdp-month select");
      const yearSelect = container.querySelector(".jdp-year select, .jdp-year input");
      if (monthSelect) { monthSelect.setAttribute("aria-label", pickerText("month")); monthSelect.tabIndex = 0; monthSelect.dataset.jdpKey = "month"; }
      if (yearSelect) { yearSelect.setAttribute("aria-label", pickerText("year")); yearSelect.tabIndex = 0; yearSelect.dataset.jdpKey = "year"; }
      button(container.querySelector(".jdp-months .jdp-icon-plus"), "month+", pickerText("nextMonth"));
      button(container.querySelector(".jdp-months .jdp-icon-minus"), "month-", pickerText("prevMonth"));
      button(container.querySelector(".jdp-years .jdp-icon-plus"), "year+", pickerText("nextYear"));
      button(container.querySelector(".jdp-years .jdp-icon-minus"), "year-", pickerText("prevYear"));
      const footer = [[".jdp-btn-today", "today"], [".jdp-btn-empty", "empty"], [".jdp-btn-close", "close"]];
      footer.forEach(([sel, key]) => {
        const el = container.querySelector(sel);
        if (!el) return;
        el.textContent = pickerText(key);
        button(el, key, pickerText(key));
        el.removeAttribute("aria-label"); // the visible word is the name
      });
      const days = container.querySelector(".jdp-days");
      if (days) {
        days.setAttribute("role", "group");
        days.setAttribute("aria-label", monthSelect ? monthSelect.selectedOptions[0].text + " " + (yearSelect ? (yearSelect.selectedOptions ? yearSelect.selectedOptions[0].text : digits(yearSelect.value)) : "") : pickerText("dialog"));
        days.querySelectorAll(".jdp-day-name").forEach((el) => el.setAttribute("aria-hidden", "true"));
        let tabbable = null;
        days.querySelectorAll(".jdp-day").forEach((el, i) => {
          el.dataset.index = String(i);
          el.setAttribute("role", "button");
          el.setAttribute("tabindex", "-1");
          if (el.year && el.month && el.day) {
            el.setAttribute("aria-label", `${weekdays[i % 7]} ${digits(el.day)} ${months[el.month - 1]} ${digits(el.year)}`);
          }
          if (el.classList.contains("disabled-day")) el.setAttribute("aria-disabled", "true");
          if (el.classList.contains("selected")) { el.setAttribute("aria-pressed", "true"); tabbable = el; }
          if (el.classList.contains("today")) { el.setAttribute("aria-current", "date"); if (!tabbable) tabbable = el; }
        });
        tabbable = tabbable || days.querySelector(".jdp-day:not(.not-in-month)");
        if (tabbable) tabbable.setAttribute("tabindex", "0");
      }
      container.dataset.jdpDone = String(container.childElementCount) + container.querySelectorAll(".jdp-day").length;
      // The vendor redrew under the focus: give it back to the same control (or the same day number).
      const active = document.activeElement;
      if (focusKey && isOpen() && (!active || active === document.body || !active.isConnected)) {
        let target = byKey(focusKey);
        if (!target && focusKey.startsWith("day:")) target = container.querySelector(".jdp-day[tabindex='0']");
        if (target) target.focus();
      }
    }

    function watch(el) {
      if (container === el) return;
      container = el;
      if (observer) observer.disconnect();
      observer = new MutationObserver(() => enhance());
      observer.observe(container, { childList: true, subtree: false, attributes: true, attributeFilter: ["style"] });
      enhance();
    }
    // The vendor creates its container on first use, at the end of <body>.
    new MutationObserver(() => {
      const el = document.querySelector("jdp-container");
      if (el) watch(el);
      document.querySelectorAll("input[data-jdp]:not([data-jdp-a11y])").forEach(describeInput);
    }).observe(document.body, { childList: true });

    // Giving the focus back to the box must not open the picker again (the vendor opens it on every focus).
    let returning = false;
    const returnToInput = () => {
      wantOpen = false;
      if (!input || !input.isConnected) return;
      focusKey = null;
      returning = true;
      input.focus();
      returning = false;
      enhance();
    };
    // The vendor shows itself again 300 ms after it was asked to show, even when it was closed in between: what
    // the user asked for last (open: focus or down arrow; closed: a choice, Escape, leaving) is kept.
    let wantOpen = false;
    const latin = (t) => t.replace(/[۰-۹]/g, (d) => "۰۱۲۳۴۵۶۷۸۹".indexOf(d)).replace(/[٠-٩]/g, (d) => "٠١٢٣٤٥٦٧٨٩".indexOf(d));
    // The vendor reads the box's date with Latin digits only (a typed ۱۳۸۰/۰۵/۱۲ would open on no month at all):
    // it is shown the Latin form while it opens, and the box keeps what was typed.
    const showingLatin = (box, open) => {
      const typed = box.value;
      const plain = latin(typed);
      if (plain !== typed) box.value = plain;
      open();
      if (plain !== typed) setTimeout(() => { if (box.value === plain) box.value = typed; }, 0);
    };
    document.addEventListener("focusin", (e) => {
      if (returning && e.target === input) { e.stopImmediatePropagation(); return; }
      const t = e.target;
      if (t.matches && t.matches("input[data-jdp]")) {
        wantOpen = true;
        const typed = t.value, plain = latin(typed);
        if (plain !== typed) { t.value = plain; setTimeout(() => { if (t.value === plain) t.value = typed; }, 0); }
      }
    }, true);
    document.addEventListener("click", (e) => {
      const t = e.target;
      if (!(container && container.contains(t)) && !(t.matches && t.matches("input[data-jdp]"))) wantOpen = false;
    }, true);
    // A day or a footer button chosen (by mouse, touch or keyboard): the focus goes back to the box.
    document.addEventListener("click", (e) => {
      const t = e.target.closest ? e.target.closest(".jdp-day, .jdp-btn-today, .jdp-btn-empty, .jdp-btn-close") : null;
      if (!t || !container || !container.contains(t)) return;
      setTimeout(() => { if (!isOpen()) returnToInput(); }, 0);
    });
    document.addEventListener("focusin", (e) => {
      const t = e.target;
      if (t.matches && t.matches("input[data-jdp]")) { input = t; describeInput(t); t.readOnly = false; setTimeout(enhance, 0); }
      if (container && container.contains(t)) focusKey = keyOf(t);
    });
    // Leaving the box and the picker by keyboard closes the picker (the vendor closes it only on a click).
    document.addEventListener("focusout", () => {
      setTimeout(() => {
        const active = document.activeElement;
        if (!isOpen() || !active || active === document.body) return;
        if (active === input || (container && container.contains(active))) return;
        focusKey = null;
        wantOpen = false;
        window.jalaliDatepicker.hide();
      }, 0);
    });

    const moveDay = (from, step) => {
      const all = Array.from(container.querySelectorAll(".jdp-day"));
      const i = all.indexOf(from) + step;
      if (i < 0 || i >= all.length) {
        // Past the grid's edge: the month before or after, keeping the focus on a day.
        const ctl = container.querySelector(step > 0 ? ".jdp-months .jdp-icon-plus" : ".jdp-months .jdp-icon-minus");
        if (ctl && !ctl.classList.contains("not-in-range")) { focusKey = "day:" + (step > 0 ? 7 : 28); ctl.click(); }
        return;
      }
      all.forEach((d) => d.setAttribute("tabindex", "-1"));
      all[i].setAttribute("tabindex", "0");
      all[i].focus();
    };

    // Keyboard: in the box, down arrow (or Alt+down) opens the calendar and moves into it; in the calendar, arrows
    // move by day and week (left is the next day: the calendar reads right to left), Page Up/Down change the
    // month, Enter or Space choose, Escape closes and returns to the box. Typing in the box is never taken over.
    document.addEventListener("keydown", (e) => {
      const t = e.target;
      if (t.matches && t.matches("input[data-jdp]")) {
        input = t;
        if (e.key === "ArrowDown") {
          e.preventDefault();
          wantOpen = true;
          const opening = !isOpen();
          if (opening) showingLatin(t, () => window.jalaliDatepicker.show(t));
          setTimeout(() => {
            enhance();
            const day = container && container.querySelector(".jdp-day[tabindex='0']");
            if (day) { focusKey = keyOf(day); day.focus(); }
          }, opening ? 50 : 0);
        } else if (e.key === "Escape" && isOpen()) {
          e.preventDefault(); e.stopImmediatePropagation();
          wantOpen = false;
          window.jalaliDatepicker.hide();
        }
        return; // every other key types into the box

      }
      if (!container || !container.contains(t)) return;
      if (e.key === "Escape") {
        e.preventDefault(); e.stopImmediatePropagation();
        wantOpen = false;
        window.jalaliDatepicker.hide();
        returnToInput();
        return;
      }
      if (t.getAttribute("role") === "button" && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        if (t.getAttribute("aria-disabled") === "true") return;
        if (!t.matches(".jdp-day")) focusKey = t.dataset.jdpKey;
        t.click(); // a day or a footer button closes the picker: the click listener gives the focus back to the box
        return;
      }
      if (t.matches(".jdp-day")) {
        const rtl = getComputedStyle(container).direction === "rtl";
        const steps = { ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1, ArrowDown: 7, ArrowUp: -7 };
        if (e.key in steps) { e.preventDefault(); moveDay(t, steps[e.key]); return; }
        if (e.key === "PageDown" || e.key === "PageUp") {
          e.preventDefault();
          const ctl = container.querySelector(e.key === "PageDown" ? ".jdp-months .jdp-icon-plus" : ".jdp-months .jdp-icon-minus");
          if (ctl && !ctl.classList.contains("not-in-range")) { focusKey = "day:" + t.dataset.index; ctl.click(); }
        }
      }
    }, true);
  }

  function initCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (canvas.dataset.ready) return;
      const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
      canvas.dataset.ready = "1";
      if (canvas.dataset.kind === "trend") return trendChart(canvas, data);
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: data.labels.map((l) => (isFa() ? faDigits(l) : l)),
                datasets: [{ label: data.label, data: data.values, backgroundColor: "#1c8a7a" }] },
        options: {
          maintainAspectRatio: false,
          locale: isFa() ? "fa-IR" : "en",
          plugins: { legend: { display: false } },
          scales: { x: { reverse: isFa() }, y: valueAxis() },
          font: { family: "Vazirmatn" },
        },
      });
    });
  }

  // <select data-autosubmit> submits its form on change (no inline handlers: CSP forbids them).
  document.addEventListener("change", (e) => {
    if (e.target.matches && e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });

  // Monthly bars, the cumulative line, and the pro-rata commitment line (dashed).
  function trendChart(canvas, d) {
    const fa = isFa();
    const datasets = [
      { type: "bar", label: fa ? "ماهانه" : "Monthly", data: d.monthly, backgroundColor: "#9fd3c7", order: 3 },
      { type: "line", label: fa ? "تجمعی" : "Cumulative", data: d.cumulative, borderColor: "#0b5d6b", backgroundColor: "#0b5d6b", tension: 0.2, order: 1 },
    ];
    if (d.target_line && d.target_line.length) {
      datasets.push({ type: "line", label: fa ? "تعهد به نسبت زمان" : "Pro-rata commitment", data: d.target_line,
        borderColor: "#d9534f", borderDash: [6, 4], pointRadius: 0, order: 2 });
    }
    new window.Chart(canvas, {
      data: { labels: d.months, datasets },
      options: { maintainAspectRatio: false, locale: fa ? "fa-IR" : "en",
        scales: { x: { reverse: fa }, y: valueAxis() },
        plugins: { legend: { position: "bottom", rtl: fa } } },
    });
  }

  document.addEventListener("click", (e) => {
    if (e.target.matches && e.target.matches("[data-print]")) window.print();
  });

  // Record pickers (<input data-lookup list=...>): refresh the suggestions from the lookup URL as the user types.
  // Without this the <datalist> still holds the first records, and the code can always be typed.
  const lookupTimers = new WeakMap();
  function refreshLookup(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const url = input.dataset.lookup + "?q=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => {
        list.replaceChildren(...data.results.map((item) => {
          const option = document.createElement("option");
          option.value = item.value;
          option.textContent = item.label;
          return option;
        }));
      })
      .catch(() => {});
  }
  document.addEventListener("input", (e) => {
    const input = e.target;
    if (!(input.matches && input.matches("input[data-lookup]"))) return;
    clearTimeout(lookupTimers.get(input));
    lookupTimers.set(input, setTimeout(() => refreshLookup(input), 250));
  });

  // A table wider than its box (on a phone): a line above it says there is more to the side, and the box takes
  // the keyboard focus so that it can be scrolled with the arrow keys. The first column stays in view
  // (.table-sticky in maharat.css).
  function initScrollCues(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".table-responsive").forEach((box) => {
      const wide = box.scrollWidth > box.clientWidth + 1;
      let cue = box.previousElementSibling;
      if (!(cue && cue.classList.contains("scroll-cue"))) cue = null;
      box.classList.toggle("is-scrollable", wide);
      if (wide) {
        if (!cue) {
          cue = document.createElement("p");
          cue.className = "scroll-cue mb-0";
          cue.id = "scroll-cue-" + Math.random().toString(36).slice(2, 9);
          cue.textContent = isFa() ? "ستون‌های دیگری هم هست: جدول را به پهلو بکشید." : "More columns: scroll the table sideways.";
          box.before(cue);
        }
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", cue.id);
      } else {
        if (cue) cue.remove();
        if (box.getAttribute("role") === "region") { box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-labelledby"); }
      }
    });
  }
  let cueTimer = null;
  // Once a frame at most while the window is resized (a phone turned sideways): the cue follows at once.
  window.addEventListener("resize", () => { cancelAnimationFrame(cueTimer); cueTimer = requestAnimationFrame(() => initScrollCues(document)); });
  document.addEventListener("toggle", (e) => { if (e.target.matches && e.target.matches("details")) initScrollCues(e.target); }, true);

  // A "select all" box in a table's header (the approvals inbox): ticks or clears every box of that name.
  document.addEventListener("change", (e) => {
    const all = e.target.closest && e.target.closest("input[data-check-all]");
    if (!all) return;
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (window.Chart) window.Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
    loadDatepicker();
    initCharts(document);
    initScrollCues(document);
  });
  document.addEventListener("htmx:afterSwap", (e) => { loadDatepicker(); initCharts(e.target); initScrollCues(e.target); });
})();

// The commitment split page: the running total of the children's shares against the parent's commitment, as
// the user types (Persian or Latin digits). The server checks again on save; this is only a help.
(function () {
  const form = document.querySelector("form[data-allocation]");
  if (!form) return;
  const out = form.querySelector("[data-allocation-sum]");
  const fa = document.documentElement.lang === "fa";
  const latin = (t) => t.replace(/[۰-۹]/g, (d) => "۰۱۲۳۴۵۶۷۸۹".indexOf(d)).replace(/[٠-٩]/g, (d) => "٠١٢٣٤٥٦٧٨٩".indexOf(d))
    .replace(/[,٬\s]/g, "").replace("٫", ".");
  const update = () => {
    let sum = 0;
    form.querySelectorAll("input[data-share]").forEach((input) => { const v = parseFloat(latin(input.value)); if (!isNaN(v)) sum += v; });
    out.textContent = sum.toLocaleString(fa ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
    const target = parseFloat(form.dataset.target);
    out.classList.toggle("text-danger", !isNaN(target) && Math.abs(sum - target) > 0.005);
  };
  form.addEventListener("input", update);
})();
