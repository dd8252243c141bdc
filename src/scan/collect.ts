/**
 * First half of a scan: walk the tree, decide what each file is, read and parse the ones that
 * matter, and keep the per-file facts. No cross-file reasoning here: that is the job of projects,
 * services and repo-facts. Parsers load on demand (a repository without TOML never loads the
 * TOML parser), then run synchronously.
 */
import path from "node:path";
import type { DatastoreKind, Diagnostic, Evidence, ModelFile, SecretFinding } from "../core/app-model.js";
import { at, byText, diagnostic } from "../core/evidence.js";
import type { DeployFacts, ManifestFacts, NodeSourceFacts, PythonFacts } from "./facts.js";
import { declaredDatastoreKind } from "./deploy/datastores.js";
import { deployRuleFor, type DeployParser } from "./deploy/rules.js";
import { modelFormat, readText, sniffModelFile } from "./read.js";
import { envFileAssignments, findSecrets, isEnvFileWithValues, isSecretName } from "./secrets.js";
import { walk, type WalkedFile } from "./walk.js";

export interface Progress {
  (phase: "walk" | "parse", done: number, total: number): void;
}

/** Everything read from the repository, keyed by repo-relative path. */
export interface CollectedRepo {
  files: WalkedFile[];
  fileSet: Set<string>;
  python: Map<string, PythonFacts>;
  node: Map<string, NodeSourceFacts>;
  manifests: Map<string, ManifestFacts>;
  deploy: Map<string, DeployFacts>;
  /** Dockerfile paths → `pip install -r X` requirement files they install. */
  dockerInstalls: Map<string, string[]>;
  /** Dockerfile paths → Python scripts they run at build time (`RUN python warmup.py`). */
  dockerBuildScripts: Map<string, string[]>;
  /** package.json → line of each key, for evidence lines of scripts and engines. */
  jsonKeyLines: Map<string, Record<string, number>>;
  /** .dockerignore texts by folder. */
  dockerignores: Map<string, string>;
  /** next.config output mode by folder. */
  nextOutput: Map<string, "export" | "standalone" | "none">;
  /** Datastores deploy files declare (compose images, render databases, app.json add-ons). */
  declaredDatastores: { kind: DatastoreKind; evidence: Evidence[] }[];
  modelFiles: ModelFile[];
  ignoredModelFiles: string[];
  secrets: SecretFinding[];
  diagnostics: Diagnostic[];
  dirsIgnored: number;
  filesRead: number;
}

type Role = "python" | "node-source" | "manifest" | "deploy" | "env" | "next-config" | "dockerignore" | "config";

const NODE_SOURCE = /\.(?:m|c)?[jt]sx?$/;
/** Config-ish files scanned only for committed secrets. */
const SECRET_ONLY = /\.(?:json|ya?ml|toml|ini|cfg|conf|sh|properties|ipynb)$/;

/** Requirement files by name: requirements.txt, requirements-prod.txt, requirements/base.txt, *.in. */
export function isRequirementsFile(rel: string): boolean {
  if (!rel.endsWith(".txt") && !rel.endsWith(".in")) return false;
  const base = path.posix.basename(rel).toLowerCase();
  if (/^requirements?([-_.][\w.-]*)?\.(txt|in)$/.test(base)) return true;
  const parent = path.posix.basename(path.posix.dirname(rel)).toLowerCase();
  return (parent === "requirements" || parent === "reqs") && /\.(txt|in)$/.test(base);
}

function rolesOf(rel: string): Role[] {
  const base = path.posix.basename(rel);
  const lower = base.toLowerCase();
  const roles: Role[] = [];
  if (lower.endsWith(".py") || lower.endsWith(".pyw")) roles.push("python");
  if (isRequirementsFile(rel) || ["pyproject.toml", "pipfile", "setup.py", "setup.cfg", "package.json"].includes(lower)) {
    roles.push("manifest");
  }
  if (deployRuleFor(base)) roles.push("deploy");
  if (lower.startsWith(".env")) roles.push("env");
  if (lower === ".dockerignore") roles.push("dockerignore");
  if (/^next\.config\.(js|mjs|cjs|ts)$/.test(lower)) roles.push("next-config");
  if (NODE_SOURCE.test(lower) && !lower.endsWith(".d.ts") && !lower.includes(".min.")) roles.push("node-source");
  if (roles.length === 0 && SECRET_ONLY.test(lower)) roles.push("config");
  return roles;
}

