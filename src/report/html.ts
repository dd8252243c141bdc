/** The report as one self-contained HTML page: no network at view time, charts inline, a table behind each. */
import type { Figure, PartKind } from "../estimate/footprint.js";
import type { PlanOption, ServiceFit } from "../plan/types.js";
import { timelineSvg } from "../probe/chart.js";
import type { ReportData } from "./data.js";
import { esc, servicesDiagram, stackedBars, type Bar, type SeriesKey } from "./svg.js";

export const usd = (n: number) => (n === 0 ? "$0" : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
export const mb = (n: number) => (n >= 1024 ? `${(n / 1024).toFixed(1)} GB` : `${Math.round(n)} MB`);

/** ✓ / ⚠ / ✗ with a word, so the matrix reads without colour; plain symbols every system font has. */
export function cellVerdict(fit: ServiceFit | undefined): { mark: string; word: string; cls: string; reason: string } {
  if (!fit) return { mark: "–", word: "n/a", cls: "na", reason: "" };
  const blocker = fit.checks.find((c) => c.verdict === "blocker");
  const risk = fit.checks.find((c) => c.verdict === "risk");
  if (!fit.fits || blocker) return { mark: "✗", word: "no", cls: "no", reason: blocker?.message ?? "does not fit" };
  const base = `${fit.size ? `${fit.size}: ` : ""}${mb(fit.ramNeedMB)} of ${mb(fit.ramLimitMB)}`;
  if (risk) return { mark: "⚠", word: "risk", cls: "risk", reason: `${base}; ${risk.message}` };
  return { mark: "✓", word: "fits", cls: "fits", reason: base };
}

/** Options in the order a reader wants: fitting ones cheapest first, then the rest. */
export function orderedOptions(options: PlanOption[]): PlanOption[] {
  return [...options].sort((a, b) => Number(b.fits) - Number(a.fits) || a.cost.total - b.cost.total || a.planId.localeCompare(b.planId));
}

const COST_KEYS: SeriesKey[] = [
  { key: "compute", label: "compute", cls: "c-compute" },
  { key: "database", label: "databases", cls: "c-database" },
  { key: "storage", label: "storage", cls: "c-storage" },
  { key: "other", label: "egress + fees", cls: "c-other" },
];

const KIND_LABEL: Record<PartKind, string> = {
  "base-image": "base image",
  interpreter: "interpreter",
  package: "packages",
  "system-packages": "system packages",
  "app-files": "app files",
  model: "models",
  workers: "workers",
  subprocess: "subprocesses",
  download: "downloads",
  install: "install",
  push: "push",
  overhead: "overhead",
};

/** Sums a figure's parts by kind (what torch, the models and the workers each take). */
function byKind(f: Figure): { key: string; value: number; label: string }[] {
  const sums = new Map<string, number>();
  for (const p of f.parts) sums.set(p.kind, (sums.get(p.kind) ?? 0) + p.expected);
  return [...sums].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ key: k, value: v, label: KIND_LABEL[k as PartKind] ?? k }));
}

function kindKeys(figures: Figure[]): SeriesKey[] {
  const kinds = [...new Set(figures.flatMap((f) => byKind(f).map((x) => x.key)))];
  // One colour per kind across charts: "models" looks the same in the RAM and the image chart.
  const order = Object.keys(KIND_LABEL);
  return kinds.map((k) => ({ key: k, label: KIND_LABEL[k as PartKind] ?? k, cls: `k${Math.max(0, order.indexOf(k)) % 8}` }));
}

function topParts(f: Figure, n = 6): string {
  const parts = [...f.parts].sort((a, b) => b.expected - a.expected);
  const shown = parts.slice(0, n).map((p) => `<tr><td>${esc(p.label)}</td><td>${esc(KIND_LABEL[p.kind] ?? p.kind)}</td><td class="num">${mb(p.expected)}</td></tr>`);
  const rest = parts.slice(n).reduce((s, p) => s + p.expected, 0);
  if (rest > 0) shown.push(`<tr><td>${parts.length - n} smaller parts</td><td></td><td class="num">${mb(rest)}</td></tr>`);
  return shown.join("");
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
}

