/**
 * Start-command parser: reads a shell-ish command as written in a Procfile, a Dockerfile CMD, a
 * platform config or a package.json script, and tells which server runs it, with which app entry,
 * port, host and worker settings. Pure and total: it never throws; an unknown command gives `{}`
 * (plus the script or module when one is recognisable).
 *
 * Only what the command states is reported: server defaults (gunicorn binding 127.0.0.1:8000 without
 * `-b`, WEB_CONCURRENCY read implicitly) are left to the caller, which knows the server versions.
 */
import type { ServerKind } from "../core/app-model.js";
import type { CommandFacts } from "./facts.js";

type ServerFacts = NonNullable<CommandFacts["server"]>;

/** CommandFacts plus details that have no AppModel field yet but that later stages may want. */
export interface ParsedCommand extends CommandFacts {
  /** gunicorn/hypercorn `-c FILE`: settings in that file (workers, bind) may override the command. */
  configFile?: string;
  /** A unix socket the server binds instead of a TCP port. */
  socket?: string;
  /** uvicorn --factory / waitress --call: the entry is a function that returns the app. */
  factory?: boolean;
  /** Subcommand of a multi-command tool: celery worker|beat, next start|dev, vite preview|dev, fastapi run. */
  subcommand?: string;
  /** Variables set for the command (`PYTHONUNBUFFERED=1 gunicorn …`, `export A=1 && …`): names only. */
  envNames?: string[];
}

/** Parse a start command; never throws. */
export function parseCommand(command: string): ParsedCommand {
  try {
    if (typeof command !== "string") return {};
    return finish(analyzeCommand(command, 0, new Map()));
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Shell tokenizer: words (quotes removed, `$VAR` kept as written) and operators.

interface Token {
  op: boolean;
  text: string;
}

/** Index just past the bracket that closes the one at `open`, or the end of the input. */
function skipBalanced(s: string, open: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i + 1;
  }
  return s.length;
}

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let word = "";
  let inWord = false;
  const push = (): void => {
    if (inWord) out.push({ op: false, text: word });
    word = "";
    inWord = false;
  };
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") {
      push();
      i++;
    } else if (c === "\n") {
      push();
      out.push({ op: true, text: ";" });
      i++;
    } else if (c === "#" && !inWord) {
      while (i < n && input[i] !== "\n") i++;
    } else if (c === "\\") {
      if (input[i + 1] === "\n") i += 2;
      else {
        if (i + 1 < n) word += input[i + 1];
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      const stop = end < 0 ? n : end;
      word += input.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      while (i < n && input[i] !== '"') {
        const d = input[i]!;
        if (d === "\\" && i + 1 < n && '"\\$`\n'.includes(input[i + 1]!)) {
          if (input[i + 1] !== "\n") word += input[i + 1];
          i += 2;
        } else if (d === "$" && input[i + 1] === "(") {
          const end = skipBalanced(input, i + 1, "(", ")");
          word += input.slice(i, end);
          i = end;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "$" && (input[i + 1] === "(" || input[i + 1] === "{")) {
      const open = input[i + 1]!;
      const end = skipBalanced(input, i + 1, open, open === "(" ? ")" : "}");
      word += input.slice(i, end);
      inWord = true;
      i = end;
    } else if (c === "`") {
      const end = input.indexOf("`", i + 1);
      const stop = end < 0 ? n : end + 1;
      word += input.slice(i, stop);
      inWord = true;
      i = stop;
    } else if (c === ">" || c === "<") {
      if (inWord && /^\d+$/.test(word)) {
        word = "";
        inWord = false; // a file-descriptor number (2>&1)
      }
      push();
      let j = i + 1;
      if (input[j] === c) j++;
      if (input[j] === "&") j++;
      out.push({ op: true, text: ">" });
      i = j;
    } else if (c === "&" || c === "|" || c === ";" || c === "(" || c === ")") {
      push();
      const two = input.slice(i, i + 2);
      if (two === "&&" || two === "||" || two === ";;") {
        out.push({ op: true, text: two });
        i += 2;
      } else if (two === "&>") {
        out.push({ op: true, text: ">" });
        i += input[i + 2] === ">" ? 3 : 2;
      } else {
        out.push({ op: true, text: c });
        i++;
      }
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  push();
  return out;
}

interface Segment {
  words: string[];
  /** Runs on the right of a pipe: its output is not the process that serves. */
  piped: boolean;
}

function segmentsOf(tokens: Token[]): Segment[] {
  const segs: Segment[] = [];
  let cur: string[] = [];
  let piped = false;
  let skipTarget = false;
  for (const t of tokens) {
    if (!t.op) {
      if (skipTarget) skipTarget = false;
      else cur.push(t.text);
      continue;
    }
    if (t.text === ">") {
      skipTarget = true;
      continue;
    }
    if (t.text === "(" || t.text === ")") continue;
    if (cur.length > 0) segs.push({ words: cur, piped });
    cur = [];
    piped = t.text === "|";
  }
  if (cur.length > 0) segs.push({ words: cur, piped });
  return segs;
}

// ---------------------------------------------------------------------------------------------
// Values: ports, hosts, counts.

const VAR_REF = /^\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)(?:(:?[-=+?])([^}]*))?\})$/;

/** A literal, or a `$VAR` / `${VAR:-default}` reference (the default counts as the literal). */
function valueOf(raw: string): { literal?: string; env?: string } {
  const v = raw.trim();
  if (!v.includes("$")) return { literal: v };
  const m = VAR_REF.exec(v);
  if (!m) return {};
  const r: { literal?: string; env?: string } = { env: (m[1] ?? m[2])! };
  const op = m[3];
  if (op !== undefined && (op.endsWith("-") || op.endsWith("=")) && !(m[4] ?? "").includes("$")) {
    r.literal = (m[4] ?? "").trim();
  }
  return r;
}

function asPort(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function asCount(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,6}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 ? n : undefined;
}

function applyPort(f: ParsedCommand, raw: string | undefined): void {
  if (raw === undefined) return;
  const v = valueOf(raw);
  const port = asPort(v.literal);
  if (v.env === undefined && port === undefined) return;
  if (v.env !== undefined) f.portFromEnv = v.env;
  else delete f.portFromEnv;
  if (port !== undefined) f.port = port;
  else delete f.port;
}

function applyHost(f: ParsedCommand, raw: string | undefined): void {
  if (raw === undefined) return;
  const lit = valueOf(raw).literal;
  if (lit === undefined || lit === "" || lit.startsWith("-")) return;
  f.host = lit === "*" ? "0.0.0.0" : lit;
}

