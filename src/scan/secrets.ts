/**
 * Committed-secret scanner. Format rules (a table of bounded regexes, so scanning stays linear)
 * find provider keys anywhere in a file; a per-line assignment pass names them and catches generic
 * `PASSWORD = "…"` literals. Findings hold file, line, kind and variable name — never the value.
 */
import type { SecretFinding, SecretKind } from "../core/app-model.js";
import { lineIndex } from "../core/evidence.js";

/** Lines longer than this (minified bundles, data blobs) get the format rules only. */
const MAX_ASSIGNMENT_LINE = 10_000;
/** Past this many findings a file is a data dump; more findings would add noise, not signal. */
const MAX_HITS = 500;
/** Generic values shorter than this are too weak a signal. */
const MIN_GENERIC_LENGTH = 8;

interface SecretRule {
  kind: SecretKind;
  /** Substrings one of which must occur before the regex is worth running. */
  hints: string[];
  /** Global, bounded-repetition pattern: no nested quantifiers, so no catastrophic backtracking. */
  pattern: RegExp;
  /** Capture group holding the part to test for placeholders (whole match when absent). */
  group?: number;
  /** Placeholder test for the captured part. */
  placeholder?: (value: string) => boolean;
  /** Further check with access to the surrounding text. */
  accept?: (match: RegExpMatchArray, text: string) => boolean;
}

/** Provider-format rules, most specific first: an earlier rule's span hides later ones. */
const RULES: SecretRule[] = [
  {
    kind: "private-key",
    hints: ["PRIVATE KEY"],
    pattern: /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g,
    accept: keyBodyFollows,
  },
  {
    kind: "anthropic-key",
    hints: ["sk-ant-"],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{32,300}/g,
  },
  {
    kind: "openai-key",
    hints: ["sk-"],
    pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,400}|[A-Za-z0-9]{32,200})/g,
  },
  {
    kind: "aws-access-key",
    hints: ["AKIA", "ASIA"],
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    kind: "huggingface-token",
    hints: ["hf_"],
    pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,100}/g,
  },
  {
    kind: "github-token",
    hints: ["gh", "github_pat_"],
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
  },
  {
    kind: "slack-token",
    hints: ["xox", "hooks.slack.com"],
    pattern: /(?<![A-Za-z0-9_-])(?:xox[baprs]-[A-Za-z0-9-]{10,250}|hooks\.slack\.com\/services\/T[A-Z0-9]{4,20}\/B[A-Z0-9]{4,20}\/[A-Za-z0-9]{16,40})/g,
  },
  {
    kind: "stripe-key",
    hints: ["_live_"],
    pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{20,250}/g,
  },
  {
    kind: "google-api-key",
    hints: ["AIza"],
    pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
  },
  {
    kind: "jwt",
    hints: ["eyJ"],
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,2000}/g,
  },
  {
    kind: "password-in-url",
    hints: ["://"],
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/[^\s:/@'"`<>]{0,100}:([^\s/@'"`<>]{1,200})@(?=[A-Za-z0-9[])/g,
    group: 1,
    placeholder: (v) => isGenericPlaceholder(v) || isWeakDefault(v),
  },
];

/** Non-global copies for one-off tests (a global regex carries lastIndex between calls). */
const RULE_TESTS = RULES.map((r) => ({ hints: r.hints, pattern: new RegExp(r.pattern.source) }));

/** The text matches a provider-format rule somewhere (placeholders included). */
export function containsSecret(text: string): boolean {
  return RULE_TESTS.some((r) => r.hints.some((h) => text.includes(h)) && r.pattern.test(text));
}

/**
 * The text with every provider-format match replaced by `***` (for a URL, just the password), so a
 * command line or a default value can be shown without what it carries.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const rule of RULES) {
    if (!rule.hints.some((h) => out.includes(h))) continue;
    let res = "";
    let last = 0;
    for (const m of out.matchAll(rule.pattern)) {
      const start = m.index ?? 0;
      if (start < last) continue;
      let end = start + m[0].length;
      if (rule.group === undefined) {
        // Patterns are bounded; mask the whole run so no tail of a long key survives.
        while (end < out.length && isKeyChar(out.charCodeAt(end))) end++;
        res += out.slice(last, start) + "***";
      } else {
        // The only grouped rule captures a URL password, which sits right before the final "@".
        const secret = m[rule.group] ?? "";
        res += out.slice(last, end - 1 - secret.length) + "***@";
      }
      last = end;
    }
    out = res + out.slice(last);
  }
  return out;
}

/**
 * `NAME=value` and `--name=value` in a command line: a shell assignment, an option, a query
 * parameter. Bounded runs and one pass, so long lines stay linear.
 */
