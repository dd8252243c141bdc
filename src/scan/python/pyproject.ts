/**
 * pyproject.toml: PEP 621 `[project]`, PEP 735 `[dependency-groups]`, Poetry, PDM and uv tables.
 * Reading only one of these is how other scanners end up with "no dependencies found", so all of
 * them are read. TOML parsers give no positions, so lines are found by searching the text
 * (`TomlLines`), falling back to the table header.
 */
import { parse, TomlDate } from "smol-toml";
import { at, diagnostic } from "../../core/evidence.js";
import type { Dependency } from "../../core/app-model.js";
import type { ManifestFacts } from "../facts.js";
import { classifyUrl, normalizeName, parseRequirementSpec, pinnedOf, redactUrl, toDependency } from "./pep508.js";

export type TomlTable = Record<string, unknown>;

/** A TOML table (not an array, date or scalar). */
export function isTable(v: unknown): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof TomlDate);
}

/** The value at a dotted path of table keys, or undefined. */
export function getPath(root: unknown, path: string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isTable(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The value when it is a string, else undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Parses TOML, turning a syntax error into a `manifest-parse-error` diagnostic (with smol-toml's line). */
export function parseTomlSafely(text: string, file: string, diagnostics: ManifestFacts["diagnostics"]): TomlTable | null {
  try {
    return parse(text.replace(/^\ufeff/, ""));
  } catch (e) {
    const line = typeof (e as { line?: unknown }).line === "number" ? (e as { line: number }).line : undefined;
    diagnostics.push(diagnostic("error", "manifest-parse-error", "Not valid TOML; its dependencies could not be read", [at(file, line)]));
    return null;
  }
}

/**
 * Finds lines in TOML text for values the parser returned without positions: the table header, then
 * a key inside it, then a string after that key. Keys and quoted strings are indexed once, so each
 * lookup is a binary search rather than a rescan (manifests with thousands of entries stay linear).
 * Always answers a line ≥ 1.
 */
export class TomlLines {
  private readonly lineCount: number;
  private readonly headers: { path: string; index: number }[] = [];
  private readonly firstHeader = new Map<string, number>();
  /** Bare or quoted key at the start of a line → the lines it starts (ascending). */
  private readonly keys = new Map<string, number[]>();
  /** Raw content of every quoted string → the lines it appears on (ascending). */
  private readonly strings = new Map<string, number[]>();

  constructor(text: string) {
    const lines = text.split("\n");
    this.lineCount = lines.length;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const path = headerPath(line);
      if (path !== undefined) {
        if (!this.firstHeader.has(path)) this.firstHeader.set(path, this.headers.length);
        this.headers.push({ path, index: i });
        continue;
      }
      const key = leadingKey(line);
      if (key !== undefined) push(this.keys, key, i);
      for (const str of quotedStrings(line)) push(this.strings, str, i);
    }
  }

  /** 1-based line of the table `path` (or its nearest declared ancestor), its `key`, and `needle` after that. */
  locate(path: string, opts: { key?: string; needle?: string } = {}): number {
    let start = 0;
    let end = this.lineCount;
    const segs = path.split(".");
    while (segs.length > 0) {
      const h = this.firstHeader.get(segs.join("."));
      if (h !== undefined) {
        start = this.headers[h]?.index ?? 0;
        end = this.headers[h + 1]?.index ?? this.lineCount;
        break;
      }
      segs.pop();
    }
    let from = start;
    if (opts.key !== undefined) {
      const k = firstIn(this.keys.get(opts.key), start, end);
      if (k >= 0) from = k;
    }
    if (opts.needle !== undefined && opts.needle !== "") {
      const n = firstIn(this.strings.get(opts.needle), from, end);
      if (n >= 0) return n + 1;
    }
    return from + 1;
  }
}

function push(map: Map<string, number[]>, key: string, line: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [line]);
  else if (list[list.length - 1] !== line) list.push(line);
}

/** First element of an ascending list in [start, end), or -1. */
function firstIn(list: number[] | undefined, start: number, end: number): number {
  if (!list) return -1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  const v = list[lo];
  return v !== undefined && v < end ? v : -1;
}

/** The key a line starts with (`torch = …`, `"torch" = …`, `torch.version = …`), if any. */
function leadingKey(line: string): string | undefined {
  const t = line.trimStart();
  const q = t[0];
  if (q === '"' || q === "'") {
    const close = t.indexOf(q, 1);
    return close > 0 ? t.slice(1, close) : undefined;
  }
  const m = /^[A-Za-z0-9_-]+/.exec(t);
  if (!m) return undefined;
  const next = t[m[0].length];
  return next === undefined || next === " " || next === "\t" || next === "=" || next === "." ? m[0] : undefined;
}

/** Raw contents of the quoted strings on a line, stopping at a `#` comment outside quotes. */
function quotedStrings(line: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "#") break;
    if (ch !== '"' && ch !== "'") continue;
    let j = i + 1;
    while (j < line.length && line[j] !== ch) j += ch === '"' && line[j] === "\\" ? 2 : 1;
    if (j >= line.length) break;
    out.push(line.slice(i + 1, j));
    i = j;
  }
  return out;
}

