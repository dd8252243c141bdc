/**
 * PEP 508 requirement strings and PEP 503 names, plus the URL helpers every Python manifest parser
 * shares (how a URL is classified, which name it carries, how credentials are kept out of output).
 * Lenient where pip is lenient (spaces around operators, legacy `name (>=1.0)`), strict elsewhere so a
 * garbage line becomes a diagnostic rather than a made-up dependency.
 */
import { at } from "../../core/evidence.js";
import type { Dependency } from "../../core/app-model.js";

/** One parsed requirement. `name` is PEP 503-normalized, `rawName` as written. */
export interface RequirementSpec {
  name: string;
  rawName: string;
  extras: string[];
  /** Version clauses with whitespace removed, e.g. `>=2.0,<3`. */
  specifier?: string;
  marker?: string;
  /** Direct reference (`name @ url`). */
  url?: string;
  /** The exact version when a clause is `==X`/`===X` without a wildcard (local label included). */
  pinned?: string;
  /** PEP 440 local version label of the pinned version: `cpu` in `2.6.0+cpu`. */
  localVersion?: string;
}

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const CLAUSE_RE = /^(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9_.*+!-]+)$/;
const BARE_VERSION_RE = /^v?[0-9][A-Za-z0-9_.+!-]*$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const VCS_RE = /^(git|hg|svn|bzr)\+/i;
const ARCHIVE_RE = /\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$/i;

/** PEP 503 normalized name: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Parses one PEP 508 requirement; null when it is not one (never throws). */
export function parseRequirementSpec(spec: string): RequirementSpec | null {
  const s = spec.trim();
  const m = NAME_RE.exec(s);
  if (!m) return null;
  const rawName = m[0];
  let rest = s.slice(rawName.length).trimStart();

  let extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return null;
    const parsed = parseExtras(rest.slice(1, close));
    if (!parsed) return null;
    extras = parsed;
    rest = rest.slice(close + 1).trimStart();
  }

  const req: RequirementSpec = { name: normalizeName(rawName), rawName, extras };

  if (rest.startsWith("@")) {
    const after = rest.slice(1).trimStart();
    const urlEnd = after.search(/\s/);
    const url = urlEnd < 0 ? after : after.slice(0, urlEnd);
    if (url === "") return null;
    req.url = url;
    const tail = urlEnd < 0 ? "" : after.slice(urlEnd).trim();
    if (tail !== "") {
      if (!tail.startsWith(";")) return null;
      const marker = tail.slice(1).trim();
      if (marker !== "") req.marker = marker;
    }
    return req;
  }

  const semi = rest.indexOf(";");
  let versionPart = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  if (semi >= 0) {
    const marker = rest.slice(semi + 1).trim();
    if (marker !== "") req.marker = marker;
  }
  // Legacy form `name (>=1.0)`, still accepted by pip and written by Poetry 2 in [project].
  if (versionPart.startsWith("(") && versionPart.endsWith(")")) versionPart = versionPart.slice(1, -1).trim();
  if (versionPart === "") return req;

  const clauses: { op: string; version: string }[] = [];
  for (const raw of versionPart.split(",")) {
    const c = CLAUSE_RE.exec(raw.trim());
    if (!c) return null;
    clauses.push({ op: c[1] ?? "", version: c[2] ?? "" });
  }
  req.specifier = clauses.map((c) => c.op + c.version).join(",");
  const exact = clauses.find((c) => (c.op === "==" || c.op === "===") && !c.version.includes("*"));
  if (exact) setPinned(req, exact.version);
  return req;
}

function parseExtras(inner: string): string[] | null {
  const out: string[] = [];
  for (const part of inner.split(",")) {
    const e = part.trim();
    if (e === "") continue;
    const m = NAME_RE.exec(e);
    if (!m || m[0] !== e) return null;
    out.push(normalizeName(e));
  }
  return out;
}

function setPinned(target: { pinned?: string; localVersion?: string }, version: string): void {
  target.pinned = version;
  const plus = version.indexOf("+");
  if (plus >= 0 && plus < version.length - 1) target.localVersion = version.slice(plus + 1);
}

/**
 * The pinned version of a specifier as written in Poetry / Pipfile / uv tables: `==X`, or a bare `X`
 * when `bareIsExact` (Poetry reads `"2.0.1"` as exactly 2.0.1).
 */
export function pinnedOf(specifier: string, bareIsExact: boolean): { pinned?: string; localVersion?: string } {
  const out: { pinned?: string; localVersion?: string } = {};
  const s = specifier.trim();
  if (s.includes(",") || s.includes("*") || s.includes("|")) return out;
  const eq = /^={2,3}\s*([A-Za-z0-9_.+!-]+)$/.exec(s);
  if (eq?.[1]) setPinned(out, eq[1]);
  else if (bareIsExact && BARE_VERSION_RE.test(s)) setPinned(out, s);
  return out;
}

/** How a direct reference installs: VCS checkout, local path, or a downloaded archive. */
export function classifyUrl(url: string): "vcs" | "path" | "url" {
  if (VCS_RE.test(url)) return "vcs";
  if (/^file:/i.test(url)) return "path";
  if (SCHEME_RE.test(url)) return "url";
  return "path";
}