type ManifestParser = (text: string, file: string) => ManifestFacts;

/** The parsers one scan needs, loaded before parsing starts. */
interface Parsers {
  python?: (text: string, file: string) => PythonFacts;
  nodeSource?: (text: string, file: string) => NodeSourceFacts;
  manifests: Map<string, ManifestParser>;
  deploy: Map<string, DeployParser>;
  dockerInstructions?: typeof import("./deploy/dockerfile.js").dockerfileInstructions;
  nextOutputMode?: typeof import("./node/package-json.js").nextOutputMode;
}

/** Manifest parser module and export, by lower-cased file name ("requirements" for all requirement files). */
const MANIFEST_PARSERS: Record<string, () => Promise<ManifestParser>> = {
  "pyproject.toml": async () => (await import("./python/pyproject.js")).parsePyproject,
  pipfile: async () => (await import("./python/pipfile.js")).parsePipfile,
  "setup.py": async () => (await import("./python/setup.js")).parseSetupPy,
  "setup.cfg": async () => (await import("./python/setup.js")).parseSetupCfg,
  "package.json": async () => (await import("./node/package-json.js")).parsePackageJson,
  requirements: async () => (await import("./python/requirements.js")).parseRequirements,
};

function manifestKey(rel: string): string {
  const lower = path.posix.basename(rel).toLowerCase();
  return lower in MANIFEST_PARSERS ? lower : "requirements";
}

async function loadParsers(toRead: { file: WalkedFile; roles: Role[]; text: string }[]): Promise<Parsers> {
  const parsers: Parsers = { manifests: new Map(), deploy: new Map() };
  const roles = new Set(toRead.flatMap((r) => r.roles));
  const loads: Promise<void>[] = [];
  if (roles.has("python")) loads.push(import("./python/source.js").then((m) => void (parsers.python = m.analyzePython)));
  if (roles.has("node-source")) loads.push(import("./node/source.js").then((m) => void (parsers.nodeSource = m.analyzeNodeSource)));
  if (roles.has("next-config")) loads.push(import("./node/package-json.js").then((m) => void (parsers.nextOutputMode = m.nextOutputMode)));
  for (const { file, roles: r, text } of toRead) {
    if (r.includes("manifest")) {
      const key = manifestKey(file.path);
      if (!parsers.manifests.has(key)) {
        parsers.manifests.set(key, () => ({}) as ManifestFacts); // placeholder until loaded
        loads.push((MANIFEST_PARSERS[key] as () => Promise<ManifestParser>)().then((p) => void parsers.manifests.set(key, p)));
      }
    }
    if (r.includes("deploy")) {
      const rule = deployRuleFor(path.posix.basename(file.path));
      if (rule && !parsers.deploy.has(rule.kind) && isDeployText(rule.kind, text)) {
        parsers.deploy.set(rule.kind, () => null);
        loads.push(rule.load().then((p) => void parsers.deploy.set(rule.kind, p)));
        if (rule.kind === "dockerfile") loads.push(import("./deploy/dockerfile.js").then((m) => void (parsers.dockerInstructions = m.dockerfileInstructions)));
      }
    }
  }
  await Promise.all(loads);
  return parsers;
}

/** A README.md is a Space's config only with YAML front matter: without it, skip the YAML parser. */
function isDeployText(kind: string, text: string): boolean {
  return kind !== "hf-space" || text.startsWith("---");
}

/**
 * What a Dockerfile's RUN lines tell: requirement files it installs (`pip install -r X`) and Python
 * scripts it runs while building (`RUN python warmup.py`: what they download is baked in).
 */
function dockerRuns(parsers: Parsers, text: string, dockerfile: string): { installs: string[]; scripts: string[] } {
  const dir = path.posix.dirname(dockerfile);
  const rel = (f: string) => path.posix.normalize(dir === "." ? f : `${dir}/${f}`);
  const out = { installs: [] as string[], scripts: [] as string[] };
  for (const ins of parsers.dockerInstructions?.(text) ?? []) {
    if (ins.keyword !== "RUN") continue;
    for (const m of ins.args.matchAll(/(?:-r|--requirement)[\s=]+([^\s;&|]+)/g)) if (m[1]) out.installs.push(rel(m[1]));
    for (const m of ins.args.matchAll(/\bpython[\d.]*\s+(?:-u\s+)?([\w./-]+\.py)\b/g)) if (m[1]) out.scripts.push(rel(m[1]));
  }
  return out;
}

