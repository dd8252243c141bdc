/** `shipfit generate TARGET... [DIR]`: deployment files from what the scan found and the estimate sized. */
import path from "node:path";
import { loadCatalog } from "../../catalog/load.js";
import { UsageError } from "../../core/errors.js";
import { estimate } from "../../estimate/estimate.js";
import { generateContext } from "../../generate/context.js";
import { GENERATORS, TARGETS, generateFiles } from "../../generate/index.js";
import type { GeneratedFile, TargetId } from "../../generate/types.js";
import { writeFiles } from "../../generate/write.js";
import { parse, str } from "../args.js";
import type { Command } from "../command.js";
import { scanWithProgress } from "../scan-dir.js";
import { paint } from "../output.js";

/** The instance size --plan names on the platform's catalog entry, or a usage error listing the valid ones. */
function sizeFor(platform: string, plan: string | undefined): { platform: string; instance: string; ramMB: number } | undefined {
  if (plan === undefined) return undefined;
  const entry = loadCatalog().find((p) => p.id === platform);
  const sizes = (entry?.plans ?? []).flatMap((p) => (p.pricing.model === "instances" ? p.pricing.instances : []));
  const found = sizes.find((i) => i.id === plan);
  if (!found) {
    throw new UsageError(sizes.length ? `--plan for ${platform} must be one of ${sizes.map((i) => i.id).join(", ")}` : `${platform} sells no instance sizes: --plan does not apply`);
  }
  return { platform, instance: found.id, ramMB: found.ramMB.value };
}

export const generateCommand: Command = {
  name: "generate",
  help: `Usage: shipfit generate TARGET... [DIR] [--platform P [--plan SIZE]] [--out DIR] [--dry-run] [--force] [--json]

Writes deployment files for the app in DIR (default: the current folder), from what shipfit scan
found and shipfit estimate sized. Targets (or "all"):
${GENERATORS.map((g) => `  ${g.target.padEnd(18)} ${g.summary}`).join("\n")}

Every file says what it fixes compared with the repository (port binding, CUDA wheels in a CPU
image, missing health check, files lost on an ephemeral disk…).

Options:
  --platform P         platform the CI workflow deploys to: railway, render, fly, cloud-run (default railway)
  --plan SIZE          instance size on the platform (e.g. render standard, fly shared-cpu-2x-4gb)
                       instead of the smallest that fits the estimate (shipfit catalog lists them)
  --remote-inference   inference runs on a hosted API: requirements-prod drops torch/transformers
  --out DIR            write under DIR instead of the app's folder
  --dry-run            write nothing; show what would be written and the diffs
  --force              replace existing files that differ (otherwise they are left as they are
                       and their diff is shown)
  --json               print the files and what happened to each as JSON
  --no-cache           parse every file again (see shipfit scan --help)
  -h, --help           show this help

Exit codes: 0 written (or nothing to change); 1 some existing files differ and were left
untouched (use --force); 2 bad target, folder or arguments.`,
  async run(argv) {
    const args = parse(
      argv,
      { platform: { type: "string" }, plan: { type: "string" }, "remote-inference": { type: "boolean" }, out: { type: "string" }, "dry-run": { type: "boolean" }, force: { type: "boolean" }, json: { type: "boolean" }, "no-cache": { type: "boolean" } },
      "generate",
    );
    const targets: TargetId[] = [];
    const rest: string[] = [];
    for (const p of args.positionals) {
      if (p === "all") targets.push(...TARGETS);
      else if ((TARGETS as string[]).includes(p)) targets.push(p as TargetId);
      else rest.push(p);
    }
    if (targets.length === 0 && rest.length > 0) throw new UsageError(`unknown target "${rest[0]}" (targets: ${TARGETS.join(", ")}, all)`);
    if (targets.length === 0) throw new UsageError(`name at least one target: ${TARGETS.join(", ")} or all (see shipfit generate --help)`);
    if (rest.length > 1) throw new UsageError(`unknown target "${rest[0]}" (targets: ${TARGETS.join(", ")}, all)`);
    const platform = str(args, "platform") ?? "railway";
    if (!["railway", "render", "fly", "cloud-run"].includes(platform)) throw new UsageError(`--platform must be railway, render, fly or cloud-run, not "${platform}"`);
    const dir = rest[0] ?? ".";
    const size = sizeFor(platform, str(args, "plan"));
    const model = await scanWithProgress(dir, { cache: !args.values["no-cache"] });
    const ctx = generateContext(model, { platform, remoteInference: !!args.values["remote-inference"], footprint: estimate(model), ...(size ? { size } : {}) });
    const files: GeneratedFile[] = generateFiles(ctx, targets);
    const outDir = str(args, "out") ?? dir;
    const outcomes = writeFiles(files, outDir, { force: !!args.values.force, dryRun: !!args.values["dry-run"] });
    if (args.values.json) {
      process.stdout.write(`${JSON.stringify(files.map((f, i) => ({ ...f, outcome: outcomes[i] })), null, 2)}\n`);
    } else {
      const verb = (o: (typeof outcomes)[number]) =>
        args.values["dry-run"] ? { create: "would create", overwrite: "would overwrite", unchanged: "unchanged", refuse: "differs (kept)" }[o.action] : { create: "created", overwrite: "overwrote", unchanged: "unchanged", refuse: "differs (kept)" }[o.action];
      const out: string[] = [];
      for (const [i, f] of files.entries()) {
        const o = outcomes[i];
        if (!o) continue;
        const mark = o.action === "refuse" ? paint("yellow", verb(o)) : o.action === "unchanged" ? paint("dim", verb(o)) : paint("green", verb(o));
        out.push(`${mark.padEnd(16)} ${path.posix.join(outDir === "." ? "" : outDir, f.path)}`);
        for (const fix of f.fixes) out.push(paint("dim", `    fixes: ${fix}`));
        if (o.diff && (o.action === "refuse" || args.values["dry-run"])) out.push(...o.diff.split("\n").map((l) => `    ${l}`));
      }
      const refused = outcomes.filter((o) => o.action === "refuse").length;
      if (refused) out.push("", `${refused} file(s) exist and differ: nothing was replaced. Merge the diffs, or run again with --force.`);
      process.stdout.write(`${out.join("\n")}\n`);
    }
    return outcomes.some((o) => o.action === "refuse") ? 1 : 0;
  },
};