const COMMAND_ASSIGNMENT = /(^|[\s;&|(?])(-{0,2}[A-Za-z_][A-Za-z0-9_.-]{0,100})=("[^"\n]{0,1000}"|'[^'\n]{0,1000}'|[^\s;&|)]{1,1000})/g;

/**
 * A command line safe to show: provider-format keys masked (as `redactSecrets`), and the values of
 * credential-named assignments and options (`DB_PASSWORD=… gunicorn`, `--api-key=…`) replaced by
 * `***`. References (`$TOKEN`, `${TOKEN}`) are names, not values, and stay.
 */
export function redactCommand(command: string): string {
  return redactSecrets(command).replace(COMMAND_ASSIGNMENT, (all, lead: string, name: string, value: string) => {
    const inner = value.replace(/^(["'])([\s\S]*)\1$/, "$2");
    if (inner === "" || inner === "***" || inner.startsWith("$") || !isSecretName(name.replace(/^-+/, ""))) return all;
    return `${lead}${name}=***`;
  });
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 ||
    c === 43 || c === 47 || c === 61;
}

/** Words that mark a value as a stand-in in documentation and templates. */
const PLACEHOLDER_MARKERS = [
  "example", "xxxx", "your", "dummy", "placeholder", "fake", "sample", "redacted", "changeme", "change-me",
  "change_me", "replace", "insert", "...", "…", "***", "<", ">",
];

/** A value a template or doc would show instead of a real credential. */
function isFormatPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  return PLACEHOLDER_MARKERS.some((m) => lower.includes(m));
}

/** References to somewhere else: `${VAR}`, `$VAR`, `os.environ…`, templating. */
function isReference(value: string): boolean {
  return /^(?:\$|%\(|%s|\{\{|\{%|<%|os\.(?:environ|getenv)|process\.env|import\.meta|env\(|ENV\[|getenv\(|secrets\.)/i.test(value) ||
    /\$\{[^}]*\}/.test(value);
}

/** Placeholder in the broad sense used for generic assignments and URL passwords. */
function isGenericPlaceholder(value: string): boolean {
  if (value.length === 0 || isReference(value) || isFormatPlaceholder(value)) return true;
  const words = value.toLowerCase().split(/[^a-z0-9]+/);
  if (words.some((w) => w === "test" || w === "dummy" || w === "todo" || w === "none" || w === "null")) return true;
  if (/^test/i.test(value)) return true;
  // One character repeated: "********", "00000000".
  return /^(.)\1*$/s.test(value);
}

/** Well-known defaults (postgres:postgres, admin…): not a leaked credential worth a finding. */
const WEAK_DEFAULTS = new Set([
  "password", "passwd", "pass", "pwd", "secret", "postgres", "postgresql", "root", "admin", "user", "username",
  "test", "testing", "guest", "mysql", "redis", "mongo", "default", "changeit", "none", "null", "true", "false",
  "undefined", "string", "token", "key", "apikey", "secretkey", "minioadmin", "rabbitmq", "celery",
]);

function isWeakDefault(value: string): boolean {
  return WEAK_DEFAULTS.has(value.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/** Segments that make a name a credential. */
const SECRET_SEGMENTS = new Set([
  "KEY", "TOKEN", "SECRET", "PASSWORD", "PASS", "PASSWD", "PWD", "CREDENTIAL", "CREDENTIALS", "PRIVATE",
  "PASSPHRASE", "APIKEY", "SECRETKEY", "ACCESSKEY", "PRIVATEKEY", "AUTHTOKEN", "ACCESSTOKEN", "CLIENTSECRET",
]);
/** Glued suffixes (`dbpassword`, `authtoken`) that still mean a credential. */
const SECRET_SUFFIXES = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "APIKEY", "SECRETKEY"];

/** Split a name into upper-case words: `openaiApiKey` → OPENAI, API, KEY. */
function nameSegments(name: string): string[] {
  return name
    .slice(0, 200)
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((s) => s.length > 0);
}

/** The name looks like it holds a credential (KEY, TOKEN, SECRET, PASSWORD, PASS, CREDENTIAL, PRIVATE…). */
export function isSecretName(name: string): boolean {
  const segs = nameSegments(name);
  if (segs.length === 1 && (segs[0] === "PWD" || segs[0] === "OLDPWD")) return false; // the shell's cwd
  // ACCESS_TOKEN_EXPIRE_MINUTES and JWT_SECRET_ALGORITHM describe a secret, they are not one.
  const last = segs[segs.length - 1];
  if (segs.length > 1 && last !== undefined && (DESCRIPTOR_SEGMENTS.has(last) || TIME_UNIT_SEGMENTS.has(last))) return false;
  return segs.some((s) => SECRET_SEGMENTS.has(s) || SECRET_SUFFIXES.some((x) => s.length > x.length && s.endsWith(x)));
}

/** Last name segments that say the value describes a secret rather than being one. */
const DESCRIPTOR_SEGMENTS = new Set([
  "URL", "URI", "PATH", "FILE", "FILENAME", "DIR", "NAME", "HEADER", "TYPE", "FIELD", "PARAM", "LENGTH", "LEN",
  "ENV", "VAR", "PREFIX", "SUFFIX", "ALGORITHM", "ALG", "EXPIRY", "EXPIRES", "TTL", "TIMEOUT", "LOCATION",
  "MODE", "COUNT", "SIZE", "FORMAT", "PATTERN", "REGEX", "ENDPOINT", "HOST", "PORT", "USER", "USERNAME",
  "LABEL", "TITLE", "PLACEHOLDER", "HINT", "MESSAGE", "TEXT", "ERROR", "ID", "KEYS", "STORAGE", "COOKIE", "ROUTE",
]);

/** Last segments that make a name a duration setting. */
const TIME_UNIT_SEGMENTS = new Set(["MINUTES", "MINS", "SECONDS", "SECS", "HOURS", "DAYS", "MS", "EXPIRE", "EXPIRATION", "LIFETIME", "AGE"]);

/** Words that make a `…_KEY` name a lookup key rather than a credential (cache_key, sort_key). */
const LOOKUP_KEY_SEGMENTS = new Set([
  "CACHE", "SORT", "PRIMARY", "FOREIGN", "PARTITION", "ROUTING", "REDIS", "DICT", "MAP", "LOOKUP", "UNIQUE",
  "COMPOSITE", "IDEMPOTENCY", "HASH", "LIST", "ROW", "COLUMN", "TABLE", "INDEX", "QUERY", "STATE", "LOCK",
  "BUCKET", "OBJECT", "S3", "REACT", "EVENT", "MESSAGE", "GROUP", "SHARD", "DEDUP", "TRANSLATION", "I18N",
  "LOCALE", "SETTING", "SETTINGS", "CONFIG", "FIELD", "ATTR", "PROP", "DATA", "RESULT", "RESULTS",
]);

/** A literal that could be a real credential rather than a word, a path or a stand-in. */
function looksLikeSecretValue(value: string, allowNumeric: boolean): boolean {
  if (value.length < MIN_GENERIC_LENGTH || value.length > 1000) return false;
  if (/\s/.test(value)) return false;
  if (isGenericPlaceholder(value) || isWeakDefault(value)) return false;
  if (/^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/.test(value)) return false; // path or URL
  if (/\.(?:pem|key|crt|cer|p12|pfx|json|txt|env|ya?ml|pub)$/i.test(value)) return false; // a file name
  if (!allowNumeric && /^\d+$/.test(value)) return false;
  // Words joined by separators (auth_token, x-api-key, OPENAI_API_KEY) name things; they are not keys.
  if (/^[a-z]+(?:[_.-][a-z]+)*$/.test(value) || /^[A-Z]+(?:[_.-][A-Z]+)*$/.test(value)) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes >= 2 || value.length >= 24;
}

/** A PEM header is a key only when base64 key material follows (not in code that checks for one). */
function keyBodyFollows(m: RegExpMatchArray, text: string): boolean {
  const end = (m.index ?? 0) + m[0].length;
  const after = text.slice(end, end + 400).replace(/\\[nr]|[\s"'+,]/g, "");
  return /[A-Za-z0-9+/]{40}/.test(after);
}

/** Files where `NAME=value` is an assignment without quotes (dotenv, YAML, INI, shell, Dockerfile). */
function allowsBareValues(file: string): boolean {
  const base = (file.split("/").pop() ?? file).toLowerCase();
  if (base.startsWith(".env") || base.endsWith(".env")) return true;
  if (base.startsWith("dockerfile") || base.endsWith(".dockerfile") || base === "procfile") return true;
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return true;
  return /^(?:ya?ml|ini|cfg|conf|properties|sh|bash|zsh|env|envrc|toml)$/.test(base.slice(dot + 1));
}

/**
 * `name = value` / `name: value` / `"name": "value"` on one line. Name and value runs are bounded
 * and the separator is unambiguous, so a failing match costs at most a few hundred steps.
 */
const ASSIGNMENT_QUOTED =
  /(?<![A-Za-z0-9_$])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,100})\1\]?[ \t]*(?::=|=|:)[ \t]*(?:"([^"\r\n]{0,1000})"|'([^'\r\n]{0,1000})'|`([^`\r\n$]{0,1000})`)/g;
const ASSIGNMENT_BARE =
  /(?<![A-Za-z0-9_$])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,100})\1\]?[ \t]*(?::=|=|:)[ \t]*(?:"([^"\r\n]{0,1000})"|'([^'\r\n]{0,1000})'|`([^`\r\n$]{0,1000})`|([^\s"'`,;#]{1,1000}))/g;
/** Cheap gate before the assignment regex: the line mentions a credential-ish word. */
const SECRET_WORD = /key|token|secret|pass|pwd|credential|private/i;

interface Hit {
  kind: SecretKind;
  start: number;
  end: number;
  name?: string;
}

/** Find committed secrets in one file's text. Never throws; findings never hold the value. */
export function findSecrets(text: string, file: string): SecretFinding[] {
  try {
    return scan(text, file);
  } catch {
    return [];
  }
}

function scan(text: string, file: string): SecretFinding[] {
  if (text.slice(0, 8000).includes("\0")) return []; // binary
  const hits: Hit[] = [];
  for (const rule of RULES) {
    if (!rule.hints.some((h) => text.includes(h))) continue;
    for (const m of text.matchAll(rule.pattern)) {
      if (hits.length >= MAX_HITS) break;
      const start = m.index ?? 0;
      const end = start + m[0].length;
      const part = m[rule.group ?? 0] ?? m[0];
      if ((rule.placeholder ?? isFormatPlaceholder)(part)) continue;
      if (rule.accept && !rule.accept(m, text)) continue;
      if (hits.some((h) => h.start < end && start < h.end && h.kind !== "password-in-url" && rule.kind !== "password-in-url")) continue;
      hits.push({ kind: rule.kind, start, end });
    }
  }
  hits.sort((a, b) => a.start - b.start);

  const bare = allowsBareValues(file);
  const pattern = bare ? ASSIGNMENT_BARE : ASSIGNMENT_QUOTED;
  const assigned: Hit[] = [];
  let h = 0; // first format hit not before the current line
  for (let lineStart = 0; lineStart <= text.length; ) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    while (h < hits.length && (hits[h]?.start ?? 0) < lineStart) h++;
    const lineHits: Hit[] = [];
    for (let k = h; k < hits.length && (hits[k]?.start ?? 0) < lineEnd; k++) lineHits.push(hits[k] as Hit);
    const line = text.slice(lineStart, lineEnd);
    if (line.length <= MAX_ASSIGNMENT_LINE && (lineHits.length > 0 || SECRET_WORD.test(line))) {
      for (const m of line.matchAll(pattern)) {
        const name = m[2] ?? "";
        const nameStart = lineStart + (m.index ?? 0) + (m[1]?.length ?? 0);
        // A key standing where a name goes (`sk-…: x`) must not come back out as the name.
        if (lineHits.some((x) => x.start < nameStart + name.length && nameStart < x.end)) continue;
        const value = m[3] ?? m[4] ?? m[5] ?? m[6] ?? "";
        const valueStart = lineStart + (m.index ?? 0) + m[0].length - value.length - (m[6] === undefined ? 1 : 0);
        const valueEnd = valueStart + value.length;
        const inside = lineHits.filter((x) => x.start >= valueStart && x.start < valueEnd);
        if (inside.length > 0) {
          for (const x of inside) x.name ??= name;
          continue;
        }
        const kind = hits.length + assigned.length < MAX_HITS ? genericKind(name, value, bare) : undefined;
        if (kind) assigned.push({ kind, start: valueStart, end: valueEnd, name });
      }
    }
    lineStart = lineEnd + 1;
  }
  return toFindings(text, file, hits.concat(assigned));
}

/** Kind of a secret-looking assignment, or undefined when the name or value does not qualify. */
function genericKind(name: string, value: string, bare: boolean): SecretKind | undefined {
  if (!isSecretName(name)) return undefined;
  const segs = nameSegments(name);
  // `key = "…"` alone, or cache_key / sort_key: a dictionary key, not a credential.
  const keyOnly = segs.every((x) => x === "KEY" || x === "KEYS" || !(SECRET_SEGMENTS.has(x) || SECRET_SUFFIXES.some((y) => x.endsWith(y))));
  if (keyOnly && (segs.length === 1 || segs.some((x) => LOOKUP_KEY_SEGMENTS.has(x)))) return undefined;
  const upper = name.toUpperCase();
  if (/AWS.*SECRET|SECRET_?ACCESS_?KEY/.test(upper) && /^[A-Za-z0-9/+=]{40}$/.test(value)) {
    return isFormatPlaceholder(value) ? undefined : "aws-secret-key";
  }
  return looksLikeSecretValue(value, bare) ? "generic-secret" : undefined;
}

function toFindings(text: string, file: string, hits: Hit[]): SecretFinding[] {
  if (hits.length === 0) return [];
  const lineOf = lineIndex(text);
  const seen = new Set<string>();
  const out: SecretFinding[] = [];
  for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
    const f: SecretFinding = { file, line: lineOf(hit.start), kind: hit.kind };
    if (hit.name) f.name = hit.name;
    const key = `${f.line}\0${f.kind}\0${f.name ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/** `.env`, `.env.local`, `.env.production`, `prod.env` — but not `.env.example` / `.sample` / `.template`. */
export function isEnvFileWithValues(basename: string): boolean {
  const lower = basename.toLowerCase();
  if (!(lower === ".env" || lower.startsWith(".env.") || (lower.endsWith(".env") && lower.length > 4))) return false;
  return !/(?:^|[._-])(?:example|examples|sample|samples|template|templates|tmpl|tpl|dist|default|defaults|schema|skel|stub)(?:[._-]|$)/.test(lower);
}

/**
 * Variables a dotenv file assigns, with whether each has a real value (non-empty, not a
 * `${VAR}` reference or a stand-in like `your-key-here`). Names and lines only, never values.
 */
export function envFileAssignments(text: string): { name: string; line: number; hasValue: boolean }[] {
  const out: { name: string; line: number; hasValue: boolean }[] = [];
  try {
    let line = 0;
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      line++;
      const raw = text.slice(start, Math.min(end, start + MAX_ASSIGNMENT_LINE)).trim();
      start = end + 1;
      const m = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,200})[ \t]*=[ \t]*(.*)$/.exec(raw.replace(/^\ufeff/, ""));
      if (!m?.[1] || containsSecret(m[1])) continue;
      const value = dotenvValue(m[2] ?? "");
      out.push({ name: m[1], line, hasValue: value.length > 0 && !isReference(value) && !isFormatPlaceholder(value) });
    }
  } catch {
    // Partial results are still true.
  }
  return out;
}

/** The value of a dotenv assignment: quotes stripped, an unquoted ` # comment` dropped. */
function dotenvValue(rest: string): string {
  const q = rest[0];
  if (q === '"' || q === "'" || q === "`") {
    const close = rest.indexOf(q, 1);
    return close < 0 ? rest.slice(1) : rest.slice(1, close);
  }
  const hash = rest.search(/[ \t]#/);
  return (hash < 0 ? rest : rest.slice(0, hash)).trim();
}
