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

  function initDatepicker() {
    if (window.jalaliDatepicker) {
      window.jalaliDatepicker.startWatch({ time: false, persianDigits: true, autoShow: true, autoHide: true, hideAfterChange: true });
    }
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

  document.addEventListener("DOMContentLoaded", () => {
    if (window.Chart) window.Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
    initDatepicker();
    initCharts(document);
  });
  document.addEventListener("htmx:afterSwap", (e) => initCharts(e.target));
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