/** Everything one file contributes to the scan; plain data, so it can be cached between scans. */
export interface FileFacts {
  python?: PythonFacts;
  node?: NodeSourceFacts;
  manifest?: ManifestFacts;
  /** package.json: line of each `"name":` key, for evidence of scripts and engines. */
  jsonKeyLines?: Record<string, number>;
  deploy?: DeployFacts;
  /** Datastores the deploy file declares (compose images, render databases, app.json add-ons). */
  declaredDatastores?: { kind: DatastoreKind; evidence: Evidence[] }[];
  docker?: { installs: string[]; scripts: string[] };
  /** next.config output mode: export (static), standalone, or none. */
  nextOutput?: "export" | "standalone" | "none";
  /** A committed .env file's secret-looking variables that have values (names only). */
  envFile?: { names: string[]; line: number };
  /** A .dockerignore's text (what an image built from its folder leaves out). */
  dockerignore?: string;
  secrets: SecretFinding[];
  /** A parser that failed on this file (a bug in shipfit, reported rather than thrown). */
  diagnostics?: Diagnostic[];
}

export interface CollectOptions {
  onProgress?: Progress;
  /** Reuse per-file facts of unchanged files from an earlier scan. */
  cache?: FactsCache;
}

/** Where per-file facts of unchanged files come from and go to (see cache.ts). */
export interface FactsCache {
  get(file: WalkedFile): FileFacts | undefined;
  set(file: WalkedFile, facts: FileFacts): void;
  save(): void;
}

/** Walks `root` and gathers every file's facts (from the cache when unchanged). Never throws for a file in the tree. */
export async function collect(root: string, options: CollectOptions = {}): Promise<CollectedRepo> {
  const { onProgress, cache } = options;
  const walked = walk(root, { keepIgnored: (rel) => modelFormat(rel) !== undefined });
  onProgress?.("walk", walked.files.length, walked.files.length);
  const repo: CollectedRepo = {
    files: walked.files,
    fileSet: new Set(walked.files.map((f) => f.path)),
    python: new Map(),
    node: new Map(),
    manifests: new Map(),
    deploy: new Map(),
    declaredDatastores: [],
    dockerInstalls: new Map(),
    dockerBuildScripts: new Map(),
    nextOutput: new Map(),
    dockerignores: new Map(),
    jsonKeyLines: new Map(),
    modelFiles: [],
    ignoredModelFiles: walked.ignoredFiles,
    secrets: [],
    diagnostics: [...walked.diagnostics],
    dirsIgnored: walked.dirsIgnored,
    filesRead: 0,
  };

  const toRead: { file: WalkedFile; roles: Role[] }[] = [];
  for (const file of walked.files) {
    const format = modelFormat(file.path);
    if (format) repo.modelFiles.push(sniffModelFile(root, file, format));
    else {
      const roles = rolesOf(file.path);
      if (roles.length > 0) toRead.push({ file, roles });
    }
  }

  const fresh: { file: WalkedFile; roles: Role[]; text: string }[] = [];
  const facts = new Map<string, FileFacts>();
  for (const { file, roles } of toRead) {
    const cached = cache?.get(file);
    if (cached) {
      facts.set(file.path, cached);
      continue;
    }
    const read = readText(root, file);
    if ("diagnostic" in read) repo.diagnostics.push(read.diagnostic);
    else fresh.push({ file, roles, text: read.text });
  }
  const parsers = await loadParsers(fresh);
  let done = 0;
  for (const { file, roles, text } of fresh) {
    if (++done % 200 === 0) onProgress?.("parse", done, fresh.length);
    const f = analyzeFile(parsers, file.path, roles, text);
    facts.set(file.path, f);
    cache?.set(file, f);
  }
  onProgress?.("parse", fresh.length, fresh.length);
  for (const { file } of toRead) {
    const f = facts.get(file.path);
    if (f) apply(repo, file.path, f);
  }
  repo.filesRead = facts.size;
  cache?.save();
  repo.modelFiles.sort((a, b) => byText(a.path, b.path));
  repo.secrets.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return repo;
}

/** Line of each `"key":` in a JSON text (first occurrence), for evidence. */
function keyLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  let line = 1;
  const re = /"((?:[^"\\\n]|\\.){1,200})"\s*:|\n/g;
  for (const m of text.matchAll(re)) {
    if (m[0] === "\n") line++;
    else if (m[1] !== undefined && !Object.hasOwn(lines, m[1])) lines[m[1]] = line;
  }
  return lines;
}