/** `[a.b]` / `[[a."b"]]` → `a.b`; undefined for anything that is not a table header. */
function headerPath(line: string): string | undefined {
  const t = line.trimStart();
  if (!t.startsWith("[")) return undefined;
  const double = t.startsWith("[[");
  const close = t.indexOf(double ? "]]" : "]");
  if (close < 0) return undefined;
  const inner = t.slice(double ? 2 : 1, close);
  const segs: string[] = [];
  for (const raw of inner.split(".")) {
    const s = raw.trim();
    if (/^[A-Za-z0-9_-]+$/.test(s)) segs.push(s);
    else if (/^"[^"]*"$/.test(s) || /^'[^']*'$/.test(s)) segs.push(s.slice(1, -1));
    else return undefined;
  }
  return segs.join(".");
}

/** Build backends by top-level module, mapped to the tool's short name. */
const BACKENDS: { module: string; tool: string }[] = [
  { module: "poetry", tool: "poetry" },
  { module: "hatchling", tool: "hatchling" },
  { module: "setuptools", tool: "setuptools" },
  { module: "pdm", tool: "pdm" },
  { module: "flit_core", tool: "flit" },
  { module: "flit", tool: "flit" },
  { module: "uv_build", tool: "uv" },
  { module: "maturin", tool: "maturin" },
  { module: "scikit_build_core", tool: "scikit-build-core" },
  { module: "mesonpy", tool: "meson-python" },
];

interface Ctx {
  file: string;
  lines: TomlLines;
  facts: ManifestFacts;
}

/** Parses pyproject.toml (never throws; invalid TOML becomes a `manifest-parse-error`). */
export function parsePyproject(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "pyproject", dependencies: [], includes: [], indexUrls: [], diagnostics: [] };
  const doc = parseTomlSafely(text, file, facts.diagnostics);
  if (!doc) return facts;
  const ctx: Ctx = { file, lines: new TomlLines(text), facts };

  const projectName = asString(getPath(doc, ["project", "name"])) ?? asString(getPath(doc, ["tool", "poetry", "name"]));
  if (projectName !== undefined && projectName.trim() !== "") facts.projectName = projectName.trim();
  const requiresPython = asString(getPath(doc, ["project", "requires-python"]));
  if (requiresPython !== undefined && requiresPython.trim() !== "") facts.pythonRequires = requiresPython.trim();
  facts.tool = toolOf(doc);

  readPep508List(ctx, getPath(doc, ["project", "dependencies"]), "main", "project", "dependencies");
  forEachGroup(ctx, getPath(doc, ["project", "optional-dependencies"]), "project.optional-dependencies", (name, value) =>
    readPep508List(ctx, value, `optional:${name}`, "project.optional-dependencies", name),
  );
  forEachGroup(ctx, getPath(doc, ["dependency-groups"]), "dependency-groups", (name, value) =>
    readPep508List(ctx, value, name, "dependency-groups", name),
  );
  forEachGroup(ctx, getPath(doc, ["tool", "pdm", "dev-dependencies"]), "tool.pdm.dev-dependencies", (name, value) =>
    readPep508List(ctx, value, name, "tool.pdm.dev-dependencies", name),
  );

  const poetry = getPath(doc, ["tool", "poetry"]);
  const poetrySources = namedUrls(getPath(poetry, ["source"]));
  readPoetryDeps(ctx, getPath(poetry, ["dependencies"]), "main", "tool.poetry.dependencies", poetrySources);
  readPoetryDeps(ctx, getPath(poetry, ["dev-dependencies"]), "dev", "tool.poetry.dev-dependencies", poetrySources);
  const groups = getPath(poetry, ["group"]);
  if (isTable(groups)) {
    for (const [g, body] of Object.entries(groups)) {
      readPoetryDeps(ctx, getPath(body, ["dependencies"]), g, `tool.poetry.group.${g}.dependencies`, poetrySources);
    }
  }

  const uvIndexes = namedUrls(getPath(doc, ["tool", "uv", "index"]));
  for (const url of [...poetrySources.values(), ...uvIndexes.values(), ...namedUrls(getPath(doc, ["tool", "pdm", "source"])).values()]) {
    addIndexUrl(facts, url);
  }
  for (const key of ["index-url", "extra-index-url", "find-links"]) {
    const v = getPath(doc, ["tool", "uv", key]);
    for (const url of Array.isArray(v) ? v : [v]) if (typeof url === "string" && url.trim() !== "") addIndexUrl(facts, url.trim());
  }
  applyUvSources(ctx, getPath(doc, ["tool", "uv", "sources"]), uvIndexes);
  readDynamicIncludes(ctx, doc);
  return facts;
}

