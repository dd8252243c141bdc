/** `shipfit catalog [--json] [--catalog FILE]`: the platforms and plans shipfit prices, with their sources. */
import { loadCatalog } from "../../catalog/load.js";
import type { Plan } from "../../catalog/schema.js";
import { UsageError } from "../../core/errors.js";
import { parse, str } from "../args.js";
import type { Command } from "../command.js";
import { paint, table } from "../output.js";

export const catalogCommand: Command = {
  name: "catalog",
  help: `Usage: shipfit catalog [PLATFORM] [--json] [--catalog FILE]

Lists the hosting catalog shipfit plans with: every platform and plan, its pricing model, RAM
limit, price, sleep and disk, and how much to trust the figures (vendor docs, second-hand,
recalled). Each number's source and date is in the JSON (src/catalog/platforms/<id>.json).

Options:
  PLATFORM        show one platform (e.g. railway)
  --catalog FILE  platforms that replace or add to the shipped ones
  --json          print the catalog as JSON
  -h, --help      show this help`,
  async run(argv) {
    const args = parse(argv, { json: { type: "boolean" }, catalog: { type: "string" } }, "catalog");
    if (args.positionals.length > 1) throw new UsageError("expected at most one PLATFORM (see shipfit catalog --help)");
    let platforms = loadCatalog(str(args, "catalog"));
    const only = args.positionals[0];
    if (only) {
      platforms = platforms.filter((p) => p.id === only);
      if (platforms.length === 0) throw new UsageError(`no platform "${only}" in the catalog (see shipfit catalog)`);
    }
    if (args.values.json) {
      process.stdout.write(`${JSON.stringify(platforms, null, 2)}\n`);
      return 0;
    }
    const rows: string[][] = [["plan", "pricing", "max RAM", "price", "sleeps", "disk", "trust"]];
    for (const p of platforms) {
      for (const plan of p.plans) rows.push([plan.id, plan.pricing.model, `${plan.limits.ramMB.value} MB`, priceOf(plan), plan.features.sleeps ? `after ${plan.features.sleeps.afterMinutes.value} min` : "no", plan.features.persistentDisk ? `$${plan.features.persistentDisk.gbMonthUSD.value}/GB` : "ephemeral", plan.confidence]);
    }
    const storage = platforms.flatMap((p) => p.storage.map((s) => `${s.name} $${s.gbMonthUSD.value}/GB-month`));
    const dbs = platforms.flatMap((p) => p.datastores.map((d) => `${p.id}: ${d.name} ($${d.monthlyUSD.value}/month${d.expiresAfterDays ? `, expires after ${d.expiresAfterDays.value} days` : ""})`));
    const out = [table(rows)];
    if (dbs.length) out.push("", paint("bold", "Databases"), ...dbs.map((d) => `  ${d}`));
    if (storage.length) out.push("", paint("bold", "Object storage"), ...storage.map((s) => `  ${s}`));
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  },
};

function priceOf(plan: Plan): string {
  const fee = plan.monthlyFeeUSD.value ? `$${plan.monthlyFeeUSD.value}/month + ` : "";
  const p = plan.pricing;
  switch (p.model) {
    case "usage":
      return `${fee}$${p.ramGBMonthUSD.value}/GB-month, $${p.vcpuMonthUSD.value}/vCPU-month${p.includedUSD ? ` ($${p.includedUSD.value} included)` : ""}`;
    case "instances":
      return `${fee}from $${Math.min(...p.instances.map((i) => i.monthlyUSD.value))}/month (${p.instances.length} sizes)`;
    case "serverless":
      return `${fee}$${p.gibSecondUSD.value}/GiB-s + $${p.vcpuSecondUSD.value}/vCPU-s${p.freeGibSeconds ? `, ${p.freeGibSeconds.value} GiB-s free` : ""}`;
    case "free":
      return "free";
  }
}
