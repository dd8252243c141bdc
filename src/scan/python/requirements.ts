/**
 * requirements.txt (pip's requirements-file format): joins `\` continuations and strips comments the
 * way pip does, then reads each logical line as an option line (`-r`, `-c`, `-e`, index options) or a
 * requirement (PEP 508, URL, or local path) with optional per-requirement options (`--hash=…`).
 */
import { at, diagnostic } from "../../core/evidence.js";
import type { Dependency } from "../../core/app-model.js";
import type { ManifestFacts } from "../facts.js";
import {
  classifyUrl,
  looksLikePath,
  looksLikeUrl,
  nameFromUrl,
  normalizeName,
  parseRequirementSpec,
  redactUrl,
  toDependency,
} from "./pep508.js";

type OptionAction = "requirement" | "constraint" | "editable" | "index" | "find-links" | "ignore";

/**
 * pip's requirements-file options: what each does here, whether it takes a value, and whether pip
 * honours it after a requirement on the same line (only per-requirement options are; the rest are
 * silently dropped there, pypa/pip#7050).
 */
const OPTIONS: { names: string[]; takesValue: boolean; action: OptionAction; perRequirement?: true }[] = [
  { names: ["-r", "--requirement"], takesValue: true, action: "requirement" },
  { names: ["-c", "--constraint"], takesValue: true, action: "constraint" },
  { names: ["-e", "--editable"], takesValue: true, action: "editable" },
  { names: ["-i", "--index-url", "--extra-index-url"], takesValue: true, action: "index" },
  { names: ["-f", "--find-links"], takesValue: true, action: "find-links" },
  { names: ["--no-index", "--pre", "--prefer-binary", "--require-hashes"], takesValue: false, action: "ignore" },
  { names: ["--no-binary", "--only-binary", "--trusted-host", "--use-feature"], takesValue: true, action: "ignore" },
  // They change how a package is built or checked, not which one is installed.
  { names: ["--hash", "--global-option", "--install-option", "--config-settings", "-C"], takesValue: true, action: "ignore", perRequirement: true },
];

const OPTION_BY_NAME = new Map(OPTIONS.flatMap((o) => o.names.map((n) => [n, o] as const)));

interface LogicalLine {
  text: string;
  line: number;
}

/** Parses a pip requirements file (never throws; unreadable lines become warnings). */
export function parseRequirements(text: string, file: string): ManifestFacts {
  const facts: ManifestFacts = { kind: "requirements", dependencies: [], includes: [], indexUrls: [], diagnostics: [] };
  for (const logical of logicalLines(text)) {
    if (logical.text.startsWith("-")) parseOptionLine(logical, file, facts);
    else parseRequirementLine(logical, file, facts);
  }
  return facts;
}

/** pip's preprocessing: join `\` continuations (a comment line ends one), then drop comments and blanks. */
function* logicalLines(text: string): Generator<LogicalLine> {
  const physical = text.replace(/^\ufeff/, "").split("\n");
  let pending: string[] = [];
  let pendingLine = 0;
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i] ?? "";
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const isComment = /^\s*#/.test(line);
    if (line.endsWith("\\") && !isComment) {
      if (pending.length === 0) pendingLine = i + 1;
      pending.push(trimTrailingBackslashes(line));
      continue;
    }
    let joined: string;
    let lineNo: number;
    if (pending.length > 0) {
      pending.push(isComment ? " " + line : line);
      joined = pending.join("");
      lineNo = pendingLine;
      pending = [];
    } else {
      joined = line;
      lineNo = i + 1;
    }
    const cleaned = stripComment(joined).trim();
    if (cleaned !== "") yield { text: cleaned, line: lineNo };
  }
  if (pending.length > 0) {
    const cleaned = stripComment(pending.join("")).trim();
    if (cleaned !== "") yield { text: cleaned, line: pendingLine };
  }
}

/** Cuts at the first `#` that starts the line or follows whitespace (so `…#egg=x` survives). */
function stripComment(line: string): string {
  for (let i = line.indexOf("#"); i >= 0; i = line.indexOf("#", i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1] ?? "")) return line.slice(0, i);
  }
  return line;
}

