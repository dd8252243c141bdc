/**
 * Helpers shared by the deploy-file parsers: empty results, the catch-all that keeps parsers total,
 * YAML with line numbers, shell-word joining and health-check URLs.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { Document } from "yaml";
import type {
  DeclaredProcess,
  DeployFileKind,
  Diagnostic,
  Evidence,
} from "../../core/app-model.js";
import { at, diagnostic, lineAt } from "../../core/evidence.js";
import { parseCommand } from "../command.js";
import { redactCommand } from "../secrets.js";
import type { DeployFacts } from "../facts.js";

/** A result with no processes, for a file of `kind`. */
export function emptyFacts(file: string, kind: DeployFileKind, diagnostics: Diagnostic[] = []): DeployFacts {
  return { deployFile: { file, kind, processes: [] }, diagnostics };
}

/** The one diagnostic every parser emits for input it cannot read. */
export function parseError(file: string, message: string, line?: number): Diagnostic {
  return diagnostic("error", "deploy-parse-error", message, [at(file, line)]);
}

/** Runs a parser body and turns any unexpected throw into a parse error, so parsers stay total. */
export function guarded(file: string, kind: DeployFileKind, body: () => DeployFacts): DeployFacts {
  try {
    return body();
  } catch (e) {
    const what = e instanceof Error ? e.name : "error";
    return emptyFacts(file, kind, [parseError(file, `Could not read ${file} (${what})`)]);
  }
}

/** NUL bytes mean a binary file, not a config someone wrote. */
export function looksBinary(text: string): boolean {
  return text.includes("\0");
}

/** Strips a UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A DeclaredProcess with the port its command states (literal, or the default of `${PORT:-8000}`).
 * The command is kept with credentials masked: start commands are shown in reports and diagnostics.
 */
export function processFrom(
  name: string,
  evidence: Evidence,
  opts: { command?: string; port?: number; root?: string; healthPath?: string; healthLine?: number | undefined } = {},
): DeclaredProcess {
  const p: DeclaredProcess = { name, evidence };
  const command = opts.command?.trim();
  if (command) p.command = redactCommand(command);
  const port = opts.port ?? (command ? parseCommand(command).port : undefined);
  if (port !== undefined && Number.isInteger(port)) p.port = port;
  if (opts.root !== undefined && opts.root !== "") p.root = opts.root;
  if (opts.healthPath !== undefined && opts.healthPath !== "") {
    p.healthPath = opts.healthPath;
    if (opts.healthLine !== undefined && opts.healthLine >= 1) p.healthLine = opts.healthLine;
  }
  return p;
}

