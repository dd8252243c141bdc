/**
 * Processes declared by deploy files (Procfile, railway, render, fly, compose, Dockerfile, HF
 * Space), each tied to the project folder it runs in, with the file's precedence. The same web
 * process is often declared three times (Procfile, railway.json, Dockerfile CMD): services pick
 * the highest-precedence one and report disagreements.
 */
import path from "node:path";
import type { DeclaredProcess, DeployFileKind, Evidence, ServiceKind, StartSource } from "../core/app-model.js";
import type { CollectedRepo } from "./collect.js";
import type { CommandFacts } from "./facts.js";
import { parseCommand } from "./command.js";
import { dirOf, isWithin } from "./projects.js";

export interface Declared {
  /** Process name as the file gives it (web, worker, backend…). */
  name: string;
  role: ServiceKind | "release" | "datastore";
  command?: string;
  facts: CommandFacts;
  /** Folder the process runs in (after `cd x &&` and build contexts). */
  dir: string;
  port?: number;
  healthPath?: string;
  source: StartSource;
  fileKind: DeployFileKind;
  evidence: Evidence;
}

/** Precedence of deploy files for the start command: a platform's own config beats a Procfile, which beats a Dockerfile CMD. */
export const START_PRECEDENCE: StartSource[] = [
  "railway",
  "render",
  "fly",
  "app.json",
  "procfile",
  "dockerfile",
  "compose",
  "launcher",
  "package.json",
  "code",
  "inferred",
];

const SOURCE_OF: Partial<Record<DeployFileKind, StartSource>> = {
  procfile: "procfile",
  dockerfile: "dockerfile",
  railway: "railway",
  render: "render",
  fly: "fly",
  "app.json": "app.json",
  compose: "compose",
  "hf-space": "inferred",
};

/** Images that are datastores, not app services, when they appear in docker-compose. */
const DATASTORE_IMAGES = /^(?:[\w.-]+\/)?(postgres|postgis|redis|valkey|mysql|mariadb|mongo|minio|rabbitmq|memcached|elasticsearch|qdrant|chromadb)(?::|$)/;

function roleOf(name: string, facts: CommandFacts, fileKind: DeployFileKind): Declared["role"] {
  if (name === "release") return "release";
  if (facts.server?.kind === "celery") return "worker";
  if (/worker|celery|beat|scheduler|clock|cron|consumer|queue/i.test(name) && !facts.port && !facts.portFromEnv) return "worker";
  if (fileKind === "procfile" && name !== "web" && !facts.port && !facts.portFromEnv) return "worker";
  if (/^(frontend|front|ui|web-?ui|client)$/i.test(name)) return "frontend";
  return "web";
}

export function declaredProcesses(repo: CollectedRepo): Declared[] {
  const out: Declared[] = [];
  for (const [file, facts] of repo.deploy) {
    const kind = facts.deployFile.kind;
    const source = SOURCE_OF[kind];
    if (!source) continue;
    const fileDir = dirOf(file);
    for (const p of facts.deployFile.processes) {
      out.push(toDeclared(p, kind, source, fileDir));
    }
  }
  return out;
}

function toDeclared(p: DeclaredProcess, kind: DeployFileKind, source: StartSource, fileDir: string): Declared {
  const facts = p.command ? parseCommand(p.command) : {};
  let dir = fileDir;
  if (p.root) dir = path.posix.normalize(path.posix.join(fileDir, p.root));
  if (facts.cwd) dir = path.posix.normalize(path.posix.join(dir, facts.cwd));
  if (dir === "" || dir === "./") dir = ".";
  dir = dir.replace(/\/$/, "") || ".";
  const isDatastoreImage = kind === "compose" && !p.command && DATASTORE_IMAGES.test(p.evidence.note?.replace(/^image:?\s*/, "") ?? "");
  const d: Declared = {
    name: p.name,
    role: isDatastoreImage ? "datastore" : roleOf(p.name, facts, kind),
    facts,
    dir,
    source,
    fileKind: kind,
    evidence: p.evidence,
  };
  if (p.command) d.command = p.command;
  const port = p.port ?? facts.port;
  if (port !== undefined) d.port = port;
  if (p.healthPath) d.healthPath = p.healthPath;
  return d;
}

/** Declared processes that run in `projectDir` (and not in a deeper project). */
export function declaredFor(all: Declared[], projectDir: string, otherDirs: string[]): Declared[] {
  return all.filter((d) => {
    if (!isWithin(d.dir, projectDir)) return false;
    // A deeper project owns the process.
    return !otherDirs.some((o) => o !== projectDir && isWithin(o, projectDir) && isWithin(d.dir, o));
  });
}

export function precedence(source: StartSource): number {
  const i = START_PRECEDENCE.indexOf(source);
  return i < 0 ? START_PRECEDENCE.length : i;
}
