/**
 * The one place generated files touch the disk. Never overwrites a different existing file unless
 * asked (--force); shows the diff instead. Writes each file to a temporary name beside it and
 * renames it into place, so an interrupted run leaves no half-written file. --dry-run writes nothing.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import { InputError } from "../core/errors.js";
import type { GeneratedFile } from "./types.js";

export type WriteAction = "create" | "unchanged" | "overwrite" | "refuse";

export interface WriteOutcome {
  path: string;
  action: WriteAction;
  /** Written (false in --dry-run, and for unchanged or refused files). */
  written: boolean;
  /** Unified-style diff against the existing file, when it differs. */
  diff?: string;
  reason?: string;
}

export interface WriteOptions {
  force?: boolean;
  dryRun?: boolean;
}

function readExisting(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Line diff (longest common subsequence) with two lines of context: small files, plain output. */
export function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split("\n");
  const b = after.split("\n");
  // Files beyond a few thousand lines are not generated here; keep the table bounded anyway.
  if (a.length * b.length > 4_000_000) return `--- existing (${a.length} lines)\n+++ generated (${b.length} lines)\n(too large to diff)`;
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { op: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ op: " ", line: a[i] as string });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ op: "+", line: b[j] as string });
      j++;
    } else {
      ops.push({ op: "-", line: a[i] as string });
      i++;
    }
  }
  const keep = ops.map((o, k) => o.op !== " " || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== " "));
  const out: string[] = ["--- existing", "+++ generated"];
  let skipped = false;
  ops.forEach((o, k) => {
    if (keep[k]) {
      out.push(`${o.op}${o.line}`);
      skipped = false;
    } else if (!skipped) {
      out.push("@@");
      skipped = true;
    }
  });
  return out.join("\n");
}

/** What writing `files` under `outDir` would do (nothing is written). */
export function planWrites(files: GeneratedFile[], outDir: string, options: WriteOptions = {}): WriteOutcome[] {
  return files.map((f) => {
    const existing = readExisting(path.join(outDir, f.path));
    if (existing === undefined) return { path: f.path, action: "create", written: false };
    if (existing === f.content) return { path: f.path, action: "unchanged", written: false };
    const diff = lineDiff(existing, f.content);
    if (options.force) return { path: f.path, action: "overwrite", written: false, diff };
    return { path: f.path, action: "refuse", written: false, diff, reason: `${f.path} exists and differs; read the diff, merge it, or run again with --force to replace it` };
  });
}

/** Writes the files planned as create or overwrite (unless dry-run), each atomically. */
export function writeFiles(files: GeneratedFile[], outDir: string, options: WriteOptions = {}): WriteOutcome[] {
  const outcomes = planWrites(files, outDir, options);
  if (options.dryRun) return outcomes;
  for (const [k, o] of outcomes.entries()) {
    if (o.action !== "create" && o.action !== "overwrite") continue;
    try {
      const target = path.join(outDir, o.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, (files[k] as GeneratedFile).content);
      o.written = true;
    } catch (error) {
      // A full disk or a read-only folder: one clear line; files written before stay whole.
      throw new InputError(`${o.path}: cannot write (${(error as NodeJS.ErrnoException).code ?? "error"}); nothing half-written was left`);
    }
  }
  return outcomes;
}
