/** Procfile: one per service root, a process type per service (web, worker…), commands bound to $PORT. */
import type { DeployFile } from "../../core/app-model.js";
import type { GenerateContext, GeneratedFile, Generator, ServicePlan } from "../types.js";

const READS_PORT = /\$\{?PORT\b/;

/** Process type names for the services of one root: `web` for the first web-facing one, the id otherwise. */
function processNames(plans: ServicePlan[]): Map<ServicePlan, string> {
  const names = new Map<ServicePlan, string>();
  const used = new Set<string>();
  const pick = (plan: ServicePlan, wanted: string) => {
    let name = used.has(wanted) ? plan.service.id.replace(/[^A-Za-z0-9_-]/g, "-") : wanted;
    for (let i = 2; used.has(name); i++) name = `${plan.service.id}-${i}`;
    used.add(name);
    names.set(plan, name);
  };
  for (const p of plans) if (p.service.kind !== "worker") pick(p, "web");
  for (const p of plans) if (p.service.kind === "worker") pick(p, p.service.id === "web" ? "worker" : p.service.id);
  return names;
}

/** What the new line changes from the existing Procfile's line of the same type. */
function compare(existing: DeployFile | undefined, name: string, plan: ServicePlan): string[] {
  const fixes = plan.commandFixes.map((f) => `${name}: ${f}`);
  const was = existing?.processes.find((p) => p.name === name)?.command;
  if (was !== undefined && fixes.length === 0 && was.trim() !== plan.command.trim()) {
    fixes.push(`${name}: ${READS_PORT.test(plan.command) && !READS_PORT.test(was) ? "binds 0.0.0.0:$PORT explicitly" : "command normalized"} (was: ${was})`);
  }
  if (existing && was === undefined) fixes.push(`${name}: process added (the existing Procfile has no ${name} line)`);
  return fixes;
}

function procfileFor(ctx: GenerateContext, root: string, plans: ServicePlan[]): GeneratedFile | undefined {
  const runnable = plans.filter((p) => p.command.trim() !== "");
  if (runnable.length === 0) return undefined;
  const file = root === "." ? "Procfile" : `${root}/Procfile`;
  const existing = ctx.model.deployFiles.find((d) => d.kind === "procfile" && d.file === file);
  const names = processNames(runnable);
  const ordered = [...runnable].sort((a, b) => (a.service.kind === "worker" ? 1 : 0) - (b.service.kind === "worker" ? 1 : 0));
  const lines = ordered.map((p) => `${names.get(p)}: ${p.command.replace(/\s*\n\s*/g, " ")}`);
  const fixes = ordered.flatMap((p) => compare(existing, names.get(p) as string, p));
  const gone = existing?.processes.filter((p) => ![...names.values()].includes(p.name)).map((p) => p.name) ?? [];
  if (gone.length > 0) fixes.push(`drops ${gone.join(", ")}: no service of the scan runs it`);
  if (!existing) fixes.push(`declares how to start ${ordered.map((p) => p.service.id).join(" and ")} (no Procfile in ${root === "." ? "the repository root" : root})`);
  return { path: file, content: `${lines.join("\n")}\n`, format: "procfile", target: "procfile", fixes };
}

/** One Procfile per service root. */
export const procfile: Generator = {
  target: "procfile",
  summary: "Procfile per service folder (web, worker…) bound to 0.0.0.0:$PORT",
  generate(ctx) {
    const byRoot = new Map<string, ServicePlan[]>();
    for (const p of ctx.services) byRoot.set(p.root, [...(byRoot.get(p.root) ?? []), p]);
    return [...byRoot.entries()]
      .map(([root, plans]) => procfileFor(ctx, root, plans))
      .filter((f): f is GeneratedFile => f !== undefined)
      .sort((a, b) => a.path.localeCompare(b.path));
  },
};
