/**
 * .gitignore matching. Most .gitignore files hold only simple rules (`node_modules`, `*.log`,
 * `/build`, `data/cache/`): those are matched here with string tests, which is what keeps the walk
 * of a large repository fast. A file with any other rule (negation, `**`, `?`, character classes,
 * a `*` inside a name) is handed whole to the `ignore` package, loaded only then.
 */
import { createRequire } from "node:module";

/** True when the path (relative to the .gitignore's folder, POSIX) is ignored. */
export type IgnoreTest = (rel: string, isDir: boolean) => boolean;

interface SimpleRule {
  /** Only folders match (pattern ended with `/`). */
  dirOnly: boolean;
  /** Anchored to the .gitignore's folder (pattern had a `/` before its end); else matches a basename anywhere. */
  anchored: boolean;
  /** Exact name or path, or a `*.ext` suffix when `suffix` is set. */
  value: string;
  suffix: boolean;
}

/** A rule this matcher handles exactly as git does, or undefined. */
function simpleRule(line: string): SimpleRule | undefined {
  let p = line;
  if (p.startsWith("!") || p.includes("\\")) return undefined;
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes("/");
  if (p.startsWith("/")) p = p.slice(1);
  if (p === "" || /[?[\]]/.test(p) || p.includes("**")) return undefined;
  const star = p.indexOf("*");
  if (star === -1) return { dirOnly, anchored, value: p, suffix: false };
  // `*.log` (a single leading star, no slash): a suffix test on the basename.
  if (star === 0 && !anchored && p.indexOf("*", 1) === -1) return { dirOnly, anchored, value: p.slice(1), suffix: true };
  return undefined;
}

/** Rule lines of a .gitignore: comments and blank lines dropped, unescaped trailing spaces trimmed. */
function ruleLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(?<!\\)\s+$/, ""))
    .filter((l) => l !== "" && !l.startsWith("#"));
}

let ignoreFactory: ((options?: object) => { add(text: string): { ignores(p: string): boolean } }) | undefined;

function fullMatcher(text: string): IgnoreTest {
  ignoreFactory ??= createRequire(import.meta.url)("ignore") as typeof ignoreFactory;
  // Git on Linux matches case-sensitively (core.ignorecase is false); the package defaults to true.
  const rules = (ignoreFactory as NonNullable<typeof ignoreFactory>)({ ignorecase: false }).add(text);
  return (rel, isDir) => rules.ignores(isDir ? `${rel}/` : rel);
}

/** Compiles a .gitignore's text into a test. */
export function compileIgnore(text: string): IgnoreTest {
  const lines = ruleLines(text);
  const simple = lines.map(simpleRule);
  if (simple.some((r) => r === undefined)) return fullMatcher(text);
  const rules = simple as SimpleRule[];
  const names = new Set(rules.filter((r) => !r.anchored && !r.suffix && !r.dirOnly).map((r) => r.value));
  const dirNames = new Set(rules.filter((r) => !r.anchored && !r.suffix && r.dirOnly).map((r) => r.value));
  const paths = new Set(rules.filter((r) => r.anchored && !r.dirOnly).map((r) => r.value));
  const dirPaths = new Set(rules.filter((r) => r.anchored && r.dirOnly).map((r) => r.value));
  const suffixes = rules.filter((r) => r.suffix);
  return (rel, isDir) => {
    const slash = rel.lastIndexOf("/");
    const base = slash === -1 ? rel : rel.slice(slash + 1);
    if (names.has(base) || paths.has(rel)) return true;
    if (isDir && (dirNames.has(base) || dirPaths.has(rel))) return true;
    for (const s of suffixes) if ((isDir || !s.dirOnly) && base.endsWith(s.value)) return true;
    return false;
  };
}