/** Index of the last `:` outside `${…}`, so `0.0.0.0:${PORT:-8000}` splits in the right place. */
export function lastColon(s: string): number {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "{") depth++;
    else if (ch === "}") depth = Math.max(0, depth - 1);
    else if (ch === ":" && depth === 0) at = i;
  }
  return at;
}

/** `HOST:PORT`, `:PORT`, `[::]:PORT`, `unix:/path`; returns false when it was not a TCP address. */
function applyBind(f: ParsedCommand, raw: string): boolean {
  let v = raw.trim();
  if (v.startsWith("unix:") || v.startsWith("unix://")) {
    if (f.socket === undefined) f.socket = v.replace(/^unix:(\/\/)?/, "");
    return false;
  }
  if (v.startsWith("fd://")) return false;
  v = v.replace(/^(tcp|https?):\/\//, "");
  let host: string;
  let port: string | undefined;
  if (v.startsWith("[")) {
    const close = v.indexOf("]");
    if (close < 0) return false;
    host = v.slice(1, close);
    const rest = v.slice(close + 1);
    port = rest.startsWith(":") ? rest.slice(1) : undefined;
  } else {
    const colon = lastColon(v);
    if (colon < 0) {
      host = v;
      port = undefined;
    } else {
      host = v.slice(0, colon);
      port = v.slice(colon + 1);
    }
  }
  // An empty host or `*` means every interface.
  if (host === "" || host === "*") f.host = "0.0.0.0";
  else applyHost(f, host);
  if (port !== undefined) applyPort(f, port);
  return true;
}

function applyCount(server: ServerFacts, key: "workers" | "threads", raw: string | undefined): void {
  if (raw === undefined) return;
  const v = valueOf(raw);
  const n = asCount(v.literal);
  if (n !== undefined) server[key] = n;
  if (key === "workers" && v.env !== undefined) server.workersFromEnv = v.env;
}

// ---------------------------------------------------------------------------------------------
// Option scanning shared by every server.

interface ArgSpec {
  /** Options that take a value, by spelling → canonical key. */
  values: Record<string, string>;
  /** Boolean options, by spelling → canonical key. */
  flags?: Record<string, string>;
  /** Options whose value is optional (vite --host). */
  optional?: Record<string, string>;
  /** Whether an unknown `--opt` (without `=`) swallows the next word; default true. */
  unknownTakesValue?: boolean;
}

interface Scanned {
  values: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
  /** Words after `--`. */
  rest: string[];
}

/** Own-property lookup, so a word like `constructor` is never mistaken for a table entry. */
function lookup<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** `opt("port", "-p", "--port")` → { "-p": "port", "--port": "port" }. */
function opt(key: string, ...names: string[]): Record<string, string> {
  const r: Record<string, string> = {};
  for (const n of names) r[n] = key;
  return r;
}

/** Value-taking options whose value does not matter here, so it is not mistaken for a positional. */
function ignored(...names: string[]): Record<string, string> {
  return opt("_", ...names);
}

function scanArgs(args: string[], spec: ArgSpec, keepPositional?: (w: string) => boolean): Scanned {
  const s: Scanned = { values: new Map(), flags: new Set(), positionals: [], rest: [] };
  const add = (k: string, v: string | undefined): void => {
    if (v === undefined) return;
    const list = s.values.get(k);
    if (list) list.push(v);
    else s.values.set(k, [v]);
  };
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    if (t === "--") {
      s.rest = args.slice(i + 1);
      break;
    }
    if (t.startsWith("--") && t.length > 2) {
      const eq = t.indexOf("=");
      const name = eq > 0 ? t.slice(0, eq) : t;
      const key = lookup(spec.values, name);
      const optKey = lookup(spec.optional, name);
      if (key !== undefined) add(key, eq > 0 ? t.slice(eq + 1) : args[++i]);
      else if (optKey !== undefined) {
        if (eq > 0) add(optKey, t.slice(eq + 1));
        else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith("-")) add(optKey, args[++i]);
        else add(optKey, "");
      } else if (lookup(spec.flags, name) !== undefined) s.flags.add(lookup(spec.flags, name)!);
      else if (eq < 0 && spec.unknownTakesValue !== false) {
        // Unknown long option: assume it takes a value unless the next word is clearly the app.
        const next = args[i + 1];
        if (next !== undefined && !next.startsWith("-") && !(keepPositional?.(next) ?? false)) i++;
      }
      continue;
    }
    if (t.startsWith("-") && t.length >= 2 && !/^-\d/.test(t)) {
      const name = t.slice(0, 2);
      const key = lookup(spec.values, t) ?? lookup(spec.values, name);
      if (key !== undefined) {
        if (lookup(spec.values, t) !== undefined || t.length === 2) add(key, args[++i]);
        else add(key, t.slice(2).replace(/^=/, ""));
      } else if (lookup(spec.optional, t) !== undefined) {
        const k = lookup(spec.optional, t)!;
        if (args[i + 1] !== undefined && !args[i + 1]!.startsWith("-")) add(k, args[++i]);
        else add(k, "");
      } else if (lookup(spec.flags, t) !== undefined) s.flags.add(lookup(spec.flags, t)!);
      else {
        // Bundled short flags (-uB): record the ones known.
        for (const ch of t.slice(1)) {
          const f = lookup(spec.flags, `-${ch}`);
          if (f !== undefined) s.flags.add(f);
        }
      }
      continue;
    }
    s.positionals.push(t);
  }
  return s;
}

