/**
 * First half of a scan: walk the tree, decide what each file is, read and parse the ones that
 * matter (in parallel, bounded), and keep the per-file facts. No cross-file reasoning here: that is
 * `assemble`'s job.
 */
import path from "node:path";
import type { Diagnostic, ModelFile, SecretFinding } from "../core/app-model.js";
import { at, diagnostic } from "../core/evidence.js";
import type { DeployFacts, ManifestFacts, NodeSourceFacts, PythonFacts } from "./facts.js";
import { deployParserFor } from "./deploy/index.js";
import { dockerfileInstructions } from "./deploy/dockerfile.js";
import { parsePackageJson } from "./node/package-json.js";
import { analyzeNodeSource } from "./node/source.js";
import { parsePipfile } from "./python/pipfile.js";
import { parsePyproject } from "./python/pyproject.js";
import { parseRequirements } from "./python/requirements.js";
import { parseSetupCfg, parseSetupPy } from "./python/setup.js";
import { analyzePython } from "./python/source.js";
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
  /** package.json texts, for evidence lines of scripts and engines. */
  jsonTexts: Map<string, string>;
  /** next.config.* text by folder, for the output mode. */
  nextConfigs: Map<string, string>;
  modelFiles: ModelFile[];
  ignoredModelFiles: string[];
  secrets: SecretFinding[];
  diagnostics: Diagnostic[];
  dirsIgnored: number;
  filesRead: number;
}

type Role = "python" | "node-source" | "manifest" | "deploy" | "env" | "next-config" | "config";

const NODE_SOURCE = /\.(?:m|c)?[jt]sx?$/;
/** Config-ish files scanned only for committed secrets. */
const SECRET_ONLY = /\.(?:json|ya?ml|toml|ini|cfg|conf|sh|properties|ipynb)$/;

/** Requirement files by name: requirements.txt, requirements-prod.txt, requirements/base.txt, *.in. */
export function isRequirementsFile(rel: string): boolean {
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
  if (deployParserFor(base)) roles.push("deploy");
  if (lower.startsWith(".env")) roles.push("env");
  if (/^next\.config\.(js|mjs|cjs|ts)$/.test(lower)) roles.push("next-config");
  if (NODE_SOURCE.test(lower) && !lower.endsWith(".d.ts") && !lower.includes(".min.")) roles.push("node-source");
  if (roles.length === 0 && SECRET_ONLY.test(lower)) roles.push("config");
  return roles;
}

function parseManifest(rel: string, text: string): ManifestFacts {
  const lower = path.posix.basename(rel).toLowerCase();
  if (lower === "pyproject.toml") return parsePyproject(text, rel);
  if (lower === "pipfile") return parsePipfile(text, rel);
  if (lower === "setup.py") return parseSetupPy(text, rel);
  if (lower === "setup.cfg") return parseSetupCfg(text, rel);
  if (lower === "package.json") return parsePackageJson(text, rel);
  return parseRequirements(text, rel);
}

/** Requirement files a Dockerfile installs with `pip install -r X` (paths relative to the repo). */
function requirementInstalls(text: string, dockerfile: string): string[] {
  const dir = path.posix.dirname(dockerfile);
  const found: string[] = [];
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword !== "RUN") continue;
    for (const m of ins.args.matchAll(/(?:-r|--requirement)[\s=]+([^\s;&|]+)/g)) {
      const file = m[1];
      if (file) found.push(path.posix.normalize(dir === "." ? file : `${dir}/${file}`));
    }
  }
  return found;
}

/** Python scripts a Dockerfile runs while building (`RUN python warmup.py`): what they download is baked in. */
function buildScripts(text: string, dockerfile: string): string[] {
  const dir = path.posix.dirname(dockerfile);
  const found: string[] = [];
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword !== "RUN") continue;
    for (const m of ins.args.matchAll(/\bpython[\d.]*\s+(?:-u\s+)?([\w./-]+\.py)\b/g)) {
      const file = m[1];
      if (file) found.push(path.posix.normalize(dir === "." ? file : `${dir}/${file}`));
    }
  }
  return found;
}

