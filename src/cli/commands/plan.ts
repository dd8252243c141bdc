/** `shipfit plan [DIR]`: every hosting plan — does the app fit, what it costs a month, what to change. */
import { loadCatalog } from "../../catalog/load.js";
import { UsageError } from "../../core/errors.js";
import { estimate } from "../../estimate/estimate.js";
import { plan } from "../../plan/plan.js";
import type { PlanOption, PlanResult } from "../../plan/types.js";
import { parse, str } from "../args.js";
import { readMeasured } from "../measured.js";
import type { Command } from "../command.js";
import { scanWithProgress } from "../scan-dir.js";
import { paint, table } from "../output.js";

export const planCommand: Command = {
  name: "plan",
  help: `Usage: shipfit plan [DIR] [--budget USD] [--always-on] [--users N] [--region R] [--json]

Scans DIR (default: the current folder), estimates each service (see shipfit estimate) and checks
every plan of every platform in the catalog (shipfit catalog lists them):
  fit     per service: RAM with headroom against the plan's limit, image size against its limit,
          websockets, background workers, durable writes against an ephemeral disk, sleep;
  cost    per month: compute (usage-billed, instance sizes or serverless with its free tier),
          databases, volumes and storage, egress, subscription fees minus included credit;
  ranked  fitting options cheapest first, a recommendation for $0, about $5–10 and production;
  what-if remote inference instead of local torch, CPU-only torch, models in object storage,
          services merged into one — each re-estimated and re-planned.

Options:
  --budget USD     only plans whose monthly total is at most USD
  --always-on      no sleeping: plans that sleep when idle do not fit
  --users N        active users, for request-billed platforms and egress (default 50)
  --region R       region for region-priced platforms (e.g. iad, sjc)
  --catalog FILE   platforms that replace or add to the catalog (JSON: a platform or a list)
  --measured FILE  use a probe's measured peak RAM and cold start (shipfit probe --json) for its service
  --all            show every plan, not only the 12 best
  --json           print the whole plan as JSON
  --no-cache       parse every file again (see shipfit scan --help)
  -h, --help       show this help

Exit codes: 0 planned (whether or not something fits); 2 bad DIR, catalog or measured file, or arguments.`,
  async run(argv) {
    const args = parse(
      argv,
      {
        json: { type: "boolean" },
        budget: { type: "string" },
        "always-on": { type: "boolean" },
        users: { type: "string" },
        region: { type: "string" },
        catalog: { type: "string" },
        measured: { type: "string" },
        all: { type: "boolean" },
        "no-cache": { type: "boolean" },
      },
      "plan",
    );
    if (args.positionals.length > 1) throw new UsageError("expected at most one DIR (see shipfit plan --help)");
    const number = (name: string, min: number): number | undefined => {
      const v = str(args, name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, not "${v}"`);
      return n;
    };
    const budgetUSD = number("budget", 0);
    const users = number("users", 1);
    const region = str(args, "region");
    const catalog = loadCatalog(str(args, "catalog"));
    const measuredFile = str(args, "measured");
    const measured = measuredFile ? readMeasured(measuredFile) : undefined;
    const model = await scanWithProgress(args.positionals[0] ?? ".", { cache: !args.values["no-cache"] });
    const footprint = estimate(model, measured ? { measured } : {});
    const result = plan(model, catalog, { ...(budgetUSD !== undefined ? { budgetUSD } : {}), ...(users !== undefined ? { users } : {}), ...(region ? { region } : {}), alwaysOn: !!args.values["always-on"] }, footprint);
    process.stdout.write(args.values.json ? `${JSON.stringify(result, null, 2)}\n` : renderPlan(model.name, model.services.map((s) => s.id), result, !!args.values.all));
    return 0;
  },
};

const usd = (n: number) => (n === 0 ? "$0" : n < 10 ? `$${n.toFixed(2)}` : `$${Math.round(n)}`);
const gb = (mb: number) => (mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`);

/** One cell: ✓ / ~ (fits with a risk) / ✗ with the first reason. */
function cell(o: PlanOption, service: string): string {
  const f = o.services.find((s) => s.service === service);
  if (!f) return "";
  const blocker = f.checks.find((c) => c.verdict === "blocker");
  if (blocker) return paint("red", `✗ ${short(blocker.rule, f)}`);
  const risk = f.checks.find((c) => c.verdict === "risk");
  const size = f.size ? ` ${f.size}` : ` ${gb(f.ramNeedMB)}`;
  return risk ? paint("yellow", `~${size} (${risk.rule})`) : paint("green", `✓${size}`);
}

function short(rule: string, f: PlanOption["services"][number]): string {
  if (rule === "ram") return `RAM ${gb(f.ramNeedMB)} > ${gb(f.ramLimitMB)}`;
  return { image: "image too big", websockets: "no websockets", worker: "no workers", sleep: "sleeps", disk: "disk", timeout: "timeout", services: "too many services", gpu: "no GPU", credit: "beyond free credit" }[rule] ?? rule;
}

/** The human summary of a plan. */
export function renderPlan(name: string, services: string[], r: PlanResult, all: boolean): string {
  const out: string[] = [];
  const fitting = r.options.filter((o) => o.fits).length;
  out.push(`${paint("bold", name)}: ${services.length} service(s) (${services.join(", ")}); ${r.options.length} plans checked, ${fitting} fit`);
  const shown = all ? r.options : r.options.slice(0, 12);
  out.push("", paint("bold", "Fit and monthly cost (fitting plans first, cheapest first)"));
  out.push(
    table([
      ["plan", ...services, "per month", "compute / db / storage", "trust"],
      ...shown.map((o) => [o.planId, ...services.map((s) => cell(o, s)), o.fits ? usd(o.cost.total) : paint("dim", usd(o.cost.total)), `${usd(o.cost.compute)} / ${usd(o.cost.database)} / ${usd(o.cost.storage)}`, o.confidence]),
    ]),
  );
  if (!all && r.options.length > shown.length) out.push(paint("dim", `(${r.options.length - shown.length} more with --all; reasons for every cell with --json)`));
  const free = r.options.filter((o) => o.freeTier);
  if (free.length) {
    out.push("", paint("bold", "Free tiers"));
    for (const o of free) {
      const blockers = o.services.flatMap((s) => s.checks.filter((c) => c.verdict === "blocker").map((c) => `${s.service}: ${c.message}`));
      out.push(`  ${o.fits ? paint("green", "fits") : paint("red", "does not fit")}  ${o.planId}${o.fits ? (o.risks.length ? ` — ${o.risks.slice(0, 2).join("; ")}` : "") : ` — ${blockers.slice(0, 2).join("; ")}`}`);
    }
  }
  out.push("", paint("bold", "Recommendation"));
  for (const s of r.scenarios) out.push(`  ${s.title}: ${s.planId ? `${s.planId} at ${usd(s.monthlyUSD ?? 0)}/month — ${s.why}` : s.why}`);
  if (r.variants.length) {
    out.push("", paint("bold", "What if"));
    for (const v of r.variants) {
      const cheapest = v.cheapest ? `cheapest fit ${v.cheapest.planId} at ${usd(v.cheapest.monthlyUSD)}` : "still nothing fits";
      const now = v.newlyFits.length ? `; newly fits: ${v.newlyFits.slice(0, 6).join(", ")}${v.newlyFits.length > 6 ? ", …" : ""}` : "";
      out.push(`  ${paint("bold", v.title)}: peak RAM ${gb(v.ramMB.before)} → ${gb(v.ramMB.after)}, image ${gb(v.imageMB.before)} → ${gb(v.imageMB.after)}; ${cheapest}${now}`);
      out.push(paint("dim", `    ${v.change}`));
    }
  }
  const top = r.options.find((o) => o.fits);
  if (top?.risks.length) {
    out.push("", paint("bold", `Risks on ${top.planId}`));
    for (const risk of top.risks) out.push(`  - ${risk}`);
  }
  out.push("", paint("dim", `Assumptions: ${r.assumptions.join("; ")}.`));
  return `${out.join("\n")}\n`;
}