function last(s: Scanned, key: string): string | undefined {
  const l = s.values.get(key);
  return l === undefined ? undefined : l[l.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Per-command analysis.

/** How much a segment looks like "the process that serves"; the highest (then the last) wins. */
const RANK = { trivial: 0, other: 1, script: 2, worker: 3, server: 4 } as const;

interface State {
  depth: number;
  /** Variables set by prefixes or earlier `export`s: name → value (values stay internal). */
  env: Map<string, string>;
  envNames: string[];
  /** Directory changes made by the command's own options (--chdir, --prefix, --cwd…). */
  cwd: string[];
}

interface Analysis {
  facts: ParsedCommand;
  rank: number;
  cwd: string[];
  envNames: string[];
}

type Handler = (args: string[], st: State) => { facts: ParsedCommand; rank: number };

const ASSIGNMENT = /^([A-Za-z_]\w*)=(.*)$/s;

/** Facts whose `server` is known to be set, so handlers can fill it in without checks. */
type WithServer = ParsedCommand & { server: ServerFacts };

function withServer(kind: ServerKind, f: ParsedCommand = {}): WithServer {
  return { ...f, server: { kind } };
}

/** `./app.py` → `app.py`; other paths as written. */
function normPath(p: string): string {
  let r = p;
  while (r.startsWith("./")) r = r.slice(2);
  return r === "" ? p : r;
}

/** Basename used to recognise a program: `/usr/local/bin/gunicorn` → gunicorn, `python3.11` → python. */
function programName(word: string): string {
  const slash = word.lastIndexOf("/");
  let b = slash >= 0 ? word.slice(slash + 1) : word;
  b = b.replace(/\.exe$/i, "");
  if (/^python(\d+(\.\d+)*)?w?$/.test(b)) return "python";
  return b;
}

/** module:object, module:create_app(), package.module:app.server */
const APP_SPEC = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(.*\))?$/s;
const MODULE = /^[A-Za-z_][\w.]*$/;
const isAppSpec = (w: string): boolean => APP_SPEC.test(w);

/** Reads `--port`, `--host`, `-p` from a script's own arguments (argparse conventions). */
function sniffScriptArgs(args: string[], f: ParsedCommand): void {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    const port = /^--(?:server[-_.]?)?port(?:=(.*))?$/s.exec(t);
    if (port) {
      applyPort(f, port[1] ?? args[++i]);
      continue;
    }
    const host = /^--(?:host|server[-_.]?(?:host|address|name))(?:=(.*))?$/s.exec(t);
    if (host) {
      applyHost(f, host[1] ?? args[++i]);
      continue;
    }
    if (t === "-p" && args[i + 1] !== undefined) {
      const v = valueOf(args[i + 1]!);
      if (asPort(v.literal) !== undefined || v.env !== undefined) applyPort(f, args[++i]);
    }
  }
}

const GUNICORN: ArgSpec = {
  values: {
    ...opt("bind", "-b", "--bind"),
    ...opt("workers", "-w", "--workers"),
    ...opt("threads", "--threads"),
    ...opt("workerClass", "-k", "--worker-class"),
    ...opt("timeout", "-t", "--timeout"),
    ...opt("config", "-c", "--config"),
    ...opt("chdir", "--chdir"),
    ...ignored(
      "--backlog", "--worker-connections", "--max-requests", "--max-requests-jitter", "--graceful-timeout",
      "--keep-alive", "--limit-request-line", "--limit-request-fields", "--limit-request-field_size",
      "--reload-engine", "--reload-extra-file", "-e", "--env", "-p", "--pid", "--worker-tmp-dir", "-u", "--user",
      "-g", "--group", "-m", "--umask", "--forwarded-allow-ips", "--access-logfile", "--access-logformat",
      "--error-logfile", "--log-file", "--log-level", "--logger-class", "--log-config", "--log-config-json",
      "--log-config-dict", "--log-syslog-to", "--log-syslog-prefix", "--log-syslog-facility", "--statsd-host",
      "--dogstatsd-tags", "--statsd-prefix", "-n", "--name", "--pythonpath", "--paste", "--paste-global",
      "--proxy-allow-from", "--keyfile", "--certfile", "--ssl-version", "--cert-reqs", "--ca-certs", "--ciphers",
      "--permit-unconventional-http-method", "--header-map", "--forwarder-headers",
    ),
  },
  flags: {
    ...opt("preload", "--preload"),
    ...opt("_", "--reload", "-D", "--daemon", "--spew", "--check-config", "--print-config", "--no-sendfile",
      "--reuse-port", "--initgroups", "--capture-output", "--log-syslog", "-R", "--enable-stdio-inheritance",
      "--proxy-protocol", "--suppress-ragged-eofs", "--do-handshake-on-connect", "--strip-header-spaces",
      "--disable-redirect-access-to-syslog"),
  },
};

function gunicorn(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, GUNICORN, isAppSpec);
  const f = withServer("gunicorn");
  const srv = f.server;
  for (const b of s.values.get("bind") ?? []) if (applyBind(f, b)) break;
  applyCount(srv, "workers", last(s, "workers"));
  applyCount(srv, "threads", last(s, "threads"));
  const wc = valueOf(last(s, "workerClass") ?? "").literal;
  if (wc) srv.workerClass = wc;
  if (s.flags.has("preload")) srv.preload = true;
  const timeout = valueOf(last(s, "timeout") ?? "").literal;
  if (timeout && /^\d+(\.\d+)?$/.test(timeout)) srv.timeoutSeconds = Number(timeout);
  const config = last(s, "config");
  if (config) f.configFile = config;
  const chdir = last(s, "chdir");
  if (chdir) st.cwd.push(chdir);
  const app = s.positionals.find(isAppSpec) ?? s.positionals.find((p) => MODULE.test(p));
  // gunicorn's default variable name is `application` (Django's wsgi.py).
  if (app !== undefined) f.entry = app.includes(":") ? app : `${app}:application`;
  return { facts: f, rank: RANK.server };
}

const UVICORN: ArgSpec = {
  values: {
    ...opt("host", "--host"),
    ...opt("port", "--port"),
    ...opt("uds", "--uds"),
    ...opt("workers", "--workers"),
    ...opt("appDir", "--app-dir"),
    ...ignored(
      "--fd", "--loop", "--http", "--ws", "--ws-max-size", "--ws-max-queue", "--ws-ping-interval",
      "--ws-ping-timeout", "--ws-per-message-deflate", "--lifespan", "--interface", "--env-file", "--log-config",
      "--log-level", "--root-path", "--limit-concurrency", "--backlog", "--limit-max-requests",
      "--timeout-keep-alive", "--timeout-graceful-shutdown", "--ssl-keyfile", "--ssl-certfile",
      "--ssl-keyfile-password", "--ssl-version", "--ssl-cert-reqs", "--ssl-ca-certs", "--ssl-ciphers", "--header",
      "--h11-max-incomplete-event-size", "--forwarded-allow-ips", "--reload-dir", "--reload-include",
      "--reload-exclude", "--reload-delay",
    ),
  },
  flags: {
    ...opt("factory", "--factory"),
    ...opt("_", "--reload", "--proxy-headers", "--no-proxy-headers", "--access-log", "--no-access-log",
      "--use-colors", "--no-use-colors", "--server-header", "--no-server-header", "--date-header",
      "--no-date-header"),
  },
};

function uvicorn(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, UVICORN, isAppSpec);
  const f = withServer("uvicorn");
  applyHost(f, last(s, "host"));
  applyPort(f, last(s, "port"));
  const uds = last(s, "uds");
  if (uds) f.socket = uds;
  applyCount(f.server, "workers", last(s, "workers"));
  if (s.flags.has("factory")) f.factory = true;
  const appDir = last(s, "appDir");
  if (appDir) st.cwd.push(appDir);
  const app = s.positionals.find(isAppSpec) ?? s.positionals[0];
  if (app !== undefined) f.entry = app;
  return { facts: f, rank: RANK.server };
}

