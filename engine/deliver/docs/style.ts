/** The site's one stylesheet, inlined in every page (no request, works from file://). */
export const STYLE = `
:root { --fg:#1d2330; --muted:#5d6778; --line:#dde2ea; --bg:#f6f7f9; --card:#fff; --link:#0b63c4;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --src:#eef4ff; --stg:#f3f0ff; --mart:#e9f7ef; --other:#f4f4f4; }
* { box-sizing: border-box; }
html { scroll-padding-top: 64px; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--link); text-decoration:none; } a:hover { text-decoration:underline; }
code, pre, .mono { font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
nav.top { position:sticky; top:0; z-index:10; display:flex; align-items:center; gap:4px; padding:0 20px; height:52px;
  background:#1d2330; color:#fff; box-shadow:0 1px 3px rgba(0,0,0,.15); }
nav.top a { color:#d7dce5; padding:6px 9px; border-radius:6px; white-space:nowrap; }
nav.top a:hover { background:#2d3547; text-decoration:none; } nav.top a.on { background:#3a4560; color:#fff; }
nav.top .brand { font-weight:700; color:#fff; margin-right:10px; font-size:15px; }
nav.top .sep { width:1px; height:22px; background:#475064; margin:0 8px; }
nav.top .group { display:flex; gap:2px; }
.search { margin-left:auto; position:relative; }
.search input { width:340px; padding:7px 10px; border-radius:6px; border:1px solid #475064; background:#2d3547; color:#fff; font-size:13.5px; }
.search input::placeholder { color:#9aa4b5; }
#search-results { position:absolute; right:0; top:40px; width:520px; max-height:70vh; overflow:auto; background:#fff; color:var(--fg);
  border:1px solid var(--line); border-radius:8px; box-shadow:0 8px 24px rgba(0,0,0,.18); }
#search-results a { display:block; padding:7px 12px; border-bottom:1px solid var(--line); color:var(--fg); }
#search-results a:hover, #search-results a.sel { background:#eef4ff; text-decoration:none; }
#search-results .kind { display:inline-block; min-width:58px; font-size:11px; text-transform:uppercase; color:var(--muted); }
#search-results .ctx { display:block; color:var(--muted); font-size:12px; margin-left:62px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
#search-results .none { padding:10px 12px; color:var(--muted); }
main { padding:18px 28px 40px; max-width:1600px; margin:0 auto; }
footer { color:var(--muted); font-size:12px; padding:12px 28px 30px; max-width:1600px; margin:0 auto; }
h1 { font-size:22px; margin:6px 0 4px; } h2 { font-size:17px; margin:26px 0 10px; } h3 { font-size:15px; margin:16px 0 6px; }
.sub { color:var(--muted); margin:0 0 14px; }
.muted { color:var(--muted); }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
table { border-collapse:collapse; width:100%; background:var(--card); }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:anywhere; }
th { background:#eef0f4; font-weight:600; font-size:12.5px; position:sticky; top:52px; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.pill { display:inline-block; padding:0 7px; border-radius:9px; font-size:12px; border:1px solid var(--line); margin-right:4px; background:#fff; font-weight:500; }
.pill.pii { background:#fff1e5; border-color:#f0b37e; }
.st { font-weight:600; } .s-pass, .s-success, .s-fresh, .s-ok { color:var(--ok); } .s-warn { color:var(--warn); }
.s-fail, .s-error, .s-failed, .s-skipped, .s-bad { color:var(--bad); } .s-never, .s-unknown, .s-not-run { color:var(--muted); }
pre.sql { background:#fbfbfc; border:1px solid var(--line); border-radius:8px; padding:12px 14px; overflow:auto; max-height:520px; margin:6px 0; white-space:pre; }
details > summary { cursor:pointer; color:var(--link); margin:6px 0; }
.toolbar { display:flex; gap:10px; align-items:center; margin:8px 0 10px; flex-wrap:wrap; }
.toolbar input, .toolbar select { padding:6px 9px; border:1px solid var(--line); border-radius:6px; font-size:13.5px; background:#fff; }
/* dashboards */
.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap:16px; }
.chart-card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px 10px; min-width:0; }
.chart-card.bad { border-color:var(--bad); box-shadow: inset 4px 0 0 var(--bad); }
.chart-card.warn { border-color:#d4a72c; box-shadow: inset 4px 0 0 #d4a72c; }
.chart-head { display:flex; justify-content:space-between; gap:12px; align-items:flex-start; }
.chart-head h3 { margin:0; font-size:14px; color:var(--muted); font-weight:600; }
.chart-head .desc { font-size:12px; color:var(--muted); max-width:420px; margin-top:2px; }
.headline { font-size:26px; font-weight:700; margin-top:4px; font-variant-numeric: tabular-nums; }
.change { font-size:13px; font-weight:600; margin-left:6px; } .change.good { color:var(--ok); } .change.badc { color:var(--bad); } .change.flat { color:var(--muted); }
.headline.split { font-size:20px; } .headline.split small { font-size:11px; color:var(--muted); font-weight:600; }
.headline.split .sep { color:var(--muted); font-weight:400; } .tile .headline.split .cur { display:block; } .tile .headline.split .sep { display:none; }
.period { font-size:12px; color:var(--muted); }
.controls { display:flex; gap:10px; align-items:center; font-size:12.5px; color:var(--muted); white-space:nowrap; }
.controls select { padding:3px 6px; border:1px solid var(--line); border-radius:6px; background:#fff; font-size:12.5px; }
.plot { margin-top:8px; min-height:230px; }
.issue { background:#ffebe9; color:#82071e; border:1px solid #ffcecb; border-radius:6px; padding:6px 10px; margin:8px 0 0; font-size:12.5px; }
.chart-card.warn .issue { background:#fff8c5; color:#6b4e00; border-color:#eedd88; }
.receipt { border-top:1px dashed var(--line); margin-top:8px; padding-top:6px; font-size:12px; color:var(--muted); display:flex; flex-wrap:wrap; gap:4px 14px; }
.receipt b { color:var(--fg); font-weight:600; }
.tiles { display:grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap:12px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 14px; color:var(--fg); display:block; }
.tile:hover { border-color:var(--link); text-decoration:none; }
.tile .name { color:var(--muted); font-size:12.5px; } .tile .headline { font-size:21px; }
.tile .change { display:block; margin-left:0; }
.tile.bad { border-left:4px solid var(--bad); } .tile.warn { border-left:4px solid #d4a72c; }
.health { display:grid; grid-template-columns: 1fr 1fr; gap:16px; }
.uplot { font-family: inherit; } .u-legend { font-size:12px; } .u-legend .u-marker { border-radius:2px; }
/* ask */
.ask { margin-bottom:18px; } .ask form { display:flex; gap:8px; }
.ask input { flex:1; padding:10px 12px; font-size:15px; border:1px solid var(--line); border-radius:8px; }
.ask button { padding:9px 18px; font-size:14px; border-radius:8px; border:0; background:#0b63c4; color:#fff; cursor:pointer; }
.ask button[disabled] { opacity:.6; }
#ask-answer { margin-top:12px; } #ask-answer .text { white-space:pre-wrap; font-size:15px; }
#ask-answer .receipt-lines { margin-top:8px; color:var(--muted); font-size:12.5px; white-space:pre-wrap; }
#ask-answer .s-refused { color:var(--warn); }
/* lineage */
.lineage-box { overflow:auto; border:1px solid var(--line); border-radius:10px; background:#fff; max-height:calc(100vh - 190px); }
.lineage-box.small { max-height:420px; }
svg .edge { fill:none; stroke:#a3acbb; stroke-width:1.2; }
svg .edge.hl { stroke:#0b63c4; stroke-width:2; }
svg .node rect { stroke:#7d8799; stroke-width:1; }
svg .node.source rect { fill:var(--src); } svg .node.staging rect { fill:var(--stg); } svg .node.marts rect { fill:var(--mart); }
svg .node.other rect { fill:var(--other); }
svg .node.failed rect { stroke:var(--bad); stroke-width:2; }
svg .node.focus rect { stroke:#0b63c4; stroke-width:2.5; }
svg .node text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; fill:var(--fg); }
svg.dim .node:not(.hl) { opacity:.25; } svg.dim .edge:not(.hl) { opacity:.15; }
svg a:hover rect { stroke:#0b63c4; stroke-width:2; }
.legend span { display:inline-block; margin-right:14px; font-size:12.5px; }
.legend i { display:inline-block; width:12px; height:12px; border:1px solid #7d8799; border-radius:3px; vertical-align:-2px; margin-right:5px; }
/* models */
.facts { display:flex; flex-wrap:wrap; gap:4px 18px; color:var(--muted); font-size:13px; margin:6px 0 12px; }
.two { display:grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap:16px; }
table.tests { table-layout:fixed; }
table.tests col.c-id { width:27%; } table.tests col.c-model { width:16%; } table.tests col.c-kind { width:11%; }
table.tests col.c-sev { width:7%; } table.tests col.c-st { width:6%; } table.tests col.c-fail { width:6%; }
table.tests col.c-msg { width:27%; }
tr.col-target { background:#fff8c5; }
`;
