/**
 * package.json: dependencies, scripts, engines, and the package manager and front-end framework
 * they imply. Pure functions over text and file-name sets; malformed JSON becomes a diagnostic.
 */
import type { Dependency, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic, lineIndex } from "../../core/evidence.js";
import { redactCommand, redactSecrets } from "../secrets.js";
import type { ManifestFacts } from "../facts.js";
import { stringPropertyValues } from "./source.js";

/** Dependency groups read, and the group name each becomes (optional and peer deps are not installed for the app). */
const GROUPS: [field: string, group: string][] = [
  ["dependencies", "main"],
  ["devDependencies", "dev"],
];

/** How a specifier says where the package comes from; first match wins, registry otherwise. */
const SOURCES: [test: RegExp, source: Dependency["source"]][] = [
  [/^(?:workspace|file|link|portal):/i, "path"],
  [/^(?:\.{0,2}\/|~\/)/, "path"],
  [/^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:)/i, "vcs"],
  [/^https?:\/\/.*\.git(?:#.*)?$/i, "vcs"],
  [/^https?:\/\//i, "url"],
  // npm reads `owner/repo` (optionally #ref) as a GitHub shorthand.
  [/^[A-Za-z0-9][\w.-]*\/[\w.-]+(?:#\S*)?$/, "vcs"],
];

/** Parse a package.json into manifest facts. Never throws. */
export function parsePackageJson(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "package.json", dependencies: [], includes: [], indexUrls: [], diagnostics: [] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    facts.diagnostics.push(parseError(body, file, e));
    return facts;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    facts.diagnostics.push(diagnostic("error", "manifest-parse-error", "package.json is not a JSON object", [at(file, 1)]));
    return facts;
  }
  const pkg = data as Record<string, unknown>;
  const lines = lineIndex(body);

  if (typeof pkg.name === "string" && pkg.name.length > 0) facts.projectName = pkg.name;
  const engines = pkg.engines;
  if (isRecord(engines) && typeof engines.node === "string") facts.nodeEngine = engines.node;
  if (typeof pkg.packageManager === "string") {
    // Keep name@version, drop the integrity hash: `pnpm@9.1.0+sha512.…` → `pnpm@9.1.0`.
    const pm = pkg.packageManager.trim().replace(/\+.*$/, "");
    if (pm) facts.tool = pm;
  }
  if (isRecord(pkg.scripts)) {
    const scripts: Record<string, string> = {};
    for (const [k, v] of Object.entries(pkg.scripts)) if (typeof v === "string") scripts[k] = redactCommand(v);
    facts.scripts = scripts;
  }

  for (const [field, group] of GROUPS) {
    const deps = pkg[field];
    if (deps === undefined) continue;
    const sectionStart = keyOffset(body, field, 0);
    if (!isRecord(deps)) {
      facts.diagnostics.push(diagnostic("warning", "manifest-invalid-field", `"${field}" is not an object`,
        [at(file, sectionStart < 0 ? 1 : lines(sectionStart))]));
      continue;
    }
    // Keys come out of JSON.parse in source order (mostly), so each search starts where the last one hit.
    let cursor = Math.max(sectionStart, 0);
    for (const [rawName, spec] of Object.entries(deps)) {
      const name = rawName.trim().toLowerCase();
      let offset = keyOffset(body, rawName, cursor);
      if (offset < 0 && sectionStart >= 0) offset = keyOffset(body, rawName, sectionStart);
      if (offset < 0) offset = keyOffset(body, rawName, 0);
      if (offset >= 0) cursor = offset;
      const line = offset < 0 ? 1 : lines(offset);
      if (!name || typeof spec !== "string") {
        facts.diagnostics.push(diagnostic("warning", "manifest-invalid-dependency",
          `${field} entry ${JSON.stringify(rawName.slice(0, 100))} is not a "name": "version" string`, [at(file, line)]));
        continue;
      }
      facts.dependencies.push(dependency(name, spec, group, at(file, line)));
    }
  }
  return facts;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function dependency(name: string, rawSpec: string, group: string, evidence: Dependency["evidence"]): Dependency {
  const specifier = redactSecrets(redactUserinfo(rawSpec.trim()));
  const source = SOURCES.find(([re]) => re.test(specifier))?.[1] ?? "registry";
  const dep: Dependency = { name, ecosystem: "npm", source, group, evidence };
  if (specifier) dep.specifier = specifier;
  if (source === "url" || source === "vcs") dep.url = specifier;
  const exact = /^(?:=|v)?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(specifier);
  if (exact?.[1]) dep.pinned = exact[1];
  return dep;
}

/** Credentials in a git/tarball URL must never reach the output: keep only a bare `git@`. */
function redactUserinfo(spec: string): string {
  return spec.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/@\s]+)@/, (all, scheme: string, user: string) =>
    user === "git" ? all : `${scheme}***@`);
}

/** Offset of `"key"` used as an object key (followed by `:`) at or after `from`, or -1. */
function keyOffset(text: string, key: string, from: number): number {
  const needle = JSON.stringify(key);
  for (let i = text.indexOf(needle, from); i >= 0; i = text.indexOf(needle, i + 1)) {
    let j = i + needle.length;
    while (j < text.length && /\s/.test(text[j] ?? "")) j++;
    if (text[j] === ":") return i;
  }
  return -1;
}

/** A `manifest-parse-error` with the line and column JSON.parse gave, and no excerpt of the text. */
function parseError(text: string, file: string, e: unknown): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  let offset: number | undefined;
  const pos = /at position (\d+)/.exec(message);
  if (pos?.[1]) offset = Math.min(Number(pos[1]), text.length);
  else if (/Unexpected end of JSON input/.test(message)) offset = text.length;
  else offset = jsonErrorOffset(text);
  // V8's message may quote the text (`"…" is not valid JSON`); a manifest URL can hold a token, so drop it.
  const reason = (message.split('"')[0] ?? "")
    .replace(/\s*in JSON at position \d+.*$/s, "")
    .replace(/[\s,.]+$/, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .slice(0, 120);
  if (offset === undefined) {
    return diagnostic("error", "manifest-parse-error", `package.json is not valid JSON: ${reason}`, [at(file)]);
  }
  const line = lineIndex(text)(offset);
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const column = offset - lineStart + 1;
  return diagnostic("error", "manifest-parse-error",
    `package.json is not valid JSON at line ${line}, column ${column}: ${reason}`, [at(file, line, `column ${column}`)]);
}

const MANAGERS = ["npm", "yarn", "pnpm", "bun"] as const;
type NodeManager = (typeof MANAGERS)[number];

/** Lockfiles by manager, in the order they are trusted when several are present. */
const LOCKFILES: [manager: NodeManager, files: string[]][] = [
  ["pnpm", ["pnpm-lock.yaml"]],
  ["yarn", ["yarn.lock"]],
  ["bun", ["bun.lockb", "bun.lock"]],
  ["npm", ["package-lock.json", "npm-shrinkwrap.json"]],
];

/**
 * Which package manager a package uses: the `packageManager` field (`pnpm@9.1.0`) wins, then the
 * lockfile present (`filesInDir` holds the base names beside package.json), then npm.
 */
export function nodePackageManager(
  filesInDir: Set<string>,
  packageManagerField?: string,
): { manager: NodeManager; lockfile?: string } {
  const declared = /^\s*([a-z]+)(?:@|$)/.exec(packageManagerField ?? "")?.[1];
  const manager = MANAGERS.find((m) => m === declared);
  const lockOf = (m: NodeManager) => LOCKFILES.find(([mm]) => mm === m)?.[1].find((f) => filesInDir.has(f));
  if (manager) {
    const lockfile = lockOf(manager);
    return lockfile ? { manager, lockfile } : { manager };
  }
  for (const [m] of LOCKFILES) {
    const lockfile = lockOf(m);
    if (lockfile) return { manager: m, lockfile };
  }
  return { manager: "npm" };
}

type NodeFramework = "nextjs" | "react-vite" | "vite" | "express";

interface FrameworkRule {
  framework: NodeFramework;
  /** Every one of these must be a dependency. */
  all: string[];
  /** At least one of these, when given. */
  any?: string[];
  /** Config files that back the detection up. */
  config?: RegExp;
  /** Not reported when one of these was already detected. */
  unless?: NodeFramework[];
}

const FRAMEWORK_RULES: FrameworkRule[] = [
  { framework: "nextjs", all: ["next"], config: /^next\.config\.(?:js|mjs|cjs|ts|mts)$/ },
  {
    framework: "react-vite",
    all: ["vite"],
    any: ["react", "@vitejs/plugin-react", "@vitejs/plugin-react-swc"],
    config: /^vite\.config\.[cm]?[jt]s$/,
    // A Next.js app that lists vite does so for vitest, not to serve.
    unless: ["nextjs"],
  },
  { framework: "vite", all: ["vite"], config: /^vite\.config\.[cm]?[jt]s$/, unless: ["nextjs", "react-vite"] },
  { framework: "express", all: ["express"] },
];

/**
 * Front-end / server frameworks from a package's dependency names (main and dev together) and the
 * base names of the files beside its package.json.
 */
export function detectNodeFrameworks(
  deps: Set<string>,
  files: Set<string>,
): { framework: NodeFramework; evidence: string }[] {
  const out: { framework: NodeFramework; evidence: string }[] = [];
  for (const rule of FRAMEWORK_RULES) {
    if (!rule.all.every((d) => deps.has(d))) continue;
    const anyHit = rule.any?.find((d) => deps.has(d));
    if (rule.any && anyHit === undefined) continue;
    if (rule.unless?.some((f) => out.some((o) => o.framework === f))) continue;
    const parts = rule.all.map((d) => `dependency ${d}`);
    if (anyHit !== undefined) parts.push(`dependency ${anyHit}`);
    const config = rule.config ? [...files].filter((f) => rule.config?.test(f)).sort()[0] : undefined;
    if (config) parts.push(config);
    out.push({ framework: rule.framework, evidence: parts.join(", ") });
  }
  return out;
}

/** `output: 'export' | 'standalone'` from a next.config text (commented-out settings ignored). */
export function nextOutputMode(configText: string): "export" | "standalone" | undefined {
  for (const v of stringPropertyValues(configText, "output")) {
    if (v === "export" || v === "standalone") return v;
  }
  return undefined;
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Offset of the first JSON syntax error, for the messages V8 gives without a position
 * (`Unexpected token ']'`). Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonErrorOffset(s: string): number | undefined {
  const n = s.length;
  const stack: number[] = []; // 123 "{" or 91 "["
  let i = 0;
  let state: "value" | "key" | "after" = "value";
  const ws = () => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  // End of the string starting at i, or the negated (offset + 1) of the fault.
  const str = (): number => {
    for (let j = i + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 32) return -(j + 1);
      if (c === 92) {
        const e = s[j + 1] ?? "";
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return -(j + 2);
          j += 5;
        } else if ('"\\/bfnrt'.includes(e) && e !== "") j++;
        else return -(j + 2);
      }
    }
    return -(n + 1);
  };
  for (let guard = 0; guard <= n + 1; guard++) {
    ws();
    if (state === "value") {
      const c = s.charCodeAt(i);
      if (c === 123 || c === 91) {
        stack.push(c);
        i++;
        ws();
        if (s.charCodeAt(i) === c + 2) { stack.pop(); i++; state = "after"; } // {} or []
        else state = c === 123 ? "key" : "value";
        continue;
      }
      if (c === 34) {
        const e = str();
        if (e < 0) return -e - 1;
        i = e;
        state = "after";
        continue;
      }
      const lit = ["true", "false", "null"].find((w) => s.startsWith(w, i));
      if (lit) { i += lit.length; state = "after"; continue; }
      JSON_NUMBER.lastIndex = i;
      if (JSON_NUMBER.exec(s)) { i = JSON_NUMBER.lastIndex; state = "after"; continue; }
      return Math.min(i + (c === 45 ? 1 : 0), n);
    }
    if (state === "key") {
      if (s.charCodeAt(i) !== 34) return Math.min(i, n);
      const e = str();
      if (e < 0) return -e - 1;
      i = e;
      ws();
      if (s.charCodeAt(i) !== 58) return Math.min(i, n);
      i++;
      state = "value";
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? i : undefined;
    const c = s.charCodeAt(i);
    if (c === 44) { i++; state = top === 123 ? "key" : "value"; continue; }
    if (c === top + 2) { stack.pop(); i++; continue; }
    return Math.min(i, n);
  }
  return undefined;
}