const FASTAPI: ArgSpec = {
  values: {
    ...opt("host", "--host"),
    ...opt("port", "--port"),
    ...opt("workers", "--workers"),
    ...opt("entrypoint", "--entrypoint", "-e"),
    ...ignored("--app", "--root-path", "--forwarded-allow-ips"),
  },
  flags: opt("_", "--reload", "--no-reload", "--proxy-headers", "--no-proxy-headers"),
};

/** `fastapi run main.py` (fastapi-cli) serves with uvicorn. */
function fastapi(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, FASTAPI);
  const sub = s.positionals[0];
  if (sub !== "run" && sub !== "dev") return { facts: {}, rank: RANK.other };
  const f = withServer("uvicorn", { subcommand: sub });
  applyHost(f, last(s, "host"));
  applyPort(f, last(s, "port"));
  applyCount(f.server, "workers", last(s, "workers"));
  const path = s.positionals[1];
  if (path !== undefined) f.script = normPath(path);
  const ep = last(s, "entrypoint");
  if (ep !== undefined) f.entry = ep;
  else if (path !== undefined) f.entry = normPath(path);
  return { facts: f, rank: RANK.server };
}

const HYPERCORN: ArgSpec = {
  values: {
    ...opt("bind", "-b", "--bind"),
    ...opt("workers", "-w", "--workers"),
    ...opt("workerClass", "-k", "--worker-class"),
    ...opt("config", "-c", "--config"),
    ...ignored(
      "--insecure-bind", "--quic-bind", "--access-logfile", "--error-logfile", "--log-file", "--log-level",
      "--access-log-format", "-p", "--pid", "--root-path", "--keep-alive", "--graceful-timeout", "--certfile",
      "--keyfile", "--ca-certs", "--ciphers", "-u", "--user", "-g", "--group", "--backlog", "--read-timeout",
      "--max-requests", "--max-requests-jitter", "-m", "--umask", "--server-name", "--websocket-ping-interval",
      "--statsd-host", "--statsd-prefix", "--log-config", "--verify-mode",
    ),
  },
  flags: opt("_", "--debug", "--reload"),
};

function hypercorn(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, HYPERCORN, isAppSpec);
  const f = withServer("hypercorn");
  const srv = f.server;
  for (const b of s.values.get("bind") ?? []) if (applyBind(f, b)) break;
  applyCount(srv, "workers", last(s, "workers"));
  const wc = valueOf(last(s, "workerClass") ?? "").literal;
  if (wc) srv.workerClass = wc;
  const config = last(s, "config");
  if (config) f.configFile = config;
  const app = s.positionals.find(isAppSpec) ?? s.positionals[0];
  if (app !== undefined) f.entry = app;
  return { facts: f, rank: RANK.server };
}

const DAPHNE: ArgSpec = {
  values: {
    ...opt("host", "-b", "--bind"),
    ...opt("port", "-p", "--port"),
    ...opt("uds", "-u", "--unix-socket"),
    ...opt("endpoint", "-e", "--endpoint"),
    ...ignored(
      "--fd", "-v", "--verbosity", "-t", "--http-timeout", "--access-log", "--log-fmt", "--ping-interval",
      "--ping-timeout", "--application-close-timeout", "--websocket_timeout", "--websocket_connect_timeout",
      "--root-path", "--proxy-headers-host", "--proxy-headers-port", "--server-name", "-s",
    ),
  },
  flags: opt("_", "--proxy-headers", "--no-server-name"),
};

function daphne(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, DAPHNE, isAppSpec);
  const f = withServer("daphne");
  applyHost(f, last(s, "host"));
  applyPort(f, last(s, "port"));
  const uds = last(s, "uds");
  if (uds) f.socket = uds;
  for (const e of s.values.get("endpoint") ?? []) {
    // Twisted endpoint: tcp:port=8000:interface=0.0.0.0
    const port = /(?:^|:)port=([^:]+)/.exec(e);
    const iface = /(?:^|:)interface=([^:]+)/.exec(e);
    if (port) applyPort(f, port[1]);
    if (iface) applyHost(f, iface[1]);
  }
  const app = s.positionals.find(isAppSpec) ?? s.positionals[0];
  if (app !== undefined) f.entry = app;
  return { facts: f, rank: RANK.server };
}

const WAITRESS: ArgSpec = {
  values: {
    ...opt("listen", "--listen"),
    ...opt("host", "--host"),
    ...opt("port", "--port"),
    ...opt("threads", "--threads"),
    ...opt("uds", "--unix-socket"),
    ...ignored(
      "--unix-socket-perms", "--url-scheme", "--url-prefix", "--ident", "--backlog", "--recv-bytes", "--send-bytes",
      "--outbuf-overflow", "--outbuf-high-watermark", "--inbuf-overflow", "--connection-limit",
      "--cleanup-interval", "--channel-timeout", "--max-request-header-size", "--max-request-body-size",
      "--asyncore-loop-timeout", "--trusted-proxy", "--trusted-proxy-count", "--trusted-proxy-headers",
    ),
  },
  flags: {
    ...opt("factory", "--call"),
    ...opt("_", "--asyncore-use-poll", "--expose-tracebacks", "--no-expose-tracebacks", "--ipv4", "--no-ipv4",
      "--ipv6", "--no-ipv6", "--log-untrusted-proxy-headers", "--clear-untrusted-proxy-headers"),
  },
};

function waitress(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, WAITRESS, isAppSpec);
  const f = withServer("waitress");
  applyHost(f, last(s, "host"));
  applyPort(f, last(s, "port"));
  for (const l of s.values.get("listen") ?? []) if (applyBind(f, l)) break;
  applyCount(f.server, "threads", last(s, "threads"));
  const uds = last(s, "uds");
  if (uds) f.socket = uds;
  if (s.flags.has("factory")) f.factory = true;
  const app = s.positionals.find(isAppSpec) ?? s.positionals[0];
  if (app !== undefined) f.entry = app;
  return { facts: f, rank: RANK.server };
}

const CELERY_SUBCOMMANDS = new Set([
  "worker", "beat", "flower", "events", "inspect", "control", "status", "call", "purge", "result", "migrate",
  "multi", "shell", "upgrade", "graph", "list", "logtool", "amqp", "report",
]);

