/**
 * Dockerfile parser: a hand-written tokenizer (parser directives, line continuations, comments,
 * heredocs, exec vs shell form) and a reading of the final stage — what the container runs, on
 * which port, from which base image — following `FROM <stage>` chains so inherited settings count.
 */
import type { DeployFile, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import { parseCommand } from "../command.js";
import type { DeployFacts } from "../facts.js";
import {
  commandOfWords,
  emptyFacts,
  guarded,
  healthPathOf,
  looksBinary,
  parseError,
  processFrom,
  stripBom,
  unique,
} from "./common.js";

/** One Dockerfile instruction, continuation lines joined and heredoc bodies set apart. */
export interface DockerInstruction {
  /** Upper-cased keyword: FROM, RUN, CMD… */
  keyword: string;
  /** Everything after the keyword, continuations joined, trimmed. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** Exec form (`CMD ["python", "app.py"]`): the words. */
  json?: string[];
  /** Bodies of `<<EOF` heredocs attached to a RUN/COPY/ADD, in order. */
  heredocs?: string[];
}

interface Problem {
  line: number;
  code: string;
  message: string;
}

const JSON_FORM = new Set(["CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME", "COPY", "ADD"]);
const HEREDOC_FORM = new Set(["RUN", "COPY", "ADD"]);
const KNOWN = new Set([
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
  "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
]);

/** Instructions of a Dockerfile, in order; never throws. */
export function dockerfileInstructions(text: string): DockerInstruction[] {
  try {
    return tokenize(text).instructions;
  } catch {
    return [];
  }
}

/** Heredoc markers (`<<EOF`, `<<-"EOF"`) outside quotes, in order. */
function heredocMarkers(args: string): { name: string; stripTabs: boolean }[] {
  const out: { name: string; stripTabs: boolean }[] = [];
  let quote: string | undefined;
  const marker = /<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/y;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "<" && args[i + 1] === "<") {
      marker.lastIndex = i;
      const m = marker.exec(args);
      if (m) {
        out.push({ name: m[3]!, stripTabs: m[1] === "-" });
        i = marker.lastIndex - 1;
      } else i++;
    }
  }
  return out;
}

