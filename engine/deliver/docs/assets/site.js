// dp's site script: search, charts (uPlot), lineage highlighting and zoom, the tests filter, the ask box.
// Plain browser JavaScript (dpFormatValue is defined just before it), shipped as is into `dp docs` folders and `dp serve` pages: no build step, no CDN.
(() => {
  const root = document.body.dataset.root || "";
  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => [...el.querySelectorAll(sel)];
  const COLORS = ["#2f6fdb", "#e8663d", "#1b998b", "#9c4fd6", "#d4a72c", "#d6456f", "#5a7184", "#64b544"];

  // ---- numbers, as dp ask prints them: site.ts puts engine/catalog/metric-format.ts's formatValue before this script
  const fmt = (v, format, unit) => dpFormatValue(v, format, unit ?? undefined);
  function short(v, format, unit) {
    if (v === null || v === undefined) return "";
    if (format === "percent") return `${+(v * 100).toFixed(1)}%`;
    const n = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(v);
    return format === "currency" && (!unit || unit === "USD") ? `$${n}` : n;
  }

  // ---- search across models, columns, metrics
  function initSearch() {
    const input = $("#search");
    const box = $("#search-results");
    const index = window.DP_SEARCH || [];
    if (!input || !box) return;
    const weight = { metric: 4, model: 3, dashboard: 2, column: 1 };
    const score = (e, terms) => {
      const name = e.name.toLowerCase();
      const full = `${e.in}.${e.name}`.toLowerCase();
      const text = e.text.toLowerCase();
      let s = 0;
      for (const t of terms) {
        if (name === t || full === t) s += 100;
        else if (name.startsWith(t)) s += 50;
        else if (full.includes(t)) s += 25;
        else if (text.includes(t)) s += 5;
        else return 0;
      }
      return s + weight[e.kind];
    };
    let sel = 0;
    const show = () => {
      const terms = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      if (!terms.length) {
        box.hidden = true;
        return;
      }
      const hits = index
        .map((e) => [score(e, terms), e])
        .filter(([s]) => s > 0)
        .sort((a, b) => b[0] - a[0] || a[1].name.localeCompare(b[1].name))
        .slice(0, 30);
      sel = 0;
      box.innerHTML = "";
      if (!hits.length) box.innerHTML = '<div class="none">nothing matches</div>';
      for (const [, e] of hits) {
        const a = document.createElement("a");
        a.href = root + e.href;
        a.className = "hit";
        a.dataset.kind = e.kind;
        a.innerHTML = `<span class="kind"></span><code class="nm"></code> <span class="muted in"></span><span class="ctx"></span>`;
        a.querySelector(".kind").textContent = e.kind;
        a.querySelector(".nm").textContent = e.name;
        a.querySelector(".in").textContent = e.kind === "dashboard" ? "" : `in ${e.in}`;
        a.querySelector(".ctx").textContent = e.text;
        box.appendChild(a);
      }
      box.firstElementChild?.classList.add("sel");
      box.hidden = false;
    };
    input.addEventListener("input", show);
    input.addEventListener("focus", show);
    input.addEventListener("keydown", (ev) => {
      const hits = $$("a.hit", box);
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        hits[sel]?.classList.remove("sel");
        sel = (sel + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % Math.max(1, hits.length);
        hits[sel]?.classList.add("sel");
        hits[sel]?.scrollIntoView({ block: "nearest" });
      } else if (ev.key === "Enter" && hits[sel]) location.href = hits[sel].href;
      else if (ev.key === "Escape") box.hidden = true;
    });
    document.addEventListener("click", (ev) => {
      if (!ev.target.closest(".search")) box.hidden = true;
    });
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "/" && document.activeElement?.tagName !== "INPUT") {
        ev.preventDefault();
        input.focus();
      }
    });
  }

  // ---- charts
  window.dpCharts = {};
  function plot(el, c, view) {
    const n = c.values.length;
    const xs = c.values.map((_, i) => i);
    const labelAt = (i) => (c.labels[i] ?? "") + (c.last_to_date && i === n - 1 ? " (to date)" : "");
    const value = (_u, v) => (v === null || v === undefined ? "—" : fmt(v, c.format, c.unit));
    const data = [xs];
    const series = [{ label: c.grain, value: (_u, i) => (i === null ? "—" : labelAt(i)) }];
    const bars = window.uPlot.paths.bars({ size: [0.7, 48] });
    if (!view.dim) {
      data.push(c.values);
      series.push({
        label: c.label,
        stroke: COLORS[0],
        width: 2,
        fill: c.type === "bar" ? `${COLORS[0]}d0` : `${COLORS[0]}18`,
        paths: c.type === "bar" ? bars : undefined,
        points: { show: c.type !== "bar" && n <= 40 },
        value,
      });
      if (view.compare && c.year_ago.length) {
        data.push(c.year_ago);
        series.push({ label: "a year earlier", stroke: "#8a94a6", width: 1.5, dash: [5, 4], value });
      }
    } else {
      const b = c.breakdowns.find((x) => x.dimension === view.dim);
      b.values.forEach((v, i) => {
        data.push(b.series[v]);
        series.push({ label: v, stroke: COLORS[i % COLORS.length], width: 2, value, points: { show: n <= 40 } });
      });
    }
    const opts = {
      width: Math.max(300, el.clientWidth),
      height: 230,
      series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: () => [-0.5, n - 0.5] },
        y: { range: (_u, min, max) => window.uPlot.rangeNum(Math.min(0, min ?? 0), max ?? 1, 0.1, true) },
      },
      axes: [
        {
          // room for the longest label, so "Sep 2025" and "Nov 2025" never run together
          space: Math.max(...c.labels.map((l) => l.length)) * 7 + 16,
          incrs: [1, 2, 3, 4, 6, 8, 12, 13, 26, 52],
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (c.labels[i] ?? "") : "")),
          grid: { show: false },
        },
        { size: 64, values: (_u, vals) => vals.map((v) => short(v, c.format, c.unit)) },
      ],
    };
    el.innerHTML = "";
    const u = new window.uPlot(opts, data, el);
    window.dpCharts[c.id] = { u, chart: c, view: { ...view } };
    return u;
  }

  function initCharts() {
    const holder = $("#dp-charts");
    if (!holder || !window.uPlot) return;
    const charts = JSON.parse(holder.textContent);
    const drawn = [];
    for (const c of charts) {
      const card = document.getElementById(c.id);
      const el = card && $(".plot", card);
      if (!el) continue;
      // the chart at one grain: each grain's numbers were collected by the same metric query, none is derived here
      const at = (grain) => {
        const { grains, ...rest } = c;
        return { ...rest, ...(grains.find((g) => g.grain === grain) ?? grains[0]) };
      };
      let shown = at(c.grain);
      // a money metric in several currencies opens on its "by currency" view (its total is never a sum)
      const view = { dim: $(".view", card)?.value ?? "", compare: false };
      let u = plot(el, shown, view);
      const redraw = () => {
        u.destroy();
        u = plot(el, shown, view);
      };
      $(".view", card)?.addEventListener("change", (ev) => {
        view.dim = ev.target.value;
        redraw();
      });
      const compare = $(".compare", card);
      compare?.addEventListener("change", (ev) => {
        view.compare = ev.target.checked;
        redraw();
      });
      $(".grain", card)?.addEventListener("change", (ev) => {
        shown = at(ev.target.value);
        card.dataset.grain = shown.grain;
        if (compare) {
          compare.disabled = !shown.year_ago.length;
          if (compare.disabled) compare.checked = view.compare = false;
        }
        const sql = $("pre.sql", card);
        if (sql) sql.textContent = shown.sql;
        const params = $(".params", card);
        if (params) params.textContent = JSON.stringify(shown.params);
        redraw();
      });
      drawn.push(() => u.setSize({ width: Math.max(300, el.clientWidth), height: 230 }));
    }
    window.addEventListener("resize", () => drawn.forEach((f) => f()));
  }

  // ---- lineage: click lights up what a node reads and what reads it
  function initLineage() {
    const svg = $("svg#lineage-graph");
    if (!svg) return;
    const up = new Map();
    const down = new Map();
    for (const e of $$("path.edge", svg)) {
      const { from, to } = e.dataset;
      (up.get(to) || up.set(to, []).get(to)).push(from);
      (down.get(from) || down.set(from, []).get(from)).push(to);
    }
    const reach = (id, next, seen = new Set()) => {
      for (const n of next.get(id) || []) if (!seen.has(n)) reach(n, next, seen.add(n));
      return seen;
    };
    let focused = null;
    const focus = (id) => {
      focused = id;
      $$(".hl", svg).forEach((el) => el.classList.remove("hl"));
      if (!id) return svg.classList.remove("dim");
      const keep = new Set([id, ...reach(id, up), ...reach(id, down)]);
      svg.classList.add("dim");
      for (const g of $$("g.node", svg)) if (keep.has(g.dataset.node)) g.classList.add("hl");
      for (const e of $$("path.edge", svg))
        if (keep.has(e.dataset.from) && keep.has(e.dataset.to)) e.classList.add("hl");
    };
    svg.addEventListener("click", (ev) => {
      const g = ev.target.closest("g.node");
      if (!g) return focus(null);
      if (focused !== g.dataset.node) {
        ev.preventDefault();
        focus(g.dataset.node);
      }
    });
    const box = $("#lineage-box");
    const w = Number(svg.dataset.width);
    const h = Number(svg.dataset.height);
    let scale = 1;
    const zoom = (s) => {
      scale = Math.min(2, Math.max(0.2, s));
      svg.setAttribute("width", String(Math.round(w * scale)));
      svg.setAttribute("height", String(Math.round(h * scale)));
    };
    // a graph a little wider than the window is shown whole; a much wider one keeps readable labels and scrolls
    const fit = (box.clientWidth - 4) / w;
    if (fit < 1 && fit >= 0.6) zoom(fit);
    $("#zoom-in")?.addEventListener("click", () => zoom(scale * 1.25));
    $("#zoom-out")?.addEventListener("click", () => zoom(scale / 1.25));
    $("#zoom-fit")?.addEventListener("click", () => zoom(Math.min(1, (box.clientWidth - 4) / w)));
    $("#lineage-filter")?.addEventListener("input", (ev) => {
      const t = ev.target.value.trim().toLowerCase();
      const g = t && $$("g.node", svg).find((x) => x.dataset.node.split(":").slice(1).join(":").toLowerCase().includes(t));
      focus(g ? g.dataset.node : null);
      g?.scrollIntoView({ block: "center", inline: "center" });
    });
  }

  // ---- tests table filter
  function initTests() {
    const input = $("#tests-filter");
    const select = $("#tests-status");
    if (!input) return;
    const rows = $$("table.tests tbody tr");
    const apply = () => {
      const t = input.value.trim().toLowerCase();
      const s = select.value;
      let shown = 0;
      for (const r of rows) {
        const ok = (!t || r.textContent.toLowerCase().includes(t)) && (!s || r.dataset.status === s);
        r.hidden = !ok;
        shown += ok ? 1 : 0;
      }
      $("#tests-count").textContent = `${shown} of ${rows.length}`;
    };
    input.addEventListener("input", apply);
    select.addEventListener("change", apply);
    apply();
  }

  // ---- the ask box (dp serve only): the same path as `dp ask`
  function initAsk() {
    const form = $("#ask-form");
    if (!form) return;
    const out = $("#ask-answer");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const question = $("#ask-input").value.trim();
      if (!question) return;
      const button = $("button", form);
      button.disabled = true;
      out.innerHTML = '<p class="muted">thinking…</p>';
      try {
        const res = await fetch(`${root}api/ask`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ question }),
        });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error || res.statusText);
        const r = body.result;
        out.innerHTML = `<div class="text s-${r.status}"></div><div class="plot ask-plot"></div><div class="receipt-lines"></div>`;
        out.dataset.status = r.status;
        $(".text", out).textContent = r.answer;
        $(".receipt-lines", out).textContent = r.status === "refused" ? "" : r.receipt.join("\n");
        const s = body.series;
        if (s && s.values.length > 1)
          plot($(".ask-plot", out), { ...s, id: "ask-chart", breakdowns: [], year_ago: [], type: "line" }, { dim: "" });
        else $(".ask-plot", out).remove();
      } catch (e) {
        out.innerHTML = '<p class="issue"></p>';
        $(".issue", out).textContent = `could not ask: ${e.message}`;
      } finally {
        button.disabled = false;
      }
    });
  }

  function markTarget() {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (el?.tagName === "TR") el.classList.add("col-target");
  }

  initSearch();
  initCharts();
  initLineage();
  initTests();
  initAsk();
  markTarget();
  window.addEventListener("hashchange", () => {
    $$(".col-target").forEach((el) => el.classList.remove("col-target"));
    markTarget();
  });
})();
