/**
 * Docker Compose (`docker-compose.yml`, `compose.yaml`…): each service is a process with its build
 * context as root, its container port, its command and health path. Services running a datastore
 * image (postgres, redis…) are kept as processes with the image in the evidence note, and also
 * reported as `deploy-datastore-declared` info diagnostics so the caller can tell them apart.
 */
import type { DeployFile, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import { lastColon } from "../command.js";
import type { DeployFacts } from "../facts.js";
import {
  commandOfWords,
  datastoreDeclared,
  datastoreOfImage,
  guarded,
  healthPathOf,
  isRecord,
  normDir,
  processFrom,
  shellJoin,
  str,
  unique,
  yamlLine,
  yamlMapping,
} from "./common.js";

/** Container side of a port mapping: "8000", "8000:8000", "127.0.0.1:80:8000/tcp", "${PORT:-8000}:8000". */
export function containerPort(spec: unknown): number | undefined {
  if (isRecord(spec)) return containerPort(spec.target);
  const s = str(spec);
  if (s === undefined) return undefined;
  const target = s.slice(lastColon(s) + 1).replace(/\/(tcp|udp|sctp)$/i, "").trim();
  const m = /^(\d{1,5})(?:-\d{1,5})?$/.exec(target) ?? /^\$\{\w+:?-(\d{1,5})\}$/.exec(target);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
}

function words(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) return v.map(String);
  return undefined;
}

/** The command the container runs: entrypoint + command, each a string or a list of words. */
function commandOf(svc: Record<string, unknown>): string | undefined {
  const ep = words(svc.entrypoint);
  const cmd = words(svc.command);
  if (ep === undefined && cmd === undefined) return undefined;
  // Compose splits a string into words itself (no shell), so a string and a list read the same.
  const text = (v: unknown, w: string[]): string => (typeof v === "string" ? v : shellJoin(w));
  if (ep === undefined) return typeof svc.command === "string" ? svc.command : commandOfWords(cmd!);
  if (cmd === undefined) return typeof svc.entrypoint === "string" ? svc.entrypoint : commandOfWords(ep);
  if (Array.isArray(svc.entrypoint) && Array.isArray(svc.command)) return commandOfWords([...ep, ...cmd]);
  return `${text(svc.entrypoint, ep)} ${text(svc.command, cmd)}`.trim();
}

function envNames(v: unknown): string[] {
  if (isRecord(v)) return Object.keys(v);
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const e of v) {
    const s = str(e);
    if (s === undefined) continue;
    const name = s.split("=")[0]!.trim();
    if (/^[A-Za-z_][\w.-]*$/.test(name)) out.push(name);
  }
  return out;
}

/** Parse a Compose file. */
export function parseCompose(text: string, file: string): DeployFacts {
  return guarded(file, "compose", () => {
    const top = yamlMapping(text, file, "compose");
    if ("facts" in top) return top.facts;
    const { yaml: y, root, diagnostics } = top;

    const out: Diagnostic[] = [...diagnostics];
    const deployFile: DeployFile = { file, kind: "compose", processes: [] };
    const env: string[] = [];
    const services = isRecord(root.services) ? root.services : {};
    if (root.services !== undefined && !isRecord(root.services)) {
      out.push(diagnostic("warning", "deploy-invalid-value", `services in ${file} should be a mapping`, [at(file, yamlLine(y, ["services"]))]));
    }

    for (const [name, svc] of Object.entries(services)) {
      const line = yamlLine(y, ["services", name]);
      if (!isRecord(svc)) continue;
      // The image comes first ("image postgres:16, …") so callers can match the note's start.
      const notes: string[] = [];
      const image = str(svc.image);
      if (image !== undefined) notes.push(`image ${image}`);
      const build = svc.build;
      const context = typeof build === "string" ? build : isRecord(build) ? (str(build.context) ?? ".") : undefined;
      if (isRecord(build) && typeof build.dockerfile === "string") notes.push(`dockerfile ${build.dockerfile}`);
      const limits = isRecord(svc.deploy) && isRecord(svc.deploy.resources) && isRecord(svc.deploy.resources.limits)
        ? svc.deploy.resources.limits
        : {};
      const mem = str(limits.memory) ?? str(svc.mem_limit);
      if (mem !== undefined) notes.push(`memory limit ${mem}`);
      const envFiles = words(svc.env_file);
      if (envFiles !== undefined) notes.push(`env_file ${envFiles.join(" ")}`);
      env.push(...envNames(svc.environment));

      const ports = Array.isArray(svc.ports) ? svc.ports : [];
      const expose = Array.isArray(svc.expose) ? svc.expose : [];
      let port: number | undefined;
      for (const p of [...ports, ...expose]) {
        port = containerPort(p);
        if (port !== undefined) break;
      }

      const opts: { command?: string; port?: number; root?: string; healthPath?: string; healthLine?: number | undefined } = {};
      const command = commandOf(svc);
      if (command !== undefined) opts.command = command;
      if (port !== undefined) opts.port = port;
      if (context !== undefined) opts.root = normDir(context);
      const test = isRecord(svc.healthcheck) ? words(svc.healthcheck.test) : undefined;
      const health = test ? healthPathOf(test.join(" ")) : undefined;
      if (health !== undefined) {
        opts.healthPath = health;
        opts.healthLine = yamlLine(y, ["services", name, "healthcheck"]);
      }
      const evidence = at(file, line, notes.length > 0 ? notes.join(", ") : "compose service");
      deployFile.processes.push(processFrom(name, evidence, opts));

      const store = image !== undefined && context === undefined ? datastoreOfImage(image) : undefined;
      if (store !== undefined) out.push(datastoreDeclared(store, `compose service ${name} (${image})`, evidence));
    }
    if (env.length > 0) deployFile.env = unique(env);
    return { deployFile, diagnostics: out };
  });
}
