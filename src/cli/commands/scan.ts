/** `shipfit scan [DIR] [--json]`: what the repository contains, and why shipfit believes it. */
import type { AppModel, Diagnostic, Evidence, Service } from "../../core/app-model.js";
import { UsageError } from "../../core/errors.js";
import { formatBytes } from "../../scan/read.js";
import { parse } from "../args.js";
import { paint, table } from "../output.js";
import type { Command } from "../command.js";
import { scanWithProgress } from "../scan-dir.js";

export const scanCommand: Command = {
  name: "scan",
  help: `Usage: shipfit scan [DIR] [--json]

Reads the repository in DIR (default: the current folder) without running anything and prints its
AppModel: services (web / worker / frontend) with framework, entry, start command, port, $PORT,
bind host, workers and health path; dependencies; model files and models downloaded at run time;
environment variables read; datastores and external APIs; files written at run time; existing
deploy files and where they contradict the code; committed secrets (by file and kind, never value).

Every fact comes with evidence (file:line) and a confidence. Skips .git, node_modules, virtualenvs
and .gitignored paths; never reads a file over 1 MB (model files are only stat'ed and sniffed).

Options:
  --json      print the AppModel as JSON (schema: schema/app-model.schema.json)
  --no-cache  parse every file again instead of reusing facts of unchanged files
              (the cache lives in ~/.cache/shipfit, or $SHIPFIT_CACHE_DIR)
  -h, --help  show this help

Exit codes: 0 scanned; 2 DIR missing or unreadable, or bad arguments.`,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: "boolean" }, "no-cache": { type: "boolean" } }, "scan");
    if (positionals.length > 1) throw new UsageError("expected at most one DIR (see shipfit scan --help)");
    const dir = positionals[0] ?? ".";
    const model = await scanWithProgress(dir, { cache: !values["no-cache"] });
    process.stdout.write(values.json ? `${JSON.stringify(model, null, 2)}\n` : renderScan(model));
    return 0;
  },
};

const where = (e: Evidence | undefined) => (e ? `${e.file}${e.line ? `:${e.line}` : ""}` : "");

function serviceLines(s: Service): string[][] {
  const rows: string[][] = [];
  const fw = s.frameworks.map((f) => f.value).join(", ") || "-";
  const server = s.server ? `${s.server.kind}${s.server.workers ? ` ×${s.server.workers}` : ""}${s.server.preload ? " --preload" : ""}` : "";
  const port = s.kind === "worker" ? "" : `port ${s.readsPortEnv.value ? "$PORT" : (s.port?.value ?? "?")}${s.port && s.readsPortEnv.value ? ` (default ${s.port.value})` : ""}${s.bindHost ? ` on ${s.bindHost.value}` : ""}`;
  rows.push([paint("bold", s.id), s.kind, `${s.language} ${fw}`, server, port]);
  if (s.start) rows.push(["", "start", `${s.start.command}`, `${s.start.source} ${where(s.start.evidence[0])}`.trim(), ""]);
  if (s.entry) rows.push(["", "entry", s.entry.value, where(s.entry.evidence[0]), ""]);
  if (s.healthPath) rows.push(["", "health", s.healthPath.value, where(s.healthPath.evidence[0]), ""]);
  if (s.torch) rows.push(["", "torch", s.torch.cpuOnly ? "CPU-only wheels" : "default wheels (CUDA on Linux)", where(s.torch.evidence[0]), ""]);
  if (s.gpu.value) rows.push(["", "gpu", "uses CUDA", where(s.gpu.evidence[0]), ""]);
  for (const p of s.subprocesses.slice(0, 3)) rows.push(["", "spawns", p.command, where(p.evidence), ""]);
  return rows;
}

function levelMark(d: Diagnostic): string {
  return d.level === "error" ? paint("red", "error  ") : d.level === "warning" ? paint("yellow", "warning") : paint("dim", "info   ");
}

/** The human summary of a scan. */
export function renderScan(m: AppModel): string {
  const out: string[] = [];
  const section = (title: string) => out.push("", paint("bold", title));
  out.push(`${paint("bold", m.name)}: ${m.services.length} service(s), ${m.stats.filesSeen} files seen, ${m.stats.filesRead} read`);
  section("Services");
  out.push(m.services.length ? table(m.services.flatMap(serviceLines)) : "  none found");
  section("Dependencies");
  for (const man of m.manifests) {
    const names = man.dependencies.filter((d) => !d.group || d.group === "main").map((d) => d.name);
    out.push(`  ${man.file} (${man.packageManager}): ${names.length} — ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""}`);
  }
  section("Models");
  const total = m.models.files.reduce((a, f) => a + f.bytes, 0);
  out.push(`  ${m.models.files.length} file(s) in the repository, ${formatBytes(total)}${m.models.files.some((f) => f.lfsPointer) ? " (some are Git LFS pointers)" : ""}`);
  // The same model loaded on several lines (tokenizer + weights, one file per voice) is one line here.
  const grouped = new Map<string, { load: (typeof m.models.loads)[number]; count: number }>();
  for (const l of m.models.loads) {
    const key = `${l.remote}|${l.stage ?? ""}|${l.modelId ?? l.path ?? l.fromEnv}|${l.loader}`;
    const g = grouped.get(key);
    if (g) g.count++;
    else grouped.set(key, { load: l, count: 1 });
  }
  for (const { load: l, count } of [...grouped.values()].slice(0, 10)) {
    const what = l.modelId ?? l.path ?? (l.fromEnv ? `$${l.fromEnv}` : "?");
    const when = l.stage === "build" ? " at image build" : "";
    out.push(`  ${l.remote ? "downloads" : "loads"} ${what} via ${l.loader}${when}${count > 1 ? ` (${count} calls)` : ""}  ${paint("dim", where(l.evidence))}`);
  }
  section("Environment");
  out.push(`  reads ${m.envVars.length}: ${m.envVars.map((v) => (v.secret ? `${v.name}*` : v.name)).join(", ") || "none"}`);
  out.push(`  datastores: ${m.datastores.map((d) => `${d.kind}${d.path ? ` (${d.path})` : d.envVar ? ` ($${d.envVar})` : ""}`).join(", ") || "none"}`);
  out.push(`  external APIs: ${m.externalApis.map((a) => a.kind).join(", ") || "none"}`);
  out.push(`  writes to disk: ${m.diskWrites.map((w) => `${w.path} (${w.kind})`).join(", ") || "nothing found"}`);
  section("Deploy files");
  out.push(`  ${m.deployFiles.map((d) => d.file).join(", ") || "none"}`);
  if (m.secrets.length) {
    section("Committed secrets (values never shown)");
    for (const s of m.secrets) out.push(`  ${s.kind}${s.name ? ` ${s.name}` : ""}  ${where({ file: s.file, line: s.line })}`);
  }
  const shown = m.diagnostics.filter((d) => d.level !== "info" || !["file-too-large", "binary-file"].includes(d.code));
  if (shown.length) {
    section("Diagnostics");
    for (const d of shown) out.push(`  ${levelMark(d)} ${d.message}  ${paint("dim", `${d.code} ${where(d.evidence[0])}`)}`);
  }
  return `${out.join("\n")}\n`;
}