function tokenize(input: string): { instructions: DockerInstruction[]; problems: Problem[] } {
  const lines = stripBom(input).split(/\r\n|\n|\r/);
  const instructions: DockerInstruction[] = [];
  const problems: Problem[] = [];

  // Parser directives: only at the very top, before any comment, blank line or instruction.
  let escape = "\\";
  for (const l of lines) {
    const m = /^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$/.exec(l.trim());
    if (!m) break;
    if (m[1]!.toLowerCase() === "escape" && (m[2] === "`" || m[2] === "\\")) escape = m[2];
  }

  // Lazily built indexes (line content → line numbers), so finding a terminator is not a scan per marker.
  let exact: Map<string, number[]> | undefined;
  let tabless: Map<string, number[]> | undefined;
  const index = (key: (l: string) => string): Map<string, number[]> => {
    const m = new Map<string, number[]>();
    lines.forEach((l, idx) => {
      const k = key(l);
      const list = m.get(k);
      if (list) list.push(idx);
      else m.set(k, [idx]);
    });
    return m;
  };
  const findTerminator = (name: string, stripTabs: boolean, after: number): number => {
    const map = stripTabs ? (tabless ??= index((l) => l.replace(/^\t+/, ""))) : (exact ??= index((l) => l));
    const list = map.get(name) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : -1;
  };

  const isSkippable = (l: string): boolean => {
    const t = l.trimStart();
    return t === "" || t.startsWith("#");
  };

  for (let i = 0; i < lines.length; i++) {
    if (isSkippable(lines[i]!)) continue;
    const start = i + 1;
    let buf = "";
    for (;;) {
      const cur = lines[i]!.replace(/[ \t]+$/, "");
      if (cur.endsWith(escape)) {
        buf += cur.slice(0, -1);
        // Comment and empty lines inside a continuation are dropped, as Docker does.
        let j = i + 1;
        while (j < lines.length && isSkippable(lines[j]!)) j++;
        if (j >= lines.length) {
          i = lines.length - 1;
          break;
        }
        i = j;
        continue;
      }
      buf += cur;
      break;
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(buf);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    const ins: DockerInstruction = { keyword, args, line: start };
    if (!KNOWN.has(keyword)) {
      problems.push({ line: start, code: "dockerfile-unknown-instruction", message: `Unknown instruction ${keyword.slice(0, 40)}` });
    }
    if (JSON_FORM.has(keyword) && args.startsWith("[")) {
      try {
        const v: unknown = JSON.parse(args);
        if (Array.isArray(v) && v.every((x) => typeof x === "string")) ins.json = v as string[];
      } catch {
        // Docker runs a non-JSON bracket as a shell command; parseDockerfile warns for CMD/ENTRYPOINT.
      }
    }
    if (HEREDOC_FORM.has(keyword) && args.includes("<<")) {
      const bodies: string[] = [];
      for (const { name, stripTabs } of heredocMarkers(args)) {
        const end = findTerminator(name, stripTabs, i);
        if (end < 0) {
          problems.push({ line: start, code: "dockerfile-unterminated-heredoc", message: `Heredoc <<${name} is never closed` });
          break;
        }
        bodies.push(lines.slice(i + 1, end).map((l) => (stripTabs ? l.replace(/^\t+/, "") : l)).join("\n"));
        i = end;
      }
      if (bodies.length > 0) ins.heredocs = bodies;
    }
    instructions.push(ins);
  }
  return { instructions, problems };
}

// ---------------------------------------------------------------------------------------------
// Variables and words.

type Lookup = (name: string) => string | undefined;

/** Docker-style `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` substitution; reports unresolved names. */
function substitute(s: string, lookup: Lookup): { value: string; unresolved: boolean } {
  let unresolved = false;
  const value = s.replace(
    /\\\$|\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)(?:(:?[-+])([^}]*))?\})/g,
    (whole, plain: string | undefined, braced: string | undefined, op: string | undefined, word: string | undefined) => {
      if (whole === "\\$") return "$";
      const name = (plain ?? braced)!;
      const v = lookup(name);
      const set = op?.startsWith(":") ? v !== undefined && v !== "" : v !== undefined;
      if (op?.endsWith("-")) return set ? v! : (word ?? "");
      if (op?.endsWith("+")) return set ? (word ?? "") : "";
      if (v === undefined) unresolved = true;
      return v ?? "";
    },
  );
  return { value, unresolved };
}

