/**
 * Walks a repository the way a deploy sees it: skips dependency folders, VCS data, caches and
 * .gitignored paths without descending into them (that is what keeps a scan of a 100k-file
 * monorepo fast), follows symlinks once, and returns the files with their sizes.
 */
import { opendir, realpath, stat, readFile } from "node:fs/promises";
import type { Dirent, Stats } from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
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

export interface WalkedFile {
  /** Repository-relative POSIX path. */
  path: string;
  size: number;
  /** Allocated bytes (st_blocks × 512): far below `size` for a sparse file. */
  allocated: number;
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
  rules: Ignore;
}

export interface WalkOptions {
  /** Called for every ignored file; return true to have it listed in `ignoredFiles`. */
  keepIgnored?: (relPath: string) => boolean;
  /** Upper bound on concurrently open directories. */
  concurrency?: number;
}

/** Walk `root` and return every file a deploy would see. Never throws for entries inside the tree. */
export async function walk(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], ignoredFiles: [], dirsIgnored: 0, diagnostics: [] };
  const visited = new Set<string>();
  try {
    visited.add(await realpath(root));
  } catch {
    visited.add(path.resolve(root));
  }
  const limit = options.concurrency ?? 16;
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (active < limit) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };

  const isIgnored = (rel: string, isDir: boolean, scopes: IgnoreScope[]): boolean => {
    for (const scope of scopes) {
      const sub = scope.base === "" ? rel : rel.slice(scope.base.length + 1);
      if (sub !== "" && scope.rules.ignores(isDir ? `${sub}/` : sub)) return true;
    }
    return false;
  };

  const visit = async (dirAbs: string, dirRel: string, parentScopes: IgnoreScope[]): Promise<void> => {
    await acquire();
    let entries: Dirent[] = [];
    let scopes = parentScopes;
    try {
      const dir = await opendir(dirAbs, { bufferSize: 256 });
      for await (const entry of dir) entries.push(entry);
      const gitignore = entries.find((e) => e.name === ".gitignore" && e.isFile());
      if (gitignore) {
        try {
          const text = await readFile(path.join(dirAbs, ".gitignore"), "utf8");
          scopes = [...parentScopes, { base: dirRel, rules: ignore().add(text) }];
        } catch {
          // An unreadable .gitignore only means fewer paths are skipped.
        }
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      result.diagnostics.push(
        diagnostic("warning", "unreadable-dir", `cannot read folder (${code}); skipped`, [at(dirRel || ".")]),
      );
      entries = [];
    } finally {
      release();
    }

    const subdirs: Promise<void>[] = [];
    const fileStats: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = dirRel === "" ? entry.name : `${dirRel}/${entry.name}`;
      const abs = path.join(dirAbs, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let linkStats: Stats | undefined;
      if (entry.isSymbolicLink()) {
        try {
          linkStats = await stat(abs);
          isDir = linkStats.isDirectory();
          isFile = linkStats.isFile();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          const what = code === "ELOOP" ? "symlink loop" : "broken symlink";
          result.diagnostics.push(diagnostic("info", code === "ELOOP" ? "symlink-loop" : "broken-symlink", `${what}; skipped`, [at(rel)]));
          continue;
        }
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name) || isIgnored(rel, true, scopes)) {
          result.dirsIgnored++;
          continue;
        }
        subdirs.push(
          (async () => {
            // A folder reached twice (through a symlink) is walked once: that ends symlink loops.
            let real: string;
            try {
              real = await realpath(abs);
            } catch {
              return;
            }
            if (visited.has(real)) {
              if (linkStats) {
                result.diagnostics.push(diagnostic("info", "symlink-loop", "symlink to a folder already walked; skipped", [at(rel)]));
              }
              return;
            }
            visited.add(real);
            if (await isVirtualenv(abs)) {
              result.dirsIgnored++;
              return;
            }
            await visit(abs, rel, scopes);
          })(),
        );
      } else if (isFile) {
        if (entry.name === ".gitignore") continue;
        if (isIgnored(rel, false, scopes)) {
          if (options.keepIgnored?.(rel)) result.ignoredFiles.push(rel);
          continue;
        }
        fileStats.push(
          (async () => {
            try {
              const s = linkStats ?? (await stat(abs));
              result.files.push({ path: rel, size: s.size, allocated: s.blocks * 512 });
            } catch {
              // Vanished between readdir and stat: nothing to report.
            }
          })(),
        );
      }
    }
    await Promise.all(fileStats);
    await Promise.all(subdirs);
  };

  await visit(path.resolve(root), "", []);
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.ignoredFiles.sort();
  return result;
}

/** A virtualenv under any name (env/, .env-py/, …) has a pyvenv.cfg at its top. */
async function isVirtualenv(dirAbs: string): Promise<boolean> {
  try {
    await stat(path.join(dirAbs, "pyvenv.cfg"));
    return true;
  } catch {
    return false;
  }
}
