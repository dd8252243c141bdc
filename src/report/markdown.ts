/** The report as compact Markdown for a pull-request comment: summary, fit matrix, costs, what-ifs, risks. */
import type { ReportData } from "./data.js";
import { cellVerdict, mb, orderedOptions, usd } from "./html.js";

/** Table cells from the repository cannot break the table or inject markup. */
function cell(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

export function renderMarkdown(d: ReportData, options: { maxPlans?: number } = {}): string {
  const all = orderedOptions(d.plan.options);
  const shown = all.slice(0, options.maxPlans ?? 12);
  const fitting = all.filter((o) => o.fits);
  const out: string[] = [];
  out.push(`### shipfit: ${cell(d.app)}`, "");
  out.push(`${d.services.length} service(s) · ${all.length} plans checked, ${fitting.length} fit`, "");
  for (const s of d.plan.scenarios) {
    const o = all.find((x) => x.planId === s.planId);
    out.push(`- **${cell(s.title)}**: ${o ? `${cell(o.platformName)} — ${cell(o.planName)}, ${usd(s.monthlyUSD ?? 0)}/month` : "nothing fits"}`);
  }
  out.push("", "| Plan | " + d.services.map((s) => cell(s.id)).join(" | ") + " | Monthly |", "|---|" + d.services.map(() => "---|").join("") + "---:|");
  for (const o of shown) {
    const cells = d.services.map((s) => {
      const v = cellVerdict(o.services.find((f) => f.service === s.id));
      // GitHub renders emoji: the PR comment uses them, the page keeps plain symbols.
      const mark = { fits: "✅", risk: "⚠️", no: "❌" }[v.cls] ?? v.mark;
      return `${mark} ${cell(v.reason.length > 60 ? `${v.reason.slice(0, 59)}…` : v.reason)}`;
    });
    out.push(`| ${cell(o.platformName)} — ${cell(o.planName)} | ${cells.join(" | ")} | ${o.fits ? usd(o.cost.total) : "–"} |`);
  }
  if (all.length > shown.length) out.push("", `_${all.length - shown.length} more plans in the HTML report._`);
  out.push("", "| Service | Peak RAM | Image | Largest parts |", "|---|---:|---:|---|");
  for (const s of d.footprint.services) {
    const top = [...s.ram.peakMB.parts].sort((a, b) => b.expected - a.expected).slice(0, 3).map((p) => `${cell(p.label)} ${mb(p.expected)}`);
    out.push(`| ${cell(s.service)} | ${mb(s.ram.peakMB.expected)} | ${mb(s.imageMB.expected)} | ${top.join(", ")} |`);
  }
  if (d.plan.variants.length > 0) {
    out.push("", "| What-if | Largest peak RAM | Largest image | Cheapest that fits |", "|---|---:|---:|---|");
    for (const v of d.plan.variants) {
      const o = v.options.find((x) => x.planId === v.cheapest?.planId);
      out.push(`| ${cell(v.title)} | ${mb(v.ramMB.before)} → ${mb(v.ramMB.after)} | ${mb(v.imageMB.before)} → ${mb(v.imageMB.after)} | ${o && v.cheapest ? `${cell(o.platformName)} — ${cell(o.planName)}, ${usd(v.cheapest.monthlyUSD)}` : "none"} |`);
    }
  }
  const risks = d.diagnostics.filter((x) => x.level !== "info");
  if (risks.length > 0) {
    out.push("", "**Risks**", "");
    for (const r of risks.slice(0, 10)) out.push(`- \`${cell(r.code)}\` ${cell(r.message)}${r.where ? ` (${cell(r.where)})` : ""}`);
  }
  if (d.files.length > 0) out.push("", `**shipfit generate all** would write ${d.files.map((f) => `\`${cell(f.path)}\``).join(", ")}.`);
  return `${out.join("\n")}\n`;
}