/** Bounded-concurrency map that keeps going when one task fails. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

export async function collect(root: string, onProgress?: Progress): Promise<CollectedRepo> {
  const walked = await walk(root, { keepIgnored: (rel) => modelFormat(rel) !== undefined });
  onProgress?.("walk", walked.files.length, walked.files.length);
  const repo: CollectedRepo = {
    files: walked.files,
    fileSet: new Set(walked.files.map((f) => f.path)),
    python: new Map(),
    node: new Map(),
    manifests: new Map(),
    deploy: new Map(),
    dockerInstalls: new Map(),
    dockerBuildScripts: new Map(),
    nextConfigs: new Map(),
    jsonTexts: new Map(),
    modelFiles: [],
    ignoredModelFiles: walked.ignoredFiles,
    secrets: [],
    diagnostics: [...walked.diagnostics],
    dirsIgnored: walked.dirsIgnored,
    filesRead: 0,
  };

  const toRead: { file: WalkedFile; roles: Role[] }[] = [];
  const models: { file: WalkedFile; format: NonNullable<ReturnType<typeof modelFormat>> }[] = [];
  for (const file of walked.files) {
    const format = modelFormat(file.path);
    if (format) {
      models.push({ file, format });
      continue;
    }
    const roles = rolesOf(file.path);
    if (roles.length > 0) toRead.push({ file, roles });
  }

  let done = 0;
  await eachLimit(models, 16, async ({ file, format }) => {
    repo.modelFiles.push(await sniffModelFile(root, file, format));
  });
  await eachLimit(toRead, 32, async ({ file, roles }) => {
    const read = await readText(root, file);
    done++;
    if (done % 200 === 0) onProgress?.("parse", done, toRead.length);
    if ("diagnostic" in read) {
      repo.diagnostics.push(read.diagnostic);
      return;
    }
    repo.filesRead++;
    parseFile(repo, file.path, roles, read.text);
  });
  onProgress?.("parse", toRead.length, toRead.length);
  repo.modelFiles.sort((a, b) => (a.path < b.path ? -1 : 1));
  repo.secrets.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return repo;
}

function parseFile(repo: CollectedRepo, rel: string, roles: Role[], text: string): void {
  const base = path.posix.basename(rel);
  for (const role of roles) {
    switch (role) {
      case "python":
        repo.python.set(rel, analyzePython(text, rel));
        break;
      case "node-source":
        repo.node.set(rel, analyzeNodeSource(text, rel));
        break;
      case "manifest": {
        const facts = parseManifest(rel, text);
        repo.manifests.set(rel, facts);
        if (facts.kind === "package.json") repo.jsonTexts.set(rel, text);
        repo.diagnostics.push(...facts.diagnostics);
        break;
      }
      case "deploy": {
        const facts = deployParserFor(base)?.(text, rel);
        if (facts) {
          repo.deploy.set(rel, facts);
          repo.diagnostics.push(...facts.diagnostics);
          if (facts.deployFile.kind === "dockerfile") {
            repo.dockerInstalls.set(rel, requirementInstalls(text, rel));
            repo.dockerBuildScripts.set(rel, buildScripts(text, rel));
          }
        }
        break;
      }
      case "next-config":
        repo.nextConfigs.set(path.posix.dirname(rel), text);
        break;
      case "env":
        if (isEnvFileWithValues(base)) {
          // A committed .env matters when it holds credentials; DEBUG=true is not a leak.
          const secrets = envFileAssignments(text, rel).filter((a) => a.hasValue && isSecretName(a.name));
          if (secrets.length > 0) {
            repo.secrets.push({ file: rel, line: secrets[0]?.line ?? 1, kind: "env-file" });
            const names = secrets.map((a) => a.name);
            repo.diagnostics.push(
              diagnostic(
                "warning",
                "env-file-committed",
                `${base} is committed with values for ${names.slice(0, 6).join(", ")}${names.length > 6 ? ", …" : ""}; set them as the platform's variables and remove the file from git`,
                [at(rel, secrets[0]?.line)],
              ),
            );
          }
        }
        break;
      case "config":
        break;
    }
  }
  repo.secrets.push(...findSecrets(text, rel));
}
