/**
 * Fly.io `fly.toml`: the internal port of `[http_service]` / `[[services]]`, `[processes]` groups
 * (one process each), `[env]` names, health-check paths, and notes on `[[vm]]` memory, the
 * Dockerfile it builds and `[[mounts]]`. Without `[processes]` the app is one process named "web".
 */
import type { DeclaredProcess, DeployFile } from "../../core/app-model.js";
import { at, lineAt } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import {
  commandOfWords,
  emptyFacts,
  guarded,
  isRecord,
  lineOfKey,
  looksBinary,
  parseError,
  parseTomlText,
  processFrom,
  str,
  stripBom,
  unique,
} from "./common.js";

/** A service section's port, health path and the process groups it routes to. */
interface Route {
  port?: number;
  healthPath?: string;
  processes?: string[];
}

function asPort(v: unknown): number | undefined {
  const n = typeof v === "string" && /^\d{1,5}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : isRecord(v) ? [v] : [];
}

function names(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
}

function checkPath(checks: unknown): string | undefined {
  for (const c of Array.isArray(checks) ? checks : isRecord(checks) ? Object.values(checks) : []) {
    if (isRecord(c) && typeof c.path === "string" && c.path !== "") return c.path;
  }
  return undefined;
}

function routes(doc: Record<string, unknown>): Route[] {
  const out: Route[] = [];
  const add = (section: Record<string, unknown>, checks: unknown[]): void => {
    const r: Route = {};
    const port = asPort(section.internal_port);
    if (port !== undefined) r.port = port;
    for (const c of checks) {
      const path = checkPath(c);
      if (path !== undefined) {
        r.healthPath = path;
        break;
      }
    }
    const procs = names(section.processes);
    if (procs !== undefined) r.processes = procs;
    out.push(r);
  };
  if (isRecord(doc.http_service)) add(doc.http_service, [doc.http_service.checks]);
  for (const s of list(doc.services)) if (isRecord(s)) add(s, [s.http_checks, s.checks]);
  return out;
}

/** A command as a string, or exec-form words (`cmd = ["gunicorn", "app:app"]`) joined as a shell would read them. */
function command(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return commandOfWords(v);
  return undefined;
}

/** Parse a fly.toml. */
export function parseFly(text: string, file: string): DeployFacts {
  return guarded(file, "fly", () => {
    if (looksBinary(text)) return emptyFacts(file, "fly", [parseError(file, `${file} is not a text file`)]);
    const body = stripBom(text);
    const { value, diagnostics } = parseTomlText(body, file);
    if (value === undefined) return emptyFacts(file, "fly", diagnostics);
    if (!isRecord(value)) return emptyFacts(file, "fly", [parseError(file, `${file} must hold a table`, 1)]);
    const doc = value;

    const notes: string[] = [];
    const app = str(doc.app);
    if (app !== undefined && app.length <= 100) notes.push(`fly app ${app}`);
    const build = isRecord(doc.build) ? doc.build : {};
    for (const key of ["dockerfile", "image", "builder"] as const) {
      const v = str(build[key]);
      if (v !== undefined) notes.push(`build.${key} ${v}`);
    }
    for (const vm of list(doc.vm)) {
      if (!isRecord(vm)) continue;
      const mb = str(vm.memory_mb);
      const mem = str(vm.memory) ?? (mb !== undefined ? `${mb}mb` : undefined);
      if (mem !== undefined) notes.push(`vm memory ${mem}`);
      const size = str(vm.size);
      if (size !== undefined) notes.push(`vm size ${size}`);
    }
    for (const m of list(doc.mounts)) {
      if (isRecord(m) && typeof m.destination === "string") notes.push(`mount at ${m.destination}`);
    }
    const envTable = isRecord(doc.env) ? doc.env : {};
    const envNames = Object.keys(envTable);
    const envPort = asPort(envTable.PORT);
    if (envPort !== undefined) notes.push(`env PORT=${envPort}`);

    const rs = routes(doc);
    const topCheck = checkPath(doc.checks);
    const deployFile: DeployFile = { file, kind: "fly", processes: [] };
    const note = notes.join(", ");

    const groups = isRecord(doc.processes) ? Object.entries(doc.processes) : [];
    if (groups.length > 0) {
      const header = /^\s*\[processes\]/m.exec(body);
      const from = header ? lineAt(body, header.index) : 1;
      for (const [name, cmd] of groups) {
        // A service that names no groups serves the only group, or the conventional "app"/"web" one.
        const route =
          rs.find((r) => r.processes?.includes(name)) ??
          rs.find((r) => r.processes === undefined && (groups.length === 1 || name === "app" || name === "web"));
        const line = lineOfKey(body, name, from) ?? (header ? from : undefined);
        deployFile.processes.push(processOf(name, command(cmd), route, route ? topCheck : undefined, at(file, line, note)));
      }
    } else {
      const experimental = isRecord(doc.experimental) ? doc.experimental : {};
      const cmd = command(experimental.cmd);
      const route = rs.find((r) => r.port !== undefined) ?? rs[0];
      const line = lineOfKey(body, "internal_port") ?? lineOfKey(body, "app") ?? 1;
      deployFile.processes.push(processOf("web", cmd, route, topCheck, at(file, line, note)));
    }

    const release = isRecord(doc.deploy) ? command(doc.deploy.release_command) : undefined;
    if (release !== undefined) {
      deployFile.processes.push(processFrom("release", at(file, lineOfKey(body, "release_command"), "fly release_command"), { command: release }));
    }
    if (envNames.length > 0) deployFile.env = unique(envNames);
    return { deployFile, diagnostics };
  });
}

function processOf(
  name: string,
  cmd: string | undefined,
  route: Route | undefined,
  fallbackHealth: string | undefined,
  evidence: DeclaredProcess["evidence"],
): DeclaredProcess {
  const opts: { command?: string; port?: number; healthPath?: string } = {};
  if (cmd !== undefined) opts.command = cmd;
  if (route?.port !== undefined) opts.port = route.port;
  const health = route?.healthPath ?? fallbackHealth;
  if (health !== undefined) opts.healthPath = health;
  return processFrom(name, evidence, opts);
}
