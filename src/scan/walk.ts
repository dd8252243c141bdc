/**
 * Walks a repository the way a deploy sees it: skips dependency folders, VCS data, caches and
 * .gitignored paths without descending into them (that is what keeps a scan of a 100k-file
 * monorepo fast), follows symlinks once, and returns the files with their sizes.
 */
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { compileIgnore, type IgnoreTest } from "./gitignore.js";
import type { Diagnostic } from "../core/app-model.js";
import { at, diagnostic } from "../core/evidence.js";

/** Folders a deploy never builds from: dependencies, VCS data, caches and build output. */
const SKIPPED_DIRS = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  ".tox",
  ".nox",
  ".eggs",
  "site-packages",
  ".next",
  ".nuxt",
  ".svelte-kit",
  ".turbo",
  ".parcel-cache",
  ".cache",
  ".idea",
  ".vscode",
  ".ipynb_checkpoints",
  ".terraform",
  ".dvc",
  ".shipfit",
  "coverage",
  "htmlcov",
]);

/** Ignored folders that usually hold weights: walked (within a budget) to name the model files in them. */
const MODEL_DIR = /^(?:models?|checkpoints?|ckpts?|weights|pretrained|saved_models?|.*[-_]models?)$/i;
const IGNORED_MODEL_DIR_BUDGET = 5000;

export interface WalkedFile {
  /** Repository-relative POSIX path. */
  path: string;
  size: number;
  /** Allocated bytes (st_blocks × 512): far below `size` for a sparse file. */
  allocated: number;
  /** Last modification, for the scan cache. */
  mtimeMs?: number;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Files skipped because .gitignore matches them but whose names matter (e.g. model files). */
  ignoredFiles: string[];
  dirsIgnored: number;
  diagnostics: Diagnostic[];
}

interface IgnoreScope {
  /** Repository-relative folder the .gitignore lives in ('' for the root). */
  base: string;
  ignores: IgnoreTest;
}

export interface WalkOptions {
  /** Called for every ignored file; return true to have it listed in `ignoredFiles`. */
  keepIgnored?: (relPath: string) => boolean;
}

/**
 * Walk `root` and return every file a deploy would see. Never throws for entries inside the tree.
 * Synchronous on purpose: thousands of small readdir/stat calls cost several times more through
 * the promise API (a thread-pool hop each), and a scan has nothing else to do meanwhile.
 */
export function walk(root: string, options: WalkOptions = {}): WalkResult {
  const result: WalkResult = { files: [], ignoredFiles: [], dirsIgnored: 0, diagnostics: [] };
  // Real paths of the folders walked, so a link to one of them is recognised even when `root` is
  // itself reached through a link. A plain folder's real path is its parent's plus its name: only
  // symlinks cost a realpath call.
  let rootReal = path.resolve(root);
  try {
    rootReal = realpathSync(root);
  } catch {
    // Unresolvable root: the resolved path stands in.
  }
  const visited = new Set<string>([rootReal]);

  const isIgnored = (rel: string, isDir: boolean, scopes: IgnoreScope[]): boolean => {
    for (const scope of scopes) {
      const sub = scope.base === "" ? rel : rel.slice(scope.base.length + 1);
      if (sub !== "" && scope.ignores(sub, isDir)) return true;
    }
    return false;
  };

  // Depth-first with an explicit stack: no recursion limit on deep trees. `ignored` marks a
  // .gitignored model folder walked only to name the model files a deploy from git will lack.
  const stack: { abs: string; real: string; rel: string; scopes: IgnoreScope[]; ignored?: boolean }[] = [{ abs: path.resolve(root), real: rootReal, rel: "", scopes: [] }];
  let ignoredBudget = IGNORED_MODEL_DIR_BUDGET;
  while (stack.length > 0) {
    const { abs: dirAbs, real: dirReal, rel: dirRel, scopes: parentScopes, ignored } = stack.pop() as (typeof stack)[number];
    let entries: Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      result.diagnostics.push(diagnostic("warning", "unreadable-dir", `cannot read folder (${code}); skipped`, [at(dirRel || ".")]));
      continue;
    }
    // A virtualenv under any name (env/, .env-py/…) has a pyvenv.cfg at its top.
    if (dirRel !== "" && entries.some((e) => e.name === "pyvenv.cfg")) {
      result.dirsIgnored++;
      continue;
    }
    let scopes = parentScopes;
    if (entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      try {
        scopes = [...parentScopes, { base: dirRel, ignores: compileIgnore(readFileSync(path.join(dirAbs, ".gitignore"), "utf8")) }];
      } catch {
        // An unreadable .gitignore only means fewer paths are skipped.
      }
    }
    const subdirs: (typeof stack)[number][] = [];
    if (ignored) {
      ignoredBudget -= entries.length;
      if (ignoredBudget < 0) continue;
    }
    for (const entry of entries) {
      const rel = dirRel === "" ? entry.name : `${dirRel}/${entry.name}`;
      const abs = path.join(dirAbs, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let linkStats: Stats | undefined;
      if (entry.isSymbolicLink()) {
        try {
          linkStats = statSync(abs);
          isDir = linkStats.isDirectory();
          isFile = linkStats.isFile();
        } catch (error) {
          const loop = (error as NodeJS.ErrnoException).code === "ELOOP";
          result.diagnostics.push(diagnostic("info", loop ? "symlink-loop" : "broken-symlink", `${loop ? "symlink loop" : "broken symlink"}; skipped`, [at(rel)]));
          continue;
        }
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name)) {
          result.dirsIgnored++;
          continue;
        }
        if (ignored || isIgnored(rel, true, scopes)) {
          if (!ignored) result.dirsIgnored++;
          if ((ignored || MODEL_DIR.test(entry.name)) && options.keepIgnored && !linkStats) {
            subdirs.push({ abs, real: path.join(dirReal, entry.name), rel, scopes, ignored: true });
          }
          continue;
        }
        // A folder reached twice (through a symlink) is walked once: that ends symlink loops.
        let real = path.join(dirReal, entry.name);
        if (linkStats) {
          try {
            real = realpathSync(abs);
          } catch {
            continue;
          }
        }
        if (visited.has(real)) {
          result.diagnostics.push(diagnostic("info", "symlink-loop", "symlink to a folder already walked; skipped", [at(rel)]));
          continue;
        }
        visited.add(real);
        subdirs.push({ abs, real, rel, scopes });
      } else if (isFile) {
        if (entry.name === ".gitignore") continue;
        if (ignored || isIgnored(rel, false, scopes)) {
          if (options.keepIgnored?.(rel)) result.ignoredFiles.push(rel);
          continue;
        }
        try {
          const s = linkStats ?? statSync(abs);
          result.files.push({ path: rel, size: s.size, allocated: s.blocks * 512, mtimeMs: s.mtimeMs });
        } catch {
          // Vanished between readdir and stat: nothing to report.
        }
      }
    }
    // Reverse so the stack pops folders in name order (stable output regardless of readdir order).
    stack.push(...subdirs.reverse());
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.ignoredFiles.sort();
  return result;
}