/** Shell-like split for option lines (pip uses shlex): quotes group, unbalanced quotes run to the end. */
function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? "";
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < s.length) cur += s[++i] ?? "";
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inToken = true;
    } else if (ch === "\\" && i + 1 < s.length) {
      cur += s[++i] ?? "";
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += ch;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

/** Reads options from tokens: `--opt=value`, `--opt value`, `-rvalue`, `-r value`. */
function* readOptions(
  tokens: string[],
): Generator<{ name: string; action: OptionAction | "unknown"; value?: string; perRequirement?: boolean }> {
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] ?? "";
    if (!tok.startsWith("-")) continue;
    let name = tok;
    let value: string | undefined;
    const eq = tok.indexOf("=");
    if (tok.startsWith("--") && eq > 0) {
      name = tok.slice(0, eq);
      value = tok.slice(eq + 1);
    } else if (!tok.startsWith("--") && tok.length > 2) {
      name = tok.slice(0, 2);
      value = tok.slice(2);
    }
    const opt = OPTION_BY_NAME.get(name);
    if (!opt) {
      yield { name, action: "unknown" };
      continue;
    }
    if (opt.takesValue && value === undefined) {
      const next = tokens[i + 1];
      if (next !== undefined) {
        value = next;
        i++;
      }
    }
    const read = { name, action: opt.action, perRequirement: opt.perRequirement === true };
    yield value === undefined ? read : { ...read, value };
  }
}

function parseOptionLine(logical: LogicalLine, file: string, facts: ManifestFacts): void {
  const tokens = shellSplit(logical.text);
  for (const opt of readOptions(tokens)) {
    if (opt.action === "unknown") {
      facts.diagnostics.push(
        diagnostic("info", "requirements-unknown-option", `Option ${safeOptionName(opt.name)} is not one pip reads in a requirements file; ignored`, [
          at(file, logical.line),
        ]),
      );
      continue;
    }
    if (opt.action === "ignore") continue;
    const value = opt.value?.trim() ?? "";
    if (value === "") {
      facts.diagnostics.push(
        diagnostic("warning", "requirements-unparsed-line", `Option ${opt.name} has no value`, [at(file, logical.line)]),
      );
      continue;
    }
    switch (opt.action) {
      case "requirement":
      case "constraint":
        facts.includes.push({ kind: opt.action, path: value, line: logical.line });
        break;
      case "index":
        addIndexUrl(facts, value);
        break;
      case "find-links":
        // Local wheel folders are not package indexes; only remote pages change where packages come from.
        if (looksLikeUrl(value)) addIndexUrl(facts, value);
        break;
      case "editable":
        parseEditable(value, logical.line, file, facts);
        break;
    }
  }
}

/** Option names can be anything in a broken file: show them only when they look like an option. */
function safeOptionName(name: string): string {
  return /^--?[A-Za-z][A-Za-z0-9-]{0,40}$/.test(name) ? name : "(unrecognised)";
}

function addIndexUrl(facts: ManifestFacts, url: string): void {
  const redacted = redactUrl(url);
  if (!facts.indexUrls.includes(redacted)) facts.indexUrls.push(redacted);
}

function parseRequirementLine(logical: LogicalLine, file: string, facts: ManifestFacts): void {
  // pip splits on spaces and treats everything from the first `-`-token on as per-requirement options.
  const tokens = logical.text.replace(/\t/g, " ").split(" ").filter((t) => t !== "");
  const firstOption = tokens.findIndex((t) => t.startsWith("-"));
  const reqText = (firstOption < 0 ? tokens : tokens.slice(0, firstOption)).join(" ").trim();
  if (firstOption >= 0) {
    for (const opt of readOptions(tokens.slice(firstOption))) {
      if (opt.action === "unknown") {
        facts.diagnostics.push(
          diagnostic("info", "requirements-unknown-option", `Option ${safeOptionName(opt.name)} is not a per-requirement option; ignored`, [
            at(file, logical.line),
          ]),
        );
      } else if (!opt.perRequirement) {
        // The classic trap: `torch==2.6.0+cpu --extra-index-url …/whl/cpu` on one line installs nothing
        // from that index, so the +cpu pin fails to resolve at build time.
        facts.diagnostics.push(
          diagnostic(
            "warning",
            "requirements-option-ignored",
            `pip ignores ${opt.name} after a requirement on the same line; put it on a line of its own`,
            [at(file, logical.line)],
          ),
        );
      }
    }
  }
  if (reqText === "") {
    unparsed(facts, file, logical.line, "No requirement before its options");
    return;
  }
  const dep = requirementToDependency(reqText, logical.line, file, facts);
  if (dep) facts.dependencies.push(dep);
}