/** Joins exec-form words into one shell command, quoting only the words that need it. */
export function shellJoin(words: string[]): string {
  return words
    .map((w) => (w === "" ? "''" : /^[\w@%+=:,./${}-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}

const SHELL_PROGRAM = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|dash|ash|zsh)$/;

/** The command string of `["sh", "-c", "…"]`, or undefined when the words are not a shell call. */
function unwrapShell(words: string[]): string | undefined {
  if (words.length >= 3 && SHELL_PROGRAM.test(words[0]!) && /^-[a-z]*c[a-z]*$/.test(words[1]!)) return words[2];
  return undefined;
}

/** Exec-form words as the command a shell would run: `sh -c` unwrapped, other words joined. */
export function commandOfWords(words: string[]): string {
  return unwrapShell(words) ?? shellJoin(words);
}

/** Path of the first http(s) URL in a health-check command (`curl -f http://localhost:8000/api/health`). */
export function healthPathOf(command: string): string | undefined {
  const m = /\bhttps?:\/\/[^\s"'/]+(\/[^\s"'|;&)\]}?#]*)?/.exec(command)
    ?? /\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::[^\s"'/]+)?(\/[^\s"'|;&)\]}?#]*)/.exec(command);
  if (!m) return undefined;
  return m[1] && m[1] !== "" ? m[1] : "/";
}

/** 1-based line of the first `key` (as a JSON/TOML/YAML key) in `text`, at or after line `from`. */
export function lineOfKey(text: string, key: string, from = 1): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(^|[\\s{,"'])${escaped}["']?\\s*[:=]`, "mg");
  let offset = 0;
  for (let line = 1; line < from && offset >= 0; line++) {
    const nl = text.indexOf("\n", offset);
    offset = nl < 0 ? -1 : nl + 1;
  }
  if (offset < 0) return undefined;
  re.lastIndex = offset;
  const m = re.exec(text);
  return m ? lineAt(text, m.index + m[1]!.length) : undefined;
}

/** Relative directory as written, without `./` prefixes or trailing slashes; `.` for the root. */
export function normDir(p: string): string {
  let r = p.trim();
  while (r.startsWith("./")) r = r.slice(2);
  while (r.length > 1 && r.endsWith("/")) r = r.slice(0, -1);
  return r === "" ? "." : r;
}

/** Names in first-seen order, each once. */
export function unique(names: Iterable<string>): string[] {
  return [...new Set(names)];
}

export { datastoreDeclared, datastoreOfImage, declaredDatastoreKind } from "./datastores.js";

export interface ParsedYaml {
  doc: Document;
  value: unknown;
  lines: LineCounter;
}

/** Parses YAML with line numbers; errors become `deploy-parse-error` diagnostics and no value. */
export function parseYaml(text: string, file: string): { yaml?: ParsedYaml; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lines.linePos(first.pos[0]).line;
    const message = first.message.split("\n")[0] ?? first.code;
    return { diagnostics: [parseError(file, `Invalid YAML in ${file}: ${message}`, line)] };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  return { yaml: { doc, value, lines }, diagnostics: [] };
}

/**
 * The top-level mapping of a YAML deploy file (compose, render); or, when it has none (binary,
 * invalid YAML, empty, not a mapping), the facts to return for the file instead.
 */
export function yamlMapping(
  text: string,
  file: string,
  kind: DeployFileKind,
): { yaml: ParsedYaml; root: Record<string, unknown>; diagnostics: Diagnostic[] } | { facts: DeployFacts } {
  if (looksBinary(text)) return { facts: emptyFacts(file, kind, [parseError(file, `${file} is not a text file`)]) };
  const { yaml, diagnostics } = parseYaml(text, file);
  if (yaml === undefined) return { facts: emptyFacts(file, kind, diagnostics) };
  const root = yaml.value;
  if (root === null || root === undefined) return { facts: emptyFacts(file, kind, diagnostics) };
  if (!isRecord(root)) return { facts: emptyFacts(file, kind, [parseError(file, `${file} must hold a mapping at the top level`, 1)]) };
  return { yaml, root, diagnostics };
}

/** Line of the key (or sequence item) at `path` in a YAML document. */
export function yamlLine(y: ParsedYaml, path: (string | number)[]): number | undefined {
  let node: unknown = y.doc.contents;
  let offset: number | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const k = pair.key as { range?: [number, number, number] };
      offset = k.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : y.lines.linePos(offset).line;
}

/** The scalar as written in the source (`python_version: 3.10` is the number 3.1 once parsed). */
export function yamlSource(y: ParsedYaml, path: (string | number)[]): string | undefined {
  const node = y.doc.getIn(path, true);
  if (!isScalar(node)) return undefined;
  const src = (node as { source?: unknown }).source;
  if (typeof src === "string" && node.type === "PLAIN") return src;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A string, or a number as text; undefined for anything else. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : undefined;
}

/** A JSON.parse failure's line, from "at position N" or "(line N column M)". */
function jsonErrorLine(text: string, err: unknown): number | undefined {
  const msg = err instanceof Error ? err.message : "";
  const lineCol = /line (\d+) column \d+/.exec(msg);
  if (lineCol) return Number(lineCol[1]);
  const pos = /position (\d+)/.exec(msg);
  return pos ? lineAt(text, Number(pos[1])) : undefined;
}

/** JSON.parse without throwing; the error becomes a `deploy-parse-error`. */
export function parseJson(text: string, file: string): { value?: unknown; diagnostics: Diagnostic[] } {
  try {
    return { value: JSON.parse(stripBom(text)) as unknown, diagnostics: [] };
  } catch (e) {
    // V8's message quotes the input, which may hold a secret: keep only the position.
    const line = jsonErrorLine(stripBom(text), e);
    return { diagnostics: [parseError(file, `Invalid JSON in ${file}${line ? ` at line ${line}` : ""}`, line)] };
  }
}

/** TOML parse without throwing; the error (with its line) becomes a `deploy-parse-error`. */
export function parseTomlText(text: string, file: string): { value?: unknown; diagnostics: Diagnostic[] } {
  try {
    return { value: parseToml(text), diagnostics: [] };
  } catch (e) {
    const line = e instanceof TomlError ? e.line : undefined;
    // Only the first line: the rest of smol-toml's message quotes the source.
    const msg = e instanceof Error ? (e.message.split("\n")[0] ?? "") : "";
    return { diagnostics: [parseError(file, `Invalid TOML in ${file}: ${msg}`, line)] };
  }
}