function toolOf(doc: TomlTable): string | undefined {
  const backend = asString(getPath(doc, ["build-system", "build-backend"]))?.trim();
  if (backend) {
    const module = backend.split(/[.:]/)[0] ?? "";
    const known = BACKENDS.find((b) => b.module === module);
    if (known) return known.tool;
    if (/^[A-Za-z0-9_-]{1,60}$/.test(module)) return module;
  }
  if (getPath(doc, ["tool", "poetry"]) !== undefined) return "poetry";
  return undefined;
}

function forEachGroup(ctx: Ctx, value: unknown, section: string, each: (name: string, value: unknown) => void): void {
  if (value === undefined) return;
  if (!isTable(value)) {
    invalid(ctx, section, "is not a table");
    return;
  }
  for (const [name, v] of Object.entries(value)) each(name, v);
}

function readPep508List(ctx: Ctx, value: unknown, group: string, section: string, key: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    invalid(ctx, section, "is not a list of requirement strings", key);
    return;
  }
  for (const item of value) {
    // PEP 735 `{include-group = "…"}` entries name another group, whose own entries are read there.
    if (typeof item !== "string") continue;
    const line = ctx.lines.locate(section, { key, needle: item });
    const req = parseRequirementSpec(item);
    if (!req) {
      unparsed(ctx, line, `An entry in ${section} is not a PEP 508 requirement`);
      continue;
    }
    ctx.facts.dependencies.push(toDependency(req, ctx.file, line, group));
  }
}

function readPoetryDeps(ctx: Ctx, value: unknown, group: string, section: string, sources: Map<string, string>): void {
  if (value === undefined) return;
  if (!isTable(value)) {
    invalid(ctx, section, "is not a table");
    return;
  }
  for (const [rawName, spec] of Object.entries(value)) {
    const line = ctx.lines.locate(section, { key: rawName });
    if (normalizeName(rawName) === "python") {
      // Poetry declares the interpreter as a dependency; PEP 621 requires-python wins when both exist.
      if (typeof spec === "string" && ctx.facts.pythonRequires === undefined && spec.trim() !== "") ctx.facts.pythonRequires = spec.trim();
      continue;
    }
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(rawName)) {
      unparsed(ctx, line, `A key in ${section} is not a package name`);
      continue;
    }
    // A list of tables gives per-platform constraints (e.g. torch from a CPU index on Linux only).
    for (const entry of Array.isArray(spec) ? spec : [spec]) {
      const dep = poetryEntry(ctx, rawName, entry, group, line, sources);
      if (dep) ctx.facts.dependencies.push(dep);
      else unparsed(ctx, line, `The constraint for a dependency in ${section} is neither a string nor a table`);
    }
  }
}

function poetryEntry(ctx: Ctx, rawName: string, entry: unknown, group: string, line: number, sources: Map<string, string>): Dependency | null {
  const dep: Dependency = { name: normalizeName(rawName), ecosystem: "pypi", source: "registry", group, evidence: at(ctx.file, line) };
  if (typeof entry === "string") {
    setVersion(dep, entry, true);
    return dep;
  }
  if (!isTable(entry)) return null;
  const version = asString(entry.version);
  if (version !== undefined) setVersion(dep, version, true);
  const extras = Array.isArray(entry.extras) ? entry.extras.filter((e): e is string => typeof e === "string" && e.trim() !== "") : [];
  if (extras.length > 0) dep.extras = extras.map((e) => normalizeName(e.trim()));
  const markers = asString(entry.markers);
  if (markers !== undefined && markers.trim() !== "") dep.marker = markers.trim();
  setReference(dep, entry);
  const source = asString(entry.source);
  if (source !== undefined) {
    dep.evidence = at(ctx.file, line, `index ${source}`);
    if (!sources.has(source)) unknownIndex(ctx, line, source);
  }
  return dep;
}

/** git / path / url / file keys (Poetry, uv, Pipfile share them) → source and redacted URL. */
export function setReference(dep: Dependency, entry: TomlTable): void {
  const git = asString(entry.git);
  if (git !== undefined && git.trim() !== "") {
    const ref = asString(entry.rev) ?? asString(entry.tag) ?? asString(entry.branch) ?? asString(entry.ref);
    const base = /^git\+/i.test(git) ? git.trim() : `git+${git.trim()}`;
    dep.source = "vcs";
    dep.url = redactUrl(ref ? `${base}@${ref}` : base);
    return;
  }
  const path = asString(entry.path);
  if (path !== undefined && path.trim() !== "") {
    dep.source = "path";
    dep.url = path.trim();
    return;
  }
  const url = asString(entry.url) ?? asString(entry.file);
  if (url !== undefined && url.trim() !== "") {
    dep.source = classifyUrl(url.trim());
    dep.url = redactUrl(url.trim());
  }
}

