/**
 * Charts as inline SVG, drawn when the report is written: the page works offline, prints, and needs
 * no script. Every chart has a title and a description for screen readers, uses patterns as well as
 * colour (readable in black and white), and is followed in the page by a table of the same numbers.
 */
import type { Edge } from "./data.js";

/** Escapes text for HTML and SVG: everything from the scanned repository goes through here. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

export interface SeriesKey {
  key: string;
  label: string;
  /** A CSS class giving fill colour and pattern (see the page's stylesheet). */
  cls: string;
}

export interface Bar {
  id: string;
  label: string;
  segments: { key: string; value: number; label?: string }[];
  /** The figure the bar stands for when it is not the sum of its segments (a cost after a credit). */
  total?: number;
  /** Said after the total (e.g. "after $5.00 credit"). */
  note?: string;
}

const W = 760;

/** Pattern fills, one per series slot, so bars read without colour. */
function patterns(prefix: string): string {
  return `<defs>
<pattern id="${prefix}-p1" width="6" height="6" patternUnits="userSpaceOnUse"><path d="M0,6 L6,0" stroke="#000" stroke-opacity=".35" stroke-width="1.2"/></pattern>
<pattern id="${prefix}-p2" width="5" height="5" patternUnits="userSpaceOnUse"><circle cx="2.5" cy="2.5" r="1" fill="#000" fill-opacity=".4"/></pattern>
<pattern id="${prefix}-p3" width="6" height="6" patternUnits="userSpaceOnUse"><path d="M0,3 H6" stroke="#000" stroke-opacity=".35" stroke-width="1.2"/></pattern>
<pattern id="${prefix}-p4" width="6" height="6" patternUnits="userSpaceOnUse"><path d="M3,0 V6" stroke="#000" stroke-opacity=".35" stroke-width="1.2"/></pattern>
</defs>`;
}

/** Horizontal stacked bars with a legend; each bar carries its total in data-total for checking. */
export function stackedBars(id: string, title: string, desc: string, bars: Bar[], keys: SeriesKey[], unit: (n: number) => string): string {
  const labelW = 250;
  const valueW = 90;
  const rowH = 22;
  const top = 28;
  const max = Math.max(1e-9, ...bars.map((b) => b.segments.reduce((s, x) => s + Math.max(0, x.value), 0)));
  const plotW = W - labelW - valueW;
  const h = top + bars.length * rowH + 8;
  const legend = keys
    .map((k, i) => `<g transform="translate(${labelW + i * 120},4)"><rect width="14" height="14" class="${k.cls}"/><rect width="14" height="14" fill="url(#${id}-p${(i % 4) + 1})"/><text x="18" y="12">${esc(k.label)}</text></g>`)
    .join("");
  const rows = bars
    .map((b, r) => {
      const total = b.total ?? b.segments.reduce((s, x) => s + Math.max(0, x.value), 0);
      let x = labelW;
      const segs = b.segments
        .map((s) => {
          const ki = keys.findIndex((k) => k.key === s.key);
          const k = keys[ki];
          const w = (Math.max(0, s.value) / max) * plotW;
          const out = w > 0 && k ? `<g class="seg" data-key="${esc(s.key)}" data-value="${s.value.toFixed(4)}"><rect x="${x.toFixed(1)}" y="${top + r * rowH}" width="${w.toFixed(1)}" height="${rowH - 6}" class="${k.cls}"/><rect x="${x.toFixed(1)}" y="${top + r * rowH}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="url(#${id}-p${(ki % 4) + 1})"><title>${esc(`${b.label}: ${s.label ?? k.label} ${unit(s.value)}`)}</title></rect></g>` : "";
          x += w;
          return out;
        })
        .join("");
      return `<g class="bar" data-id="${esc(b.id)}" data-total="${total.toFixed(4)}"><text x="${labelW - 6}" y="${top + r * rowH + 12}" text-anchor="end">${esc(truncate(b.label, 34))}</text>${segs}<text x="${(x + 4).toFixed(1)}" y="${top + r * rowH + 12}">${esc(unit(total))}${b.note ? ` ${esc(b.note)}` : ""}</text></g>`;
    })
    .join("");
  return `<svg id="${esc(id)}" class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${W} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${patterns(id)}${legend}${rows}</svg>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Services on top, datastores below, a line for each use. */
export function servicesDiagram(services: { id: string; kind: string; framework?: string }[], datastores: string[], edges: Edge[]): string {
  const boxW = 150;
  const gap = 30;
  const place = (n: number, i: number) => (W - (n * boxW + (n - 1) * gap)) / 2 + i * (boxW + gap);
  const sy = 20;
  const dy = 130;
  const pos = new Map<string, { x: number; y: number }>();
  services.forEach((s, i) => pos.set(`s:${s.id}`, { x: place(services.length, i), y: sy }));
  datastores.forEach((d, i) => pos.set(`d:${d}`, { x: place(datastores.length, i), y: dy }));
  const h = datastores.length > 0 ? dy + 60 : sy + 60;
  const lines = edges
    .map((e) => {
      const a = pos.get(`s:${e.from}`);
      const b = pos.get(`d:${e.to}`) ?? pos.get(`s:${e.to}`);
      if (!a || !b) return "";
      const same = b.y === a.y;
      const x1 = a.x + boxW / 2;
      const y1 = a.y + 44;
      const x2 = b.x + boxW / 2;
      const y2 = same ? b.y + 44 : b.y;
      const path = same ? `M${x1},${y1} C${x1},${y1 + 40} ${x2},${y2 + 40} ${x2},${y2}` : `M${x1},${y1} L${x2},${y2}`;
      return `<path d="${path}" class="edge" marker-end="url(#arrow)"><title>${esc(`${e.from} → ${e.to}${e.label ? ` (${e.label})` : ""}`)}</title></path>`;
    })
    .join("");
  const box = (key: string, label: string, sub: string, cls: string) => {
    const p = pos.get(key);
    if (!p) return "";
    return `<g class="node ${cls}"><rect x="${p.x}" y="${p.y}" width="${boxW}" height="44" rx="6"/><text x="${p.x + boxW / 2}" y="${p.y + 19}" text-anchor="middle" class="node-title">${esc(truncate(label, 20))}</text><text x="${p.x + boxW / 2}" y="${p.y + 35}" text-anchor="middle" class="node-sub">${esc(truncate(sub, 24))}</text></g>`;
  };
  const nodes = [...services.map((s) => box(`s:${s.id}`, s.id, [s.kind, s.framework].filter(Boolean).join(" · "), `svc-${s.kind}`)), ...datastores.map((d) => box(`d:${d}`, d, "datastore", "datastore"))].join("");
  return `<svg id="services-diagram" class="chart" role="img" aria-labelledby="sd-t sd-d" viewBox="0 0 ${W} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="sd-t">Services and how they connect</title><desc id="sd-d">${esc(`${services.length} service(s): ${services.map((s) => s.id).join(", ")}; datastores: ${datastores.join(", ") || "none"}`)}</desc><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>${lines}${nodes}</svg>`;
}