function parseEditable(value: string, line: number, file: string, facts: ManifestFacts): void {
  const dep = referenceToDependency(value, line, file, facts);
  if (dep) facts.dependencies.push(dep);
}

function requirementToDependency(reqText: string, line: number, file: string, facts: ManifestFacts): Dependency | null {
  // Only the first token decides: a marker may contain `/` too.
  const firstToken = reqText.split(/[\s;]/)[0] ?? "";
  if (looksLikeUrl(reqText) || (!isDirectReference(reqText) && looksLikePath(firstToken))) {
    return referenceToDependency(reqText, line, file, facts);
  }
  const req = parseRequirementSpec(reqText);
  if (!req) {
    unparsed(facts, file, line, "Not a requirement pip can read");
    return null;
  }
  return toDependency(req, file, line, "main");
}

/** A bare URL, VCS reference or local path, optionally followed by `; marker` and (paths) `[extras]`. */
function referenceToDependency(text: string, line: number, file: string, facts: ManifestFacts): Dependency | null {
  let ref = text.trim();
  let marker: string | undefined;
  // A URL may itself contain `;`, so pip only splits on a `;` next to whitespace.
  const markerAt = ref.search(/\s;|;\s/);
  if (markerAt >= 0) {
    const semi = ref.indexOf(";", markerAt);
    const m = ref.slice(semi + 1).trim();
    if (m !== "") marker = m;
    ref = ref.slice(0, semi).trim();
  }
  let extras: string[] | undefined;
  const open = ref.lastIndexOf("[");
  if (ref.endsWith("]") && open >= 0 && !looksLikeUrl(ref)) {
    extras = ref.slice(open + 1, -1).split(",").map((e) => normalizeName(e.trim())).filter((e) => e !== "");
    ref = ref.slice(0, open);
  }
  if (ref === "") {
    unparsed(facts, file, line, "Empty reference");
    return null;
  }
  const source = classifyUrl(ref);
  const named = nameFromUrl(ref);
  if (!named) {
    if (source === "path") {
      facts.diagnostics.push(
        diagnostic("info", "requirements-local-project", "Installs a local project; its own manifest declares its dependencies", [
          at(file, line),
        ]),
      );
    } else {
      unparsed(facts, file, line, "URL requirement without a package name (#egg= or a wheel/sdist file name)");
    }
    return null;
  }
  const dep: Dependency = {
    name: named.name,
    ecosystem: "pypi",
    source,
    url: redactUrl(ref),
    group: "main",
    evidence: at(file, line, named.guessed ? "name guessed from the URL or path" : undefined),
  };
  if (named.version) {
    dep.pinned = named.version;
    const plus = named.version.indexOf("+");
    if (plus >= 0 && plus < named.version.length - 1) dep.localVersion = named.version.slice(plus + 1);
  }
  const allExtras = [...(named.extras ?? []), ...(extras ?? [])];
  if (allExtras.length > 0) dep.extras = allExtras;
  if (marker !== undefined) dep.marker = marker;
  return dep;
}

/** `name @ …` / `name[extra] @ …` (checked by hand: a regex here backtracks badly on long lines). */
function isDirectReference(s: string): boolean {
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(s);
  if (!name) return false;
  let rest = s.slice(name[0].length).trimStart();
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return false;
    rest = rest.slice(close + 1).trimStart();
  }
  return rest.startsWith("@");
}

function trimTrailingBackslashes(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 92) end--;
  return line.slice(0, end);
}

function unparsed(facts: ManifestFacts, file: string, line: number, why: string): void {
  facts.diagnostics.push(diagnostic("warning", "requirements-unparsed-line", `Line ${line} skipped: ${why}`, [at(file, line)]));
}