/** A specifier as written (`"*"` means none); Poetry and Pipfile read a bare version as exact. */
export function setVersion(dep: Dependency, spec: string, bareIsExact: boolean): void {
  const s = spec.trim();
  if (s === "" || s === "*") return;
  dep.specifier = s;
  const p = pinnedOf(s, bareIsExact);
  if (p.pinned !== undefined) dep.pinned = p.pinned;
  if (p.localVersion !== undefined) dep.localVersion = p.localVersion;
}

/** `[[tool.poetry.source]]` / `[[tool.uv.index]]` / `[[tool.pdm.source]]` → name → url. */
function namedUrls(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(value)) return out;
  let unnamed = 0;
  for (const entry of value) {
    const url = asString(getPath(entry, ["url"]));
    if (url === undefined || url.trim() === "") continue;
    out.set(asString(getPath(entry, ["name"])) ?? `#${unnamed++}`, url.trim());
  }
  return out;
}

function addIndexUrl(facts: ManifestFacts, url: string): void {
  const redacted = redactUrl(url);
  if (!facts.indexUrls.includes(redacted)) facts.indexUrls.push(redacted);
}

/** `[tool.uv.sources]` overrides where a declared dependency comes from (an index, git, a path, a URL). */
function applyUvSources(ctx: Ctx, value: unknown, indexes: Map<string, string>): void {
  if (!isTable(value)) return;
  for (const [rawName, spec] of Object.entries(value)) {
    const name = normalizeName(rawName);
    const line = ctx.lines.locate("tool.uv.sources", { key: rawName });
    for (const entry of Array.isArray(spec) ? spec : [spec]) {
      if (!isTable(entry)) continue;
      const index = asString(entry.index);
      for (const dep of ctx.facts.dependencies) {
        if (dep.name !== name) continue;
        if (index !== undefined) {
          dep.evidence = { ...dep.evidence, note: `index ${index}` };
          continue;
        }
        setReference(dep, entry);
        if (entry.workspace === true) dep.source = "path";
      }
      if (index !== undefined) {
        const url = indexes.get(index);
        if (url !== undefined) addIndexUrl(ctx.facts, url);
        else unknownIndex(ctx, line, index);
      }
    }
  }
}

/** Dependencies declared `dynamic` and read from requirements files by setuptools or hatch. */
function readDynamicIncludes(ctx: Ctx, doc: TomlTable): void {
  const add = (value: unknown, section: string, key: string) => {
    for (const f of Array.isArray(value) ? value : [value]) {
      if (typeof f !== "string" || f.trim() === "") continue;
      ctx.facts.includes.push({ kind: "requirement", path: f.trim(), line: ctx.lines.locate(section, { key, needle: f }) });
    }
  };
  add(getPath(doc, ["tool", "setuptools", "dynamic", "dependencies", "file"]), "tool.setuptools.dynamic", "dependencies");
  const optional = getPath(doc, ["tool", "setuptools", "dynamic", "optional-dependencies"]);
  if (isTable(optional)) {
    for (const [name, v] of Object.entries(optional)) add(getPath(v, ["file"]), "tool.setuptools.dynamic.optional-dependencies", name);
  }
  add(getPath(doc, ["tool", "hatch", "metadata", "hooks", "requirements_txt", "files"]), "tool.hatch.metadata.hooks.requirements_txt", "files");
}

function invalid(ctx: Ctx, section: string, why: string, key?: string): void {
  const where = key === undefined ? section : `${section}.${key}`;
  // A value of the wrong type is a key line inside its parent table, not a header of its own.
  const dot = where.lastIndexOf(".");
  const line = ctx.lines.locate(dot < 0 ? "" : where.slice(0, dot), { key: where.slice(dot + 1) });
  ctx.facts.diagnostics.push(diagnostic("warning", "pyproject-invalid-field", `${where.slice(0, 120)} ${why}; skipped`, [at(ctx.file, line)]));
}

function unparsed(ctx: Ctx, line: number, why: string): void {
  ctx.facts.diagnostics.push(diagnostic("warning", "manifest-unparsed-dependency", why, [at(ctx.file, line)]));
}

function unknownIndex(ctx: Ctx, line: number, name: string): void {
  ctx.facts.diagnostics.push(
    diagnostic("info", "pyproject-unknown-index", `A dependency names index "${name}", which no source table declares`, [at(ctx.file, line)]),
  );
}