/** JSON safe inside a <script> element: no `<`, and no line separators JavaScript would choke on. */
function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function renderHtml(d: ReportData): string {
  const options = orderedOptions(d.plan.options);
  const services = d.services.map((s) => s.id);
  const fitting = options.filter((o) => o.fits);

  const summary = d.plan.scenarios
    .map((s) => `<li><strong>${esc(s.title)}</strong>: ${s.planId ? `${esc(options.find((o) => o.planId === s.planId)?.platformName ?? s.planId)} — ${esc(options.find((o) => o.planId === s.planId)?.planName ?? "")}, <span class="money">${usd(s.monthlyUSD ?? 0)}/month</span>` : "nothing fits"}. ${esc(s.why)}</li>`)
    .join("");

  const serviceRows = d.services.map((s) => `<tr><td>${esc(s.id)}</td><td>${esc(s.kind)}</td><td>${esc(s.framework ?? "–")}</td><td><code>${esc(s.start ?? "–")}</code></td><td>${s.port ?? "–"}</td><td>${esc(d.edges.filter((e) => e.from === s.id).map((e) => `${e.to}${e.label ? ` (${e.label})` : ""}`).join(", ") || "–")}</td></tr>`).join("");

  const matrixHead = `<tr><th scope="col">Plan</th>${services.map((s) => `<th scope="col">${esc(s)}</th>`).join("")}<th scope="col">Monthly</th><th scope="col">Prices</th></tr>`;
  const matrixRows = options
    .map((o) => {
      const cells = services
        .map((s) => {
          const v = cellVerdict(o.services.find((f) => f.service === s));
          return `<td class="cell ${v.cls}" data-service="${esc(s)}" data-verdict="${v.cls}"><span class="mark" aria-hidden="true">${v.mark}</span> <span class="word">${v.word}</span><div class="reason">${esc(v.reason)}</div></td>`;
        })
        .join("");
      return `<tr data-plan="${esc(o.planId)}" data-fits="${o.fits}" data-total="${o.cost.total.toFixed(2)}"><th scope="row">${esc(o.platformName)}<div class="reason">${esc(o.planName)}${o.freeTier ? " · free tier" : ""}</div></th>${cells}<td class="num money">${o.fits ? usd(o.cost.total) : `<span class="muted">${usd(o.cost.total)}</span>`}</td><td>${esc(o.confidence)}</td></tr>`;
    })
    .join("");

  // A plan's included credit makes its fees negative: the bar shows what is used, the label what is billed.
  const costBars: Bar[] = fitting.map((o) => ({
    id: o.planId,
    label: `${o.platformName} — ${o.planName}`,
    segments: [
      { key: "compute", value: o.cost.compute },
      { key: "database", value: o.cost.database },
      { key: "storage", value: o.cost.storage },
      { key: "other", value: o.cost.egress + Math.max(0, o.cost.fees) },
    ],
    total: o.cost.total,
    ...(o.cost.fees < 0 ? { note: `billed (${usd(-o.cost.fees)} of usage included)` } : {}),
  }));
  const costTable = fitting.map((o) => `<tr data-plan="${esc(o.planId)}"><th scope="row">${esc(o.platformName)} — ${esc(o.planName)}</th><td class="num">${usd(o.cost.compute)}</td><td class="num">${usd(o.cost.database)}</td><td class="num">${usd(o.cost.storage)}</td><td class="num">${usd(o.cost.egress + o.cost.fees)}</td><td class="num money">${usd(o.cost.total)}</td></tr>`).join("");

  const ramFigs = d.footprint.services.map((s) => s.ram.peakMB);
  const imgFigs = d.footprint.services.map((s) => s.imageMB);
  const ramKeys = kindKeys(ramFigs);
  const imgKeys = kindKeys(imgFigs);
  const ramChart = stackedBars("ram-chart", "Peak RAM per service", "Stacked by what takes the memory", d.footprint.services.map((s) => ({ id: s.service, label: `${s.service} (${s.ram.processes} process${s.ram.processes > 1 ? "es" : ""})`, segments: byKind(s.ram.peakMB) })), ramKeys, mb);
  const imgChart = stackedBars("image-chart", "Image size per service", "Stacked by what the image holds", d.footprint.services.map((s) => ({ id: s.service, label: s.service, segments: byKind(s.imageMB) })), imgKeys, mb);
  const breakdownTables = d.footprint.services
    .map((s) => `<table class="parts"><caption>${esc(s.service)}: peak RAM ${mb(s.ram.peakMB.expected)} (${mb(s.ram.peakMB.low)}–${mb(s.ram.peakMB.high)}), image ${mb(s.imageMB.expected)}${s.imageMBCpuTorch ? ` (${mb(s.imageMBCpuTorch.expected)} with CPU-only torch)` : ""}, cold start ${s.coldStartSeconds.expected.toFixed(0)} s</caption><thead><tr><th scope="col">RAM part</th><th scope="col">kind</th><th scope="col">MB</th></tr></thead><tbody>${topParts(s.ram.peakMB)}</tbody><thead><tr><th scope="col">Image part</th><th scope="col">kind</th><th scope="col">MB</th></tr></thead><tbody>${topParts(s.imageMB)}</tbody></table>`)
    .join("");

  const risks: string[] = [];
  for (const dg of d.diagnostics.filter((x) => x.level !== "info")) risks.push(`<li class="${esc(dg.level)}"><strong>${esc(dg.code)}</strong>: ${esc(dg.message)}${dg.where ? ` <span class="where">${esc(dg.where)}</span>` : ""}</li>`);
  const planRisks = new Map<string, string[]>();
  for (const o of fitting.slice(0, 8)) for (const r of o.risks) planRisks.set(r, [...(planRisks.get(r) ?? []), o.platformName]);
  for (const [r, who] of planRisks) risks.push(`<li class="risk"><strong>on ${esc([...new Set(who)].join(", "))}</strong>: ${esc(r)}</li>`);

  const variants = d.plan.variants;
  const variantTable = variants.length
    ? `<table><thead><tr><th scope="col"></th><th scope="col">As scanned</th>${variants.map((v) => `<th scope="col">${esc(v.title)}</th>`).join("")}</tr></thead><tbody>
<tr><th scope="row">Change</th><td>–</td>${variants.map((v) => `<td>${esc(v.change)}</td>`).join("")}</tr>
<tr><th scope="row">Largest peak RAM</th><td class="num">${mb(variants[0]?.ramMB.before ?? 0)}</td>${variants.map((v) => `<td class="num">${mb(v.ramMB.after)}</td>`).join("")}</tr>
<tr><th scope="row">Largest image</th><td class="num">${mb(variants[0]?.imageMB.before ?? 0)}</td>${variants.map((v) => `<td class="num">${mb(v.imageMB.after)}</td>`).join("")}</tr>
<tr><th scope="row">Cheapest that fits</th><td>${fitting[0] ? `${esc(fitting[0].platformName)} — ${esc(fitting[0].planName)}, ${usd(fitting[0].cost.total)}` : "none"}</td>${variants.map((v) => `<td data-variant="${esc(v.id)}">${v.cheapest ? `${esc(v.options.find((o) => o.planId === v.cheapest?.planId)?.platformName ?? v.cheapest.planId)} — ${esc(v.options.find((o) => o.planId === v.cheapest?.planId)?.planName ?? "")}, ${usd(v.cheapest.monthlyUSD)}` : "none"}</td>`).join("")}</tr>
<tr><th scope="row">Plans that fit</th><td class="num">${fitting.length}</td>${variants.map((v) => `<td class="num">${v.options.filter((o) => o.fits).length}${v.newlyFits.length ? ` (+${v.newlyFits.length})` : ""}</td>`).join("")}</tr>
</tbody></table>`
    : "<p>No what-if applies to this app.</p>";

  const models = d.models
    ? `<p>${d.models.files} model file(s), ${mb(d.models.bytes / 2 ** 20)} in the repository. Keeping them off the image and the ephemeral disk (<code>shipfit models push</code>, then <code>shipfit models pull</code> at start):</p><table><thead><tr><th scope="col">Where</th><th scope="col">Storage/month</th><th scope="col">Requests/month</th><th scope="col">Total/month</th><th scope="col">Notes</th></tr></thead><tbody>${d.models.storage.map((o) => `<tr><th scope="row">${esc(o.name)}</th><td class="num">${usd(o.storageMonthlyUSD)}</td><td class="num">${usd(o.requestsMonthlyUSD)}</td><td class="num money">${usd(o.monthlyUSD)}</td><td>${esc(o.notes.join("; "))}</td></tr>`).join("")}</tbody></table>`
    : "";

  const probe = d.probe
    ? section("probe", "Measured memory (probe)", `<figure><div id="probe-timeline" role="img" aria-label="${esc(`Memory of the process tree over time, peak ${mb(d.probe.peakMB)}`)}">${timelineSvg(d.probe)}</div><figcaption>Peak ${mb(d.probe.peakMB)} at ${d.probe.peakAtSeconds.toFixed(1)} s${d.probe.peakHolder ? ` (largest process: ${esc(d.probe.peakHolder.name)}, ${mb(d.probe.peakHolder.rssMB)})` : ""}${d.probe.limitMB ? `; limit ${mb(d.probe.limitMB)}${d.probe.crossedLimitAtSeconds !== undefined ? `, crossed at ${d.probe.crossedLimitAtSeconds.toFixed(1)} s` : ", never crossed"}` : ""}.</figcaption></figure><table><thead><tr><th scope="col">t (s)</th><th scope="col">RSS of the tree (MB)</th><th scope="col">processes</th></tr></thead><tbody>${sampleRows(d.probe.samples)}</tbody></table>`)
    : "";

  const files = d.files.length
    ? `<table><thead><tr><th scope="col">File</th><th scope="col">Target</th><th scope="col">What it fixes</th></tr></thead><tbody>${d.files.map((f) => `<tr><td><code>${esc(f.path)}</code></td><td>${esc(f.target)}</td><td>${esc(f.fixes.join("; ") || "–")}</td></tr>`).join("")}</tbody></table><p><code>shipfit generate all</code> writes them (<code>--dry-run</code> shows them first).</p>`
    : "<p>Nothing to generate for this app.</p>";

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>shipfit report — ${esc(d.app)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(d.app)}: what it needs to run, where it fits, what it costs</h1>
<p class="meta">shipfit ${esc(d.version)} · ${esc(d.generatedAt.slice(0, 16).replace("T", " "))} UTC · ${d.services.length} service(s) · ${options.length} plans checked, ${fitting.length} fit</p>
<nav aria-label="Sections"><a href="#summary">Summary</a> <a href="#services">Services</a> <a href="#fit">Fit matrix</a> <a href="#costs">Costs</a> <a href="#footprint">RAM &amp; image</a>${d.probe ? ' <a href="#probe">Probe</a>' : ""}${d.models ? ' <a href="#models">Models</a>' : ""} <a href="#risks">Risks</a> <a href="#whatif">What-ifs</a> <a href="#files">Files</a></nav></header>
<main>
${section("summary", "Summary", `<ul class="summary">${summary}</ul><p class="assumptions">${esc(d.plan.assumptions.join(" "))}</p>`)}
${section("services", "Services and how they connect", `<figure>${servicesDiagram(d.services, d.datastores, d.edges)}</figure><table><thead><tr><th scope="col">Service</th><th scope="col">Kind</th><th scope="col">Framework</th><th scope="col">Start command</th><th scope="col">Port</th><th scope="col">Uses</th></tr></thead><tbody>${serviceRows}</tbody></table>`)}
${section("fit", "Fit matrix", `<p>Each cell: does the service fit the plan, and why (memory asked with 20 % headroom against what the plan gives, or the first reason it does not fit). ✓ fits · ⚠ fits with a risk · ✗ does not fit.</p><div class="scroll"><table id="fit-matrix" class="matrix"><thead>${matrixHead}</thead><tbody>${matrixRows}</tbody></table></div>`)}
${section("costs", "Monthly cost of the plans that fit", fitting.length ? `<figure>${stackedBars("cost-chart", "Monthly cost per option", "Stacked: compute, databases, storage, egress and fees, in US dollars", costBars, COST_KEYS, usd)}</figure><table id="cost-table"><thead><tr><th scope="col">Option</th><th scope="col">Compute</th><th scope="col">Databases</th><th scope="col">Storage</th><th scope="col">Egress + fees</th><th scope="col">Total</th></tr></thead><tbody>${costTable}</tbody></table>` : "<p>No plan fits the app as scanned: see the what-ifs below.</p>")}
${section("footprint", "RAM and image size per service", `<figure>${ramChart}</figure><figure>${imgChart}</figure>${breakdownTables}`)}
${probe}
${d.models ? section("models", "Model files", models) : ""}
${section("risks", "Risks and what to do", risks.length ? `<ul class="risks">${risks.join("")}</ul>` : "<p>None found.</p>")}
${section("whatif", "What-if variants side by side", variantTable)}
${section("files", "Files shipfit generate would write", files)}
</main>
<footer><p>Figures are estimates with their sources (<code>shipfit estimate --json</code>, <code>shipfit catalog</code>); prices as of each catalog entry's date.</p></footer>
<script type="application/json" id="shipfit-data">${scriptJson(d)}</script>
</body>
</html>
`;
}

function sampleRows(samples: { t: number; totalMB: number; processes: number }[]): string {
  // One row a second is enough to read; the chart has every sample.
  const out: string[] = [];
  let next = 0;
  for (const s of samples) {
    if (s.t + 1e-9 < next) continue;
    out.push(`<tr><td class="num">${s.t.toFixed(1)}</td><td class="num">${Math.round(s.totalMB)}</td><td class="num">${s.processes}</td></tr>`);
    next = Math.floor(s.t) + 1;
  }
  return out.join("");
}

const CSS = `
:root{--fg:#1d232b;--muted:#5c6670;--bg:#fff;--line:#d8dde3;--ok:#1b7f3b;--risk:#9a6700;--no:#b42318;--accent:#2456a6}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
.meta,.muted,.reason,.where,.assumptions{color:var(--muted)}.reason{font-size:.8rem;line-height:1.3}
nav a{margin-right:12px;color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:.9rem}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f5f7}caption{text-align:left;font-weight:600;padding:6px 0}.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}.matrix td.cell{min-width:150px}
.cell.fits .word{color:var(--ok);font-weight:600}.cell.risk .word{color:var(--risk);font-weight:600}.cell.no .word{color:var(--no);font-weight:600}
.cell.no{background:#fdf1f0}.cell.risk{background:#fff8e6}.cell.fits{background:#f0f8f2}
.money{font-weight:600}figure{margin:8px 0}figcaption{color:var(--muted);font-size:.9rem}
svg.chart{max-width:100%;font:12px system-ui,sans-serif}svg text{fill:var(--fg)}
.c-compute,.k0{fill:#4e79a7}.c-database,.k1{fill:#f28e2b}.c-storage,.k2{fill:#59a14f}.c-other,.k3{fill:#bab0ac}.k4{fill:#e15759}.k5{fill:#76b7b2}.k6{fill:#edc948}.k7{fill:#b07aa1}
.node rect{fill:#eef3fb;stroke:var(--accent)}.node.datastore rect{fill:#f6f1e8;stroke:#8a6d3b}.node-title{font-weight:600}.node-sub{fill:var(--muted)}
.edge{stroke:#66707a;stroke-width:1.5;fill:none}
ul.risks li{margin:4px 0}li.error strong,li.warning strong{color:var(--no)}code{font-size:.85em;background:#f3f5f7;padding:0 3px;border-radius:3px;word-break:break-all}
footer{margin-top:32px;color:var(--muted);font-size:.85rem}
@media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}.scroll{overflow:visible}section{break-inside:avoid-page}h2{break-after:avoid}
.cell.no,.cell.risk,.cell.fits{background:none}}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ed;--muted:#9aa4ae;--bg:#14181d;--line:#2c333b}thead th{background:#1d232b}code{background:#1d232b}.cell.no{background:#3a1d1b}.cell.risk{background:#3a2f14}.cell.fits{background:#15301f}.node rect{fill:#1d2a3d}.node.datastore rect{fill:#2f2717}}
`;
