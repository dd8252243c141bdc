/** The memory timeline as a small standalone SVG: the tree's RSS over time, the limit as a red line. */
import type { ProbeResult } from "./probe.js";

const W = 640;
const H = 240;
const PAD = 40;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function timelineSvg(r: ProbeResult): string {
  const tMax = Math.max(r.durationSeconds, ...r.samples.map((s) => s.t), 0.1);
  const mMax = Math.max(r.peakMB, r.limitMB ?? 0, 1) * 1.1;
  const x = (t: number) => (PAD + (t / tMax) * (W - 2 * PAD)).toFixed(1);
  const y = (mb: number) => (H - PAD - (mb / mMax) * (H - 2 * PAD)).toFixed(1);
  const points = r.samples.map((s) => `${x(s.t)},${y(s.totalMB)}`).join(" ");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(`memory of ${r.command.join(" ")}`)}</title>`,
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#888"/>`,
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#888"/>`,
    `<text x="${PAD}" y="${H - PAD + 16}">0 s</text><text x="${W - PAD}" y="${H - PAD + 16}" text-anchor="end">${tMax.toFixed(1)} s</text>`,
    `<text x="${PAD - 4}" y="${y(r.peakMB)}" text-anchor="end">${Math.round(r.peakMB)}</text>`,
    `<polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${points}"/>`,
  ];
  if (r.limitMB !== undefined) {
    parts.push(`<line x1="${PAD}" y1="${y(r.limitMB)}" x2="${W - PAD}" y2="${y(r.limitMB)}" stroke="#dc2626" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${W - PAD}" y="${Number(y(r.limitMB)) - 4}" text-anchor="end" fill="#dc2626">limit ${Math.round(r.limitMB)} MB</text>`);
  }
  parts.push(`<text x="${PAD}" y="${PAD - 10}">RSS of the process tree, MB (peak ${Math.round(r.peakMB)} MB at ${r.peakAtSeconds} s)</text>`, "</svg>");
  return `${parts.join("\n")}\n`;
}