/** True for `scheme://…` and VCS `git+…` references. */
export function looksLikeUrl(s: string): boolean {
  return SCHEME_RE.test(s) || VCS_RE.test(s);
}

/** True for something pip would read as a local path (`./pkg`, `../x`, `/abs`, `file:`, an archive). */
export function looksLikePath(s: string): boolean {
  return (
    s.startsWith(".") ||
    s.startsWith("/") ||
    s.startsWith("~") ||
    /^file:/i.test(s) ||
    /^[A-Za-z]:[\\/]/.test(s) ||
    s.includes("/") ||
    s.includes("\\") ||
    ARCHIVE_RE.test(s)
  );
}

/**
 * Replaces credentials in a URL's user-info with `***`, keeping `${VAR}` references (names only) and
 * the conventional `git@` user: index and VCS URLs often embed tokens.
 */
export function redactUrl(url: string): string {
  const scheme = url.indexOf("://");
  if (scheme < 0) return url;
  const start = scheme + 3;
  let end = url.length;
  for (const ch of ["/", "?", "#"]) {
    const i = url.indexOf(ch, start);
    if (i >= 0 && i < end) end = i;
  }
  const authority = url.slice(start, end);
  const atSign = authority.lastIndexOf("@");
  if (atSign < 0) return url;
  const userinfo = authority.slice(0, atSign);
  const envRef = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
  const safe = userinfo === "git" || userinfo.split(":").every((p) => envRef.test(p));
  if (safe) return url;
  return url.slice(0, start) + "***" + url.slice(start + atSign);
}

/** A name (and version) a URL or path carries: `#egg=`, a wheel or sdist file name, else a guess from the last path segment. */
export function nameFromUrl(url: string): { name: string; version?: string; extras?: string[]; guessed: boolean } | null {
  const hash = url.indexOf("#");
  if (hash >= 0) {
    for (const param of url.slice(hash + 1).split("&")) {
      if (!param.startsWith("egg=")) continue;
      const egg = param.slice(4);
      const m = NAME_RE.exec(egg);
      if (!m) continue;
      const result: { name: string; extras?: string[]; guessed: boolean } = { name: normalizeName(m[0]), guessed: false };
      const extrasMatch = /^\[([^\]]*)\]/.exec(egg.slice(m[0].length));
      const extras = extrasMatch ? parseExtras(extrasMatch[1] ?? "") : null;
      if (extras && extras.length > 0) result.extras = extras;
      return result;
    }
  }
  let path = hash >= 0 ? url.slice(0, hash) : url;
  const q = path.indexOf("?");
  if (q >= 0) path = path.slice(0, q);
  const scheme = path.indexOf("://");
  if (scheme >= 0) {
    // Only the path names anything: the host never does.
    const slash = path.indexOf("/", scheme + 3);
    path = slash < 0 ? "" : path.slice(slash);
  }
  let end = path.length;
  while (end > 0 && (path[end - 1] === "/" || path[end - 1] === "\\")) end--;
  path = path.slice(0, end);
  const lastSlash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  let base = path.slice(lastSlash + 1);
  try {
    base = decodeURIComponent(base);
  } catch {
    // A stray % in a path segment: keep the raw segment.
  }
  if (base.toLowerCase().endsWith(".whl")) {
    // {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, with `-` in the name escaped as `_`.
    const parts = base.slice(0, -4).split("-");
    if (parts.length >= 5 && parts[0] && NAME_RE.exec(parts[0])?.[0] === parts[0]) {
      return { name: normalizeName(parts[0]), version: parts[1] ?? "", guessed: false };
    }
  }
  const archive = ARCHIVE_RE.exec(base);
  if (archive) {
    const stem = base.slice(0, archive.index);
    const dash = stem.search(/-[0-9][^-]*$/);
    if (dash > 0) {
      const name = stem.slice(0, dash);
      if (NAME_RE.exec(name)?.[0] === name) return { name: normalizeName(name), version: stem.slice(dash + 1), guessed: false };
    }
  }
  // VCS references end in `repo.git@ref`; a plain directory is its own name. A plain download URL's
  // last segment (`/download`, `/latest`) names nothing reliable.
  if (classifyUrl(url) === "url") return null;
  const guess = base.replace(/@.*$/, "").replace(/\.git$/i, "");
  const m = NAME_RE.exec(guess);
  if (!m || m[0] !== guess || guess === "") return null;
  return { name: normalizeName(guess), guessed: true };
}

/** A Dependency from a parsed requirement, with the URL (if any) classified and redacted. */
export function toDependency(req: RequirementSpec, file: string, line: number, group: string, note?: string): Dependency {
  const dep: Dependency = {
    name: req.name,
    ecosystem: "pypi",
    source: req.url !== undefined ? classifyUrl(req.url) : "registry",
    group,
    evidence: at(file, Math.max(1, line), note),
  };
  if (req.specifier !== undefined) dep.specifier = req.specifier;
  if (req.pinned !== undefined) dep.pinned = req.pinned;
  if (req.localVersion !== undefined) dep.localVersion = req.localVersion;
  if (req.extras.length > 0) dep.extras = req.extras;
  if (req.marker !== undefined) dep.marker = req.marker;
  if (req.url !== undefined) dep.url = redactUrl(req.url);
  return dep;
}