const CELERY: ArgSpec = {
  values: {
    ...opt("app", "-A", "--app"),
    ...opt("concurrency", "-c", "--concurrency"),
    ...opt("pool", "-P", "--pool"),
    ...opt("autoscale", "--autoscale"),
    ...opt("workdir", "--workdir"),
    ...ignored(
      "-b", "--broker", "--result-backend", "--loader", "--config", "-l", "--loglevel", "-Q", "--queues", "-X",
      "--exclude-queues", "-n", "--hostname", "-f", "--logfile", "--pidfile", "-s", "--schedule-filename",
      "--schedule", "-S", "--scheduler", "--max-tasks-per-child", "--max-memory-per-child",
      "--prefetch-multiplier", "--time-limit", "--soft-time-limit", "--statedb", "--uid", "--gid", "-I",
      "--include", "--heartbeat-interval", "--max-interval", "--port", "--address", "--broker-api",
      "--basic-auth", "--url-prefix", "-O", "--optimization",
    ),
  },
  flags: opt("_", "-D", "--detach", "-E", "--task-events", "-B", "--beat", "--without-gossip", "--without-mingle",
    "--without-heartbeat", "--purge", "--discard", "-q", "--quiet", "-C", "--no-color", "--skip-checks"),
};

function celery(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, CELERY, (w) => CELERY_SUBCOMMANDS.has(w));
  const f = withServer("celery");
  const srv = f.server;
  const sub = s.positionals.find((p) => CELERY_SUBCOMMANDS.has(p)) ?? s.positionals[0];
  if (sub !== undefined) f.subcommand = sub;
  const app = last(s, "app");
  if (app !== undefined && valueOf(app).literal) f.entry = app;
  applyCount(srv, "workers", last(s, "concurrency"));
  const auto = /^(\d+)(?:,\d+)?$/.exec(last(s, "autoscale") ?? "");
  // --autoscale=MAX,MIN: the pool can grow to MAX processes, which is what memory must allow for.
  if (auto && srv.workers === undefined) {
    const n = asCount(auto[1]);
    if (n !== undefined) srv.workers = n;
  }
  const pool = valueOf(last(s, "pool") ?? "").literal;
  if (pool) srv.pool = pool;
  const workdir = last(s, "workdir");
  if (workdir) st.cwd.push(workdir);
  return { facts: f, rank: sub === undefined || sub === "worker" || sub === "beat" ? RANK.worker : RANK.other };
}

const FLASK: ArgSpec = {
  values: {
    ...opt("app", "-A", "--app"),
    ...opt("host", "-h", "--host"),
    ...opt("port", "-p", "--port"),
    ...ignored("-e", "--env-file", "--cert", "--key", "--extra-files", "--exclude-patterns"),
  },
  flags: opt("_", "--debug", "--no-debug", "--reload", "--no-reload", "--debugger", "--no-debugger",
    "--with-threads", "--without-threads", "--eager-loading", "--lazy-loading"),
};

function flask(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, FLASK);
  if (s.positionals[0] !== "run") return { facts: {}, rank: RANK.other };
  const f = withServer("flask-dev");
  const app = last(s, "app") ?? st.env.get("FLASK_APP");
  if (app !== undefined && valueOf(app).literal) f.entry = normPath(app);
  applyHost(f, last(s, "host") ?? st.env.get("FLASK_RUN_HOST"));
  applyPort(f, last(s, "port") ?? st.env.get("FLASK_RUN_PORT"));
  return { facts: f, rank: RANK.server };
}

const STREAMLIT: ArgSpec = {
  values: {
    ...opt("port", "--server.port"),
    ...opt("host", "--server.address"),
  },
};

function streamlit(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, STREAMLIT, (w) => /\.py$|^https?:/.test(w));
  const f = withServer("streamlit");
  if (s.positionals[0] === "run" && s.positionals[1] !== undefined) {
    f.script = normPath(s.positionals[1]);
    f.entry = f.script;
  } else if (s.positionals[0] !== undefined && s.positionals[0] !== "run") {
    return { facts: {}, rank: RANK.other };
  }
  applyHost(f, last(s, "host") ?? st.env.get("STREAMLIT_SERVER_ADDRESS"));
  applyPort(f, last(s, "port") ?? st.env.get("STREAMLIT_SERVER_PORT"));
  return { facts: f, rank: RANK.server };
}

function gradio(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, { values: ignored("--demo-name", "--watch-dirs") });
  const script = s.positionals[0];
  if (script === undefined || !/\.py$/.test(script)) return { facts: {}, rank: RANK.other };
  const f = withServer("gradio", { script: normPath(script), entry: normPath(script) });
  applyHost(f, st.env.get("GRADIO_SERVER_NAME"));
  applyPort(f, st.env.get("GRADIO_SERVER_PORT"));
  return { facts: f, rank: RANK.server };
}

/** `python -m X` modules that are really these servers. */
const PYTHON_MODULES: Record<string, string> = {
  gunicorn: "gunicorn",
  uvicorn: "uvicorn",
  hypercorn: "hypercorn",
  daphne: "daphne",
  waitress: "waitress-serve",
  celery: "celery",
  flask: "flask",
  streamlit: "streamlit",
  gradio: "gradio",
  fastapi: "fastapi",
};

const TRIVIAL_PYTHON_MODULES = new Set(["pip", "venv", "ensurepip", "compileall", "pytest", "unittest"]);

function python(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    if (t === "-m" || (t.startsWith("-m") && t.length > 2 && !t.startsWith("--"))) {
      const mod = t === "-m" ? args[i + 1] : t.slice(2);
      const rest = args.slice(t === "-m" ? i + 2 : i + 1);
      if (mod === undefined) return { facts: {}, rank: RANK.other };
      const alias = lookup(PYTHON_MODULES, mod);
      if (alias !== undefined) return dispatch(alias, rest, st);
      if (TRIVIAL_PYTHON_MODULES.has(mod)) return { facts: {}, rank: RANK.other };
      const f = withServer("python", { module: mod });
      sniffScriptArgs(rest, f);
      return { facts: f, rank: RANK.script };
    }
    if (t === "-c" || (/^-[A-Za-z]*c/.test(t) && !t.startsWith("--"))) return { facts: {}, rank: RANK.other };
    if (t === "-W" || t === "-X" || t === "--check-hash-based-pycs") {
      i++;
      continue;
    }
    if (t.startsWith("-") && t !== "-") continue;
    const script = normPath(t);
    const rest = args.slice(i + 1);
    const f = withServer("python", { script, entry: script });
    if (/(^|\/)manage\.py$/.test(script) && rest[0] === "runserver") {
      const addr = rest.slice(1).find((a) => !a.startsWith("-"));
      if (addr !== undefined) {
        if (lastColon(addr) < 0 && !addr.startsWith("[")) applyPort(f, addr);
        else applyBind(f, addr);
      }
    } else sniffScriptArgs(rest, f);
    return { facts: f, rank: RANK.script };
  }
  return { facts: {}, rank: RANK.other };
}

const NODE: ArgSpec = {
  values: ignored("-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
    "--title", "--inspect-port", "--watch-path", "--tsconfig", "--project", "-P"),
  // node's long options are booleans or written `--opt=value`; `--enable-source-maps dist` names a script.
  unknownTakesValue: false,
};