/** Shell-like words with quotes removed (ENV, ARG, EXPOSE, FROM arguments). */
function words(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** `A=1 B="x y"` or the legacy `A 1`: name → value. */
function keyValues(args: string): [string, string][] {
  const ws = words(args);
  if (ws.length === 0) return [];
  if (!ws[0]!.includes("=")) return [[ws[0]!, ws.slice(1).join(" ")]];
  const out: [string, string][] = [];
  for (const w of ws) {
    const eq = w.indexOf("=");
    if (eq > 0) out.push([w.slice(0, eq), w.slice(eq + 1)]);
  }
  return out;
}

/** Python version a base image pins: `python:3.11-slim`, `…/uv:python3.12-bookworm`. */
export function pythonVersionOfImage(image: string): string | undefined {
  const ref = image.trim().replace(/@.*$/, "");
  const colon = ref.lastIndexOf(":");
  if (colon < 0 || ref.lastIndexOf("/") > colon) return undefined;
  const repo = ref.slice(0, colon).toLowerCase();
  const tag = ref.slice(colon + 1);
  const last = repo.slice(repo.lastIndexOf("/") + 1);
  const direct = last === "python" ? /^(\d+\.\d+(?:\.\d+)?)(?![\d.])/.exec(tag) : null;
  if (direct) return direct[1];
  const inTag = /(?:^|[-_])python-?(\d+\.\d+(?:\.\d+)?)(?![\d.])/i.exec(tag);
  return inTag ? inTag[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Stages.

interface Stage {
  name?: string;
  image: string;
  parent?: Stage;
  line: number;
  body: DockerInstruction[];
}

interface Effective {
  cmd?: DockerInstruction;
  entrypoint?: DockerInstruction;
  healthcheck?: DockerInstruction;
  env: Map<string, string>;
  envNames: string[];
  exposed: number[];
  exposeLine?: number;
  workdir?: string;
  user?: string;
}

function effectiveSettings(chain: Stage[], globals: Map<string, string>): Effective {
  const eff: Effective = { env: new Map(), envNames: [], exposed: [] };
  for (const stage of chain) {
    const args = new Map<string, string>();
    const lookup: Lookup = (n) => eff.env.get(n) ?? args.get(n);
    let cmdInherited = true;
    for (const ins of stage.body) {
      switch (ins.keyword) {
        case "ARG":
          for (const w of words(ins.args)) {
            const eq = w.indexOf("=");
            const name = eq > 0 ? w.slice(0, eq) : w;
            const def = eq > 0 ? substitute(w.slice(eq + 1), lookup).value : globals.get(name);
            if (def !== undefined) args.set(name, def);
          }
          break;
        case "ENV":
          for (const [name, raw] of keyValues(ins.args)) {
            eff.env.set(name, substitute(raw, lookup).value);
            eff.envNames.push(name);
          }
          break;
        case "EXPOSE":
          for (const w of words(ins.args)) {
            const m = /^(\d+)(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i.exec(substitute(w, lookup).value);
            const n = m ? Number(m[1]) : NaN;
            if (n >= 1 && n <= 65535 && !eff.exposed.includes(n)) eff.exposed.push(n);
            eff.exposeLine ??= ins.line;
          }
          break;
        case "WORKDIR": {
          const dir = substitute(ins.args, lookup).value.trim();
          if (dir !== "") {
            eff.workdir = dir.startsWith("/") || eff.workdir === undefined ? dir : `${eff.workdir.replace(/\/$/, "")}/${dir}`;
          }
          break;
        }
        case "USER":
          eff.user = substitute(ins.args, lookup).value.trim() || eff.user;
          break;
        case "CMD":
          eff.cmd = ins;
          cmdInherited = false;
          break;
        case "ENTRYPOINT":
          eff.entrypoint = ins;
          // Setting ENTRYPOINT clears a CMD inherited from the parent image.
          if (cmdInherited) eff.cmd = undefined;
          break;
        case "HEALTHCHECK":
          eff.healthcheck = /^NONE$/i.test(ins.args.trim()) ? undefined : ins;
          break;
        default:
          break;
      }
    }
  }
  return eff;
}

/** What the container runs: ENTRYPOINT + CMD, exec forms joined, `sh -c` unwrapped. */
function runCommand(eff: Effective): string | undefined {
  const { entrypoint: ep, cmd } = eff;
  if (ep !== undefined && ep.json === undefined) return ep.args || undefined; // shell-form ENTRYPOINT ignores CMD
  const epWords = ep?.json ?? [];
  if (cmd === undefined) return epWords.length > 0 ? commandOfWords(epWords) : undefined;
  if (epWords.length === 0) return cmd.json ? commandOfWords(cmd.json) : cmd.args || undefined;
  const cmdWords = cmd.json ?? ["/bin/sh", "-c", cmd.args];
  return commandOfWords([...epWords, ...cmdWords]);
}

/** `HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health` → /health */
function healthPathOfInstruction(ins: DockerInstruction): string | undefined {
  const m = /^(?:--\S+\s+)*CMD\s+([\s\S]*)$/i.exec(ins.args.trim());
  if (!m) return undefined;
  const rest = m[1]!.trim();
  let command = rest;
  if (rest.startsWith("[")) {
    try {
      const v: unknown = JSON.parse(rest);
      if (Array.isArray(v)) command = v.map(String).join(" ");
    } catch {
      // shell form after all
    }
  }
  return healthPathOf(command);
}

const MAX_PROBLEMS = 10;

/** Parse a Dockerfile (any name: Dockerfile, Dockerfile.prod, api.Dockerfile). */
export function parseDockerfile(text: string, file: string): DeployFacts {
  return guarded(file, "dockerfile", () => {
    if (looksBinary(text)) return emptyFacts(file, "dockerfile", [parseError(file, `${file} is not a text file`)]);
    const { instructions, problems } = tokenize(text);
    const diagnostics: Diagnostic[] = problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => diagnostic("warning", p.code, `${p.message} in ${file}`, [at(file, p.line)]));

    const globals = new Map<string, string>();
    const stages: Stage[] = [];
    const byName = new Map<string, Stage>();
    for (const ins of instructions) {
      if (ins.keyword === "FROM") {
        const ws = words(ins.args).filter((w) => !w.startsWith("--"));
        const raw = ws[0] ?? "";
        const sub = substitute(raw, (n) => globals.get(n));
        const image = sub.unresolved ? raw : sub.value;
        const name = ws[1]?.toUpperCase() === "AS" ? ws[2] : undefined;
        const parent = byName.get(image.toLowerCase());
        const stage: Stage = { image, line: ins.line, body: [] };
        if (name !== undefined) {
          stage.name = name;
          byName.set(name.toLowerCase(), stage);
        }
        if (parent !== undefined) stage.parent = parent;
        stages.push(stage);
      } else if (stages.length > 0) {
        stages[stages.length - 1]!.body.push(ins);
      } else if (ins.keyword === "ARG") {
        for (const w of words(ins.args)) {
          const eq = w.indexOf("=");
          if (eq > 0) globals.set(w.slice(0, eq), w.slice(eq + 1));
        }
      } else if (KNOWN.has(ins.keyword)) {
        diagnostics.push(parseError(file, `${ins.keyword} before the first FROM in ${file}`, ins.line));
        return emptyFacts(file, "dockerfile", diagnostics);
      }
    }
    const final = stages[stages.length - 1];
    if (final === undefined) {
      diagnostics.push(parseError(file, `${file} has no FROM instruction`, instructions[0]?.line));
      return emptyFacts(file, "dockerfile", diagnostics);
    }

    const chain: Stage[] = [];
    for (let s: Stage | undefined = final; s !== undefined && chain.length <= stages.length; s = s.parent) chain.unshift(s);
    const root = chain[0]!;
    const eff = effectiveSettings(chain, globals);

    const deployFile: DeployFile = { file, kind: "dockerfile", processes: [] };
    if (root.image !== "") deployFile.baseImage = root.image;
    const pythonVersion = pythonVersionOfImage(root.image);
    if (pythonVersion !== undefined) {
      deployFile.pythonVersion = pythonVersion;
      deployFile.pythonVersionLine = root.line;
    }
    if (eff.exposed.length > 0) {
      deployFile.exposedPorts = eff.exposed;
      if (eff.exposeLine !== undefined) deployFile.exposeLine = eff.exposeLine;
    }
    if (eff.envNames.length > 0) deployFile.env = unique(eff.envNames);

    for (const ins of [eff.cmd, eff.entrypoint]) {
      if (ins !== undefined && ins.json === undefined && ins.args.startsWith("[")) {
        diagnostics.push(
          diagnostic(
            "warning",
            "dockerfile-exec-form-invalid",
            `${ins.keyword} in ${file} starts with "[" but is not a JSON array of strings (use double quotes), so Docker runs it as a shell command`,
            [at(file, ins.line)],
          ),
        );
      }
    }

    const command = runCommand(eff);
    if (command !== undefined) {
      const parsed = parseCommand(command);
      let port = parsed.port;
      if (port === undefined && parsed.portFromEnv !== undefined) {
        const v = eff.env.get(parsed.portFromEnv);
        if (v !== undefined && /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535) port = Number(v);
      }
      if (port === undefined && eff.exposed.length === 1) port = eff.exposed[0];
      const source = eff.cmd ?? eff.entrypoint!;
      const notes = [
        eff.entrypoint && eff.cmd ? "ENTRYPOINT + CMD" : eff.entrypoint ? "ENTRYPOINT" : "CMD",
        stages.length > 1 ? `of the final stage${final.name ? ` ${final.name}` : ""}` : "",
        eff.workdir ? `WORKDIR ${eff.workdir}` : "",
        eff.user ? `USER ${eff.user}` : "",
      ].filter((s) => s !== "");
      const opts: { command: string; port?: number; healthPath?: string; healthLine?: number } = { command };
      if (port !== undefined) opts.port = port;
      const health = eff.healthcheck ? healthPathOfInstruction(eff.healthcheck) : undefined;
      if (health !== undefined && eff.healthcheck) {
        opts.healthPath = health;
        opts.healthLine = eff.healthcheck.line;
      }
      deployFile.processes.push(processFrom("web", at(file, source.line, notes.join(", ")), opts));
    }
    return { deployFile, diagnostics };
  });
}
