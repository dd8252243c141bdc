/** `shipfit doctor [LOGFILE | -] [--app DIR]`: what went wrong in a deploy or runtime log, and what to do. */
import { readFileSync } from "node:fs";
import { InputError, UsageError } from "../../core/errors.js";
import { diagnose, type Diagnosis } from "../../doctor/diagnose.js";
import { estimate } from "../../estimate/estimate.js";
import type { AppModel } from "../../core/app-model.js";
import { parse, str } from "../args.js";
import type { Command } from "../command.js";
import { scanWithProgress } from "../scan-dir.js";
import { paint } from "../output.js";

export const doctorCommand: Command = {
  name: "doctor",
  help: `Usage: shipfit doctor [LOGFILE | -] [--app DIR] [--json]

Reads a deploy or runtime log (a file, or - for standard input) and names what went wrong, with the
log lines as evidence: out of memory in the wordings platforms use (SIGKILL / -9 / exit 137, the
kernel's OOM killer, Heroku R14/R15, Render, Cloud Run, Kubernetes OOMKilled, Fly.io, AWS), told
apart from gunicorn killing its own slow workers (WORKER TIMEOUT); the port not bound; a missing
environment variable, Python module or system library; a model file missing on an ephemeral disk;
an image too large; a build timeout; a full disk; a failing health check.

With --app DIR the remedies are tied to the scanned app (its estimated memory, where it reads the
variable, how it binds). Secret values in the log (tokens, passwords in URLs) are never printed.

Options:
  --app DIR   the app's repository, for remedies that name its services and files
  --json      print the diagnoses as JSON
  -h, --help  show this help

Exit codes: 0 nothing recognised; 1 a problem was diagnosed; 2 unreadable log or bad arguments.`,
  async run(argv) {
    const args = parse(argv, { app: { type: "string" }, json: { type: "boolean" } }, "doctor");
    if (args.positionals.length > 1) throw new UsageError("expected one LOGFILE or - (see shipfit doctor --help)");
    const source = args.positionals[0] ?? "-";
    // Reading a terminal would wait for typing: with no LOGFILE, only a pipe is read.
    if (source === "-" && process.stdin.isTTY) throw new UsageError("give a LOGFILE, or pipe the log in with - (see shipfit doctor --help)");
    const log = readLog(source);
    const diagnoses = diagnose(log);
    const appDir = str(args, "app");
    const model = appDir ? await scanWithProgress(appDir, { cache: true }) : undefined;
    const withApp = diagnoses.map((d) => ({ ...d, appRemedies: model ? appRemedies(d, model) : [] }));
    if (args.values.json) process.stdout.write(`${JSON.stringify(withApp, null, 2)}\n`);
    else process.stdout.write(render(withApp, source));
    return diagnoses.length > 0 ? 1 : 0;
  },
};

function readLog(source: string): string {
  try {
    return readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${source === "-" ? "standard input" : source}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`}`);
  }
}

/** Remedies that name the scanned app's own services, figures and files. */
function appRemedies(d: Diagnosis, model: AppModel): string[] {
  const out: string[] = [];
  if (d.id === "oom-kill" || d.id === "worker-timeout") {
    for (const s of estimate(model).services) {
      const top = [...s.ram.peakMB.parts].sort((a, b) => b.expected - a.expected).slice(0, 3).map((p) => `${p.label.replace(`${s.service}: `, "")} ${Math.round(p.expected)} MB`);
      out.push(`${s.service} needs about ${Math.round(s.ram.peakMB.expected)} MB at its peak (${top.join(", ")}): see shipfit plan for the plans that fit`);
    }
  }
  if (d.id === "port-not-bound") {
    for (const diag of model.diagnostics.filter((x) => x.code === "bind-localhost" || x.code === "port-not-from-env")) {
      const e = diag.evidence[0];
      out.push(`${diag.message}${e ? ` (${e.file}${e.line ? `:${e.line}` : ""})` : ""}`);
    }
  }
  if (d.id === "missing-env" && d.detail?.variable) {
    const v = model.envVars.find((x) => x.name === d.detail?.variable);
    const e = v?.evidence[0];
    if (e) out.push(`${v.name} is read at ${e.file}${e.line ? `:${e.line}` : ""}: set it in the platform's variables (shipfit generate env lists them all)`);
  }
  if (d.id === "model-file-missing" && model.models.files.length > 0) {
    out.push(`the repository holds ${model.models.files.length} model file(s): shipfit models push moves them to object storage and pulls them at start`);
  }
  return out;
}

function render(list: (Diagnosis & { appRemedies: string[] })[], source: string): string {
  if (list.length === 0) return `${source === "-" ? "the log" : source}: nothing shipfit recognises went wrong\n`;
  const out: string[] = [];
  for (const d of list) {
    const color = d.severity === "error" ? "red" : "yellow";
    out.push(paint(color, paint("bold", d.title)));
    for (const l of d.lines.slice(0, 4)) out.push(paint("dim", `  ${String(l.line).padStart(5)} | ${l.text}`));
    if (d.lines.length > 4) out.push(paint("dim", `        … ${d.lines.length - 4} more line(s)`));
    out.push(`  → ${d.remedy}`);
    for (const r of d.appRemedies) out.push(`  → ${r}`);
    out.push("");
  }
  return `${out.join("\n")}`;
}