/** nodemon has its own value-taking options (and its -e is --ext, not --eval). */
const NODEMON: ArgSpec = {
  values: ignored("-w", "--watch", "-x", "--exec", "-e", "--ext", "-i", "--ignore", "--delay", "--signal",
    "-r", "--require", "--config"),
  unknownTakesValue: false,
};

function node(args: string[], spec: ArgSpec = NODE): { facts: ParsedCommand; rank: number } {
  if (spec === NODE && args.some((a) => a === "-e" || a === "--eval" || a === "-p" || a === "--print")) {
    return { facts: {}, rank: RANK.other };
  }
  const s = scanArgs(args, spec, (w) => /\.[cm]?[jt]sx?$/.test(w));
  const pos = s.positionals[0] === "watch" ? s.positionals.slice(1) : s.positionals;
  const script = pos[0];
  if (script === undefined) return { facts: {}, rank: RANK.other };
  const f = withServer("node", { script: normPath(script), entry: normPath(script) });
  const idx = args.indexOf(script);
  sniffScriptArgs(idx >= 0 ? args.slice(idx + 1) : s.rest, f);
  return { facts: f, rank: RANK.script };
}

const NEXT: ArgSpec = {
  values: {
    ...opt("port", "-p", "--port"),
    ...opt("host", "-H", "--hostname"),
    ...ignored("--keepAliveTimeout", "--experimental-https-key", "--experimental-https-cert"),
  },
  flags: opt("_", "--turbo", "--turbopack", "--experimental-https"),
};

function next(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, NEXT);
  const sub = s.positionals[0] ?? "dev";
  if (sub !== "start" && sub !== "dev") return { facts: {}, rank: RANK.other };
  const f = withServer("next", { subcommand: sub });
  applyPort(f, last(s, "port"));
  applyHost(f, last(s, "host"));
  return { facts: f, rank: RANK.server };
}

const VITE: ArgSpec = {
  values: {
    ...opt("port", "--port"),
    ...ignored("--mode", "-m", "--config", "-c", "--base", "--logLevel", "-l", "--outDir"),
  },
  optional: opt("host", "--host"),
  flags: opt("_", "--strictPort", "--open", "--cors", "--force", "-d", "--debug", "--clearScreen"),
};

function vite(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, VITE);
  const first = s.positionals[0];
  const sub = first === "preview" ? "preview" : first === undefined || first === "dev" || first === "serve" ? "dev" : first;
  if (sub !== "preview" && sub !== "dev") return { facts: {}, rank: RANK.other };
  const f = withServer("vite", { subcommand: sub });
  applyPort(f, last(s, "port"));
  const host = last(s, "host");
  // A bare --host means every interface.
  if (host === "") f.host = "0.0.0.0";
  else applyHost(f, host);
  return { facts: f, rank: RANK.server };
}

/** `serve -s build -l $PORT`: the static file server many React front ends are started with. */
function serve(args: string[]): { facts: ParsedCommand; rank: number } {
  const s = scanArgs(args, {
    values: { ...opt("listen", "-l", "--listen"), ...opt("port", "-p", "--port"), ...ignored("-c", "--config") },
    flags: opt("_", "-s", "--single", "-n", "--no-clipboard", "-C", "--cors", "-u", "--no-compression", "-S"),
  });
  const f = withServer("node");
  for (const l of s.values.get("listen") ?? []) {
    const v = valueOf(l);
    if (asPort(v.literal) !== undefined || (v.env !== undefined && !l.includes("://"))) applyPort(f, l);
    else applyBind(f, l);
  }
  applyPort(f, last(s, "port"));
  return { facts: f, rank: RANK.server };
}

/** Commands of npm/yarn/pnpm/bun that are not "run this package.json script". */
const PM_BUILTINS = new Set([
  "install", "i", "ci", "add", "remove", "rm", "uninstall", "update", "up", "upgrade", "audit", "init", "create",
  "link", "unlink", "pack", "publish", "version", "info", "view", "why", "cache", "config", "set", "global",
  "workspaces", "plugin", "bin", "prune", "dedupe", "rebuild", "outdated", "login", "logout", "import", "fetch",
  "store", "setup", "patch", "licenses", "list", "ls", "help", "node",
]);

/** Programs a package manager can run directly (`yarn next start`, `pnpm vite preview`). */
const PM_BINARIES = new Set(["next", "vite", "node", "serve", "nodemon", "ts-node", "tsx", "gunicorn", "uvicorn"]);

const SCRIPT_SHORTCUTS = new Set(["start", "test", "stop", "restart"]);

function packageManager(pm: string, args: string[], st: State): { facts: ParsedCommand; rank: number } {
  let i = 0;
  // Options before the command: directory switches set the working directory.
  while (i < args.length && args[i]!.startsWith("-")) {
    const t = args[i]!;
    const eq = t.indexOf("=");
    const name = eq > 0 ? t.slice(0, eq) : t;
    const takesValue = ["--prefix", "--cwd", "-C", "--dir", "--filter", "-F", "-w", "--workspace"].includes(name);
    const value = eq > 0 ? t.slice(eq + 1) : takesValue ? args[i + 1] : undefined;
    if (["--prefix", "--cwd", "-C", "--dir"].includes(name) && value !== undefined) st.cwd.push(value);
    i += takesValue && eq < 0 ? 2 : 1;
  }
  const cmd = args[i];
  const rest = args.slice(i + 1);
  if (cmd === undefined) return { facts: {}, rank: RANK.other };
  if (cmd === "exec" || cmd === "x" || cmd === "dlx") return analyzeWords(skipNpxOptions(rest), st);
  if (cmd === "workspace" && pm === "yarn") return packageManager(pm, rest.slice(1), st);
  if (cmd === "run" || cmd === "run-script") {
    const script = rest.find((a) => !a.startsWith("-"));
    if (script === undefined) return { facts: {}, rank: RANK.other };
    if (pm === "bun" && /\.[cm]?[jt]sx?$/.test(script)) return node(rest);
    const f: ParsedCommand = { npmScript: script };
    sniffScriptArgs(rest.slice(rest.indexOf(script) + 1), f);
    return { facts: f, rank: RANK.script };
  }
  if (pm === "npm" && !SCRIPT_SHORTCUTS.has(cmd)) return { facts: {}, rank: RANK.other };
  if (PM_BUILTINS.has(cmd)) return { facts: {}, rank: RANK.other };
  if (pm !== "npm" && PM_BINARIES.has(cmd)) return analyzeWords([cmd, ...rest], st);
  if (pm === "bun" && /\.[cm]?[jt]sx?$/.test(cmd)) return node([cmd, ...rest]);
  const f: ParsedCommand = { npmScript: cmd };
  sniffScriptArgs(rest, f);
  return { facts: f, rank: RANK.script };
}

