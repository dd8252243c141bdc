/**
 * Processes declared by deploy files (Procfile, railway, render, fly, compose, Dockerfile, HF
 * Space), each tied to the project folder it runs in, with the file's precedence. The same web
 * process is often declared three times (Procfile, railway.json, Dockerfile CMD): services pick
 * the highest-precedence one and report disagreements.
 */
import path from "node:path";
import type { DeclaredProcess, DeployFileKind, Evidence, ServiceKind, StartSource } from "../core/app-model.js";
import { at } from "../core/evidence.js";
import type { CollectedRepo } from "./collect.js";
import type { CommandFacts } from "./facts.js";
import { parseCommand } from "./command.js";
import { datastoreOfImage } from "./deploy/datastores.js";
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
  /** Where the health check is declared (its own line when the file says). */
  healthEvidence?: Evidence;
  source: StartSource;
  fileKind: DeployFileKind;
  evidence: Evidence;
}

/** Precedence of deploy files for the start command: a platform's own config beats a Procfile, which beats a Dockerfile CMD. */
const START_PRECEDENCE: StartSource[] = [
  "railway",
  "render",
  "fly",
  "app.json",
  "procfile",
  "dockerfile",
  "compose",
  "package.json",
  "launcher",
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

function roleOf(name: string, facts: CommandFacts, fileKind: DeployFileKind): Declared["role"] {
  if (name === "release") return "release";
  if (facts.server?.kind === "celery") return "worker";
  if (/worker|celery|beat|scheduler|clock|cron|consumer|queue/i.test(name) && !facts.port && !facts.portFromEnv) return "worker";
  if (fileKind === "procfile" && name !== "web" && !facts.port && !facts.portFromEnv) return "worker";
  if (/^(frontend|front|ui|web-?ui|client)$/i.test(name)) return "frontend";
  return "web";
}

/**
 * Processes a loose launcher script starts (seed 001's "serveur de démarrage"): each command it
 * spawns, in the folder it spawns it in. They run locally; on a platform each is its own service.
 */
function launcherProcesses(repo: CollectedRepo, loosePython: string[]): Declared[] {
  const out: Declared[] = [];
  for (const file of loosePython) {
    const facts = repo.python.get(file);
    if (!facts || facts.subprocesses.length === 0) continue;
    const spawned = [...facts.subprocesses.filter((s) => !s.command.startsWith("…")), ...facts.commandLiterals];
    for (const s of spawned) {
      const p: DeclaredProcess = { name: "launcher", command: s.command, evidence: at(file, s.line, `started by ${file}`) };
      // The spawn's cwd= is where the command starts; its own `cd x &&` applies on top (once, in toDeclared).
      out.push(toDeclared(p, "procfile", "launcher", s.cwd ?? "."));
    }
  }
  return out;
}

/** Every process the deploy files and loose launcher scripts declare, each tied to the folder it runs in. */
export function declaredProcesses(repo: CollectedRepo, loosePython: string[] = []): Declared[] {
  const out: Declared[] = launcherProcesses(repo, loosePython);
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
  dir = dir.replace(/\/$/, "") || ".";
  const image = /^image ([^,\s]+)/.exec(p.evidence.note ?? "")?.[1];
  const isDatastoreImage = kind === "compose" && !p.command && image !== undefined && datastoreOfImage(image) !== undefined;
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
  if (p.healthPath) {
    d.healthPath = p.healthPath;
    d.healthEvidence = p.healthLine ? at(p.evidence.file, p.healthLine, "health check") : p.evidence;
  }
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

/** Rank of a start-command source: lower wins. */
export function precedence(source: StartSource): number {
  const i = START_PRECEDENCE.indexOf(source);
  return i < 0 ? START_PRECEDENCE.length : i;
}