/**
 * Every fact one file gives, from its text alone. Parsers are total by contract; should one throw
 * anyway, the file's other roles still count and the failure is a diagnostic, never a failed scan.
 */
function analyzeFile(parsers: Parsers, rel: string, roles: Role[], text: string): FileFacts {
  const out: FileFacts = { secrets: findSecrets(text, rel) };
  for (const role of roles) {
    try {
      analyzeRole(parsers, rel, role, text, out);
    } catch (error) {
      // The error's message may quote the file: only its class is shown.
      const what = error instanceof Error ? error.name : "error";
      (out.diagnostics ??= []).push(diagnostic("warning", "parse-failed", `could not be read as ${role} (${what}); skipped`, [at(rel)]));
    }
  }
  return out;
}

/** Adds what `text` tells in one role (python source, manifest, deploy file…) to `out`. */
function analyzeRole(parsers: Parsers, rel: string, role: Role, text: string, out: FileFacts): void {
  const base = path.posix.basename(rel);
  switch (role) {
    case "python":
      if (parsers.python) out.python = parsers.python(text, rel);
      break;
    case "node-source":
      if (parsers.nodeSource) out.node = parsers.nodeSource(text, rel);
      break;
    case "manifest": {
      const parse = parsers.manifests.get(manifestKey(rel));
      if (!parse) break;
      out.manifest = parse(text, rel);
      if (out.manifest.kind === "package.json") out.jsonKeyLines = keyLines(text);
      break;
    }
    case "deploy": {
      const rule = deployRuleFor(base);
      if (!rule || !isDeployText(rule.kind, text)) break;
      const facts = parsers.deploy.get(rule.kind)?.(text, rel);
      if (!facts) break;
      out.deploy = facts;
      const declared = facts.diagnostics.flatMap((d) => {
        const kind = declaredDatastoreKind(d);
        return kind ? [{ kind, evidence: d.evidence }] : [];
      });
      if (declared.length > 0) out.declaredDatastores = declared;
      if (facts.deployFile.kind === "dockerfile") out.docker = dockerRuns(parsers, text, rel);
      break;
    }
    case "next-config":
      if (parsers.nextOutputMode) out.nextOutput = parsers.nextOutputMode(text) ?? "none";
      break;
    case "env":
      if (isEnvFileWithValues(base)) {
        // A committed .env matters when it holds credentials; DEBUG=true is not a leak.
        const withValues = envFileAssignments(text).filter((a) => a.hasValue && isSecretName(a.name));
        if (withValues.length > 0) out.envFile = { names: withValues.map((a) => a.name), line: withValues[0]?.line ?? 1 };
      }
      break;
    case "dockerignore":
      out.dockerignore = text;
      break;
    case "config":
      break;
  }
}

/** Adds one file's facts to the repository. */
function apply(repo: CollectedRepo, rel: string, f: FileFacts): void {
  if (f.python) repo.python.set(rel, f.python);
  if (f.node) repo.node.set(rel, f.node);
  if (f.manifest) {
    repo.manifests.set(rel, f.manifest);
    repo.diagnostics.push(...f.manifest.diagnostics);
  }
  if (f.jsonKeyLines) repo.jsonKeyLines.set(rel, f.jsonKeyLines);
  if (f.deploy) {
    repo.deploy.set(rel, f.deploy);
    repo.diagnostics.push(...f.deploy.diagnostics);
  }
  if (f.declaredDatastores) repo.declaredDatastores.push(...f.declaredDatastores);
  if (f.docker) {
    repo.dockerInstalls.set(rel, f.docker.installs);
    repo.dockerBuildScripts.set(rel, f.docker.scripts);
  }
  if (f.nextOutput) repo.nextOutput.set(path.posix.dirname(rel), f.nextOutput);
  if (f.dockerignore !== undefined) repo.dockerignores.set(path.posix.dirname(rel), f.dockerignore);
  if (f.envFile) {
    const { names, line } = f.envFile;
    repo.secrets.push({ file: rel, line, kind: "env-file" });
    repo.diagnostics.push(
      diagnostic(
        "warning",
        "env-file-committed",
        `${path.posix.basename(rel)} is committed with values for ${names.slice(0, 6).join(", ")}${names.length > 6 ? ", …" : ""}; set them as the platform's variables and remove the file from git`,
        [at(rel, line)],
      ),
    );
  }
  repo.secrets.push(...f.secrets);
  if (f.diagnostics) repo.diagnostics.push(...f.diagnostics);
}