function skipNpxOptions(args: string[]): string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith("-")) {
    const t = args[i]!;
    if (t === "--") return args.slice(i + 1);
    i += (t === "-p" || t === "--package") ? 2 : 1;
  }
  return args.slice(i);
}

/** Programs that only run another command; each returns the words of that command, or undefined. */
const WRAPPERS: Record<string, (args: string[], st: State) => string[] | undefined> = {
  exec: (a) => dropOptions(a, ["-a"]),
  nohup: (a) => a,
  time: (a) => a.filter((w, i) => i > 0 || !w.startsWith("-")),
  command: (a) => (a[0] === "-v" || a[0] === "-V" ? undefined : a),
  stdbuf: (a) => dropOptions(a, []),
  env: (a, st) => {
    let i = 0;
    while (i < a.length && a[i]!.startsWith("-")) {
      const t = a[i]!;
      if (t === "--") {
        i++;
        break;
      }
      if (t === "-C" || t === "--chdir") {
        if (a[i + 1] !== undefined) st.cwd.push(a[i + 1]!);
        i += 2;
      } else if (t === "-u" || t === "--unset" || t === "-S") i += 2;
      else i++;
    }
    return a.slice(i);
  },
  tini: (a) => dropOptions(a, ["-p", "-e", "-l"]),
  "dumb-init": (a) => dropOptions(a, ["-r", "--rewrite"]),
  gosu: (a) => a.slice(1),
  "su-exec": (a) => a.slice(1),
  "xvfb-run": (a) => dropOptions(a, ["-n", "--server-num", "-s", "--server-args", "-f", "--auth-file", "-e",
    "--error-file", "-p", "--xauth-protocol", "-w", "--wait"]),
  "ddtrace-run": (a) => a,
  "opentelemetry-instrument": (a) => dropPairs(a),
  "newrelic-admin": (a) => (a[0] === "run-program" ? a.slice(1) : undefined),
  "scout-apm": (a) => (a[0] === "run" ? a.slice(1) : undefined),
  uv: (a, st) => runSubcommand(a, st, ["--with", "--with-requirements", "--with-editable", "--env-file", "--python",
    "-p", "--package", "--extra", "--group", "--only-group", "--index", "--index-url", "--extra-index-url", "--from",
    "--find-links", "-f"], ["--directory", "--project"]),
  poetry: (a, st) => runSubcommand(a, st, ["-P"], ["-C", "--directory", "--project"]),
  pipenv: (a, st) => runSubcommand(a, st, [], []),
  pdm: (a, st) => runSubcommand(a, st, ["-p", "--project"], []),
  hatch: (a, st) => runSubcommand(a, st, ["-e", "--env"], []),
  rye: (a, st) => runSubcommand(a, st, [], []),
  conda: (a, st) => runSubcommand(a, st, ["-n", "--name", "-p", "--prefix"], ["--cwd"]),
  mamba: (a, st) => runSubcommand(a, st, ["-n", "--name", "-p", "--prefix"], ["--cwd"]),
  micromamba: (a, st) => runSubcommand(a, st, ["-n", "--name", "-p", "--prefix"], ["--cwd"]),
  npx: (a) => skipNpxOptions(a),
  bunx: (a) => skipNpxOptions(a),
  doppler: (a) => untilDoubleDash(a, "run"),
  infisical: (a) => untilDoubleDash(a, "run"),
  op: (a) => untilDoubleDash(a, "run"),
  dotenv: (a) => (a.includes("--") ? a.slice(a.indexOf("--") + 1) : undefined),
  dotenvx: (a) => untilDoubleDash(a, "run"),
};

/** Drops leading options (and the values of `withValue` ones), and a `--` separator. */
function dropOptions(a: string[], withValue: string[]): string[] {
  let i = 0;
  while (i < a.length && a[i]!.startsWith("-")) {
    if (a[i] === "--") return a.slice(i + 1);
    i += withValue.includes(a[i]!) ? 2 : 1;
  }
  return a.slice(i);
}

/** Drops leading `--key value` pairs (opentelemetry-instrument's configuration flags). */
function dropPairs(a: string[]): string[] {
  let i = 0;
  while (i < a.length && a[i]!.startsWith("-")) {
    if (a[i] === "--") return a.slice(i + 1);
    i += a[i]!.includes("=") ? 1 : 2;
  }
  return a.slice(i);
}

function untilDoubleDash(a: string[], sub: string): string[] | undefined {
  if (a[0] !== sub) return undefined;
  const dd = a.indexOf("--");
  return dd >= 0 ? a.slice(dd + 1) : dropOptions(a.slice(1), []);
}

/** `poetry run X`, `uv run --with y X`: the words of X, noting directory switches. */
function runSubcommand(a: string[], st: State, withValue: string[], cwdOptions: string[]): string[] | undefined {
  let i = 0;
  let seenRun = false;
  while (i < a.length) {
    const t = a[i]!;
    if (t === "--") return seenRun ? a.slice(i + 1) : undefined;
    if (!t.startsWith("-")) {
      if (seenRun) return a.slice(i);
      if (t !== "run") return undefined;
      seenRun = true;
      i++;
      continue;
    }
    const eq = t.indexOf("=");
    const name = eq > 0 ? t.slice(0, eq) : t;
    if (cwdOptions.includes(name)) {
      const v = eq > 0 ? t.slice(eq + 1) : a[i + 1];
      if (v !== undefined) st.cwd.push(v);
      i += eq > 0 ? 1 : 2;
    } else i += withValue.includes(name) && eq < 0 ? 2 : 1;
  }
  return undefined;
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh"]);

function shell(args: string[], st: State): { facts: ParsedCommand; rank: number } {
  let i = 0;
  let inline = false;
  while (i < args.length && (args[i]!.startsWith("-") || args[i]!.startsWith("+"))) {
    const t = args[i]!;
    if (t === "--") {
      i++;
      break;
    }
    if (t === "-o" || t === "+o") i += 2;
    else {
      if (/^-[A-Za-z]*c/.test(t)) inline = true;
      i++;
    }
  }
  const first = args[i];
  if (first === undefined) return { facts: {}, rank: RANK.other };
  if (inline) {
    if (st.depth >= 4) return { facts: {}, rank: RANK.other };
    const inner = analyzeCommand(first, st.depth + 1, st.env);
    st.cwd.push(...inner.cwd);
    st.envNames.push(...inner.envNames);
    return { facts: inner.facts, rank: inner.rank };
  }
  return scriptFile(first, args.slice(i + 1), st);
}

/** A shell script: often an entrypoint that ends in `exec "$@"`, so the words after it may be the real command. */
function scriptFile(script: string, rest: string[], st: State): { facts: ParsedCommand; rank: number } {
  if (rest[0] !== undefined) {
    const scratch: State = { depth: st.depth, env: new Map(st.env), envNames: [], cwd: [] };
    const inner = analyzeWords(rest, scratch);
    if (inner.rank >= RANK.script) {
      st.envNames.push(...scratch.envNames);
      st.cwd.push(...scratch.cwd);
      return inner;
    }
  }
  return { facts: { script: normPath(script) }, rank: RANK.script };
}

const HANDLERS: Record<string, Handler> = {
  gunicorn,
  uvicorn,
  fastapi: (a) => fastapi(a),
  hypercorn: (a) => hypercorn(a),
  daphne: (a) => daphne(a),
  "waitress-serve": (a) => waitress(a),
  celery,
  flask,
  streamlit,
  gradio,
  python,
  node: (a) => node(a),
  nodemon: (a) => node(a, NODEMON),
  "ts-node": (a) => node(a),
  "ts-node-dev": (a) => node(a),
  tsx: (a) => node(a),
  next: (a) => next(a),
  vite: (a) => vite(a),
  serve: (a) => serve(a),
  npm: (a, st) => packageManager("npm", a, st),
  yarn: (a, st) => packageManager("yarn", a, st),
  pnpm: (a, st) => packageManager("pnpm", a, st),
  bun: (a, st) => packageManager("bun", a, st),
};

/** Segments that only prepare the shell (export, echo, set -e): never the serving process. */
const TRIVIAL = new Set([
  "cd", "pushd", "popd", "export", "set", "unset", "echo", "printf", "true", "false", ":", "exit", "sleep", "mkdir",
  "rm", "cp", "mv", "ln", "chmod", "chown", "touch", "source", ".", "trap", "wait", "ulimit", "umask", "test", "[",
  "[[", "cat", "ls", "sed", "wait-for-it", "wait-for-it.sh", "if", "then", "fi", "else", "do", "done", "for",
  "while", "local", "readonly", "declare", "eval",
]);

function dispatch(name: string, args: string[], st: State): { facts: ParsedCommand; rank: number } {
  const h = lookup(HANDLERS, name);
  return h ? h(args, st) : { facts: {}, rank: RANK.other };
}

function analyzeWords(words: string[], st: State): { facts: ParsedCommand; rank: number } {
  let w = words;
  for (let guard = 0; guard < 32; guard++) {
    let i = 0;
    for (; i < w.length; i++) {
      const m = ASSIGNMENT.exec(w[i]!);
      if (!m) break;
      st.env.set(m[1]!, m[2]!);
      st.envNames.push(m[1]!);
    }
    if (i > 0) w = w.slice(i);
    const head = w[0];
    if (head === undefined) return { facts: {}, rank: RANK.trivial };
    const name = programName(head);
    const wrap = lookup(WRAPPERS, name);
    if (wrap === undefined) break;
    const inner = wrap(w.slice(1), st);
    if (inner === undefined) return { facts: {}, rank: RANK.other };
    w = inner;
  }
  const head = w[0];
  if (head === undefined) return { facts: {}, rank: RANK.trivial };
  const name = programName(head);
  if (TRIVIAL.has(name)) return { facts: {}, rank: RANK.trivial };
  if (SHELLS.has(name)) return shell(w.slice(1), st);
  const h = lookup(HANDLERS, name);
  if (h !== undefined) return h(w.slice(1), st);
  if (/\.(sh|bash)$/.test(name)) return scriptFile(head, w.slice(1), st);
  if (/\.py$/.test(name) && head.includes("/")) return python([head, ...w.slice(1)], st);
  return { facts: {}, rank: RANK.other };
}

/** Analyzes every `&&`/`;`/`&` segment and keeps the one most likely to be the serving process. */
function analyzeCommand(cmd: string, depth: number, env: Map<string, string>): Analysis {
  const segs = segmentsOf(tokenize(cmd));
  const cdDirs: string[] = [];
  const allEnvNames: string[] = [];
  let best: Analysis | undefined;
  for (const seg of segs) {
    if (seg.piped) continue;
    const head = seg.words[0];
    if (head === "cd" || head === "pushd") {
      const dir = seg.words.slice(1).find((x) => !x.startsWith("-"));
      if (dir !== undefined && dir !== "-" && dir !== "~") cdDirs.push(dir);
      continue;
    }
    if (head === "export") {
      for (const w of seg.words.slice(1)) {
        const m = ASSIGNMENT.exec(w);
        if (m) {
          env.set(m[1]!, m[2]!);
          allEnvNames.push(m[1]!);
        }
      }
      continue;
    }
    // A segment's own prefixes (`A=1 cmd`) apply to that segment only; bare `A=1` lines persist.
    const st: State = { depth, env: new Map(env), envNames: [], cwd: [] };
    const r = analyzeWords(seg.words, st);
    if (seg.words.every((x) => ASSIGNMENT.test(x))) {
      for (const [k, v] of st.env) env.set(k, v);
      allEnvNames.push(...st.envNames);
      continue;
    }
    if (r.rank === RANK.trivial) continue;
    if (best === undefined || r.rank >= best.rank) {
      best = { facts: r.facts, rank: r.rank, cwd: [...cdDirs, ...st.cwd], envNames: [...allEnvNames, ...st.envNames] };
    }
  }
  return best ?? { facts: {}, rank: RANK.trivial, cwd: [...cdDirs], envNames: allEnvNames };
}

/** Joins directory changes the way a shell would: absolute paths reset, `..` pops, `.` is dropped. */
function joinDirs(parts: string[]): string | undefined {
  let out: string[] = [];
  for (const p of parts) {
    if (p.startsWith("/")) out = [""];
    for (const seg of p.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === ".." && out.length > 0 && out[out.length - 1] !== ".." && out[out.length - 1] !== "") out.pop();
      else out.push(seg);
    }
  }
  if (out.length === 0) return undefined;
  if (out.length === 1 && out[0] === "") return "/";
  return out.join("/");
}

function finish(a: Analysis): ParsedCommand {
  const f: ParsedCommand = { ...a.facts };
  // Only a command that was recognised carries a working directory; a bare `cd x` is not a start command.
  if (a.rank > RANK.other || Object.keys(f).length > 0) {
    const cwd = joinDirs(a.cwd);
    if (cwd !== undefined) f.cwd = cwd;
  }
  const names = [...new Set(a.envNames)];
  if (names.length > 0 && Object.keys(f).length > 0) f.envNames = names;
  return f;
}
