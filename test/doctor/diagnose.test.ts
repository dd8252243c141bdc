import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/doctor/diagnose.js";
import { DOCTOR_RULES } from "../../src/doctor/rules.js";
import type { DiagnosisDetail } from "../../src/doctor/rules.js";

const here = dirname(fileURLToPath(import.meta.url));

interface CorpusEntry {
  name: string;
  file: string;
  expect: string[];
  source: string;
  detail?: DiagnosisDetail;
  note?: string;
}

const corpus = JSON.parse(readFileSync(join(here, "corpus.json"), "utf8")) as CorpusEntry[];

// Built from harmless parts so no token-shaped literal sits in the repository.
const FAKE_GITHUB_TOKEN = ["gh", "p_", "Zx9Qw".repeat(8)].join("");
const FAKE_HF_TOKEN = ["h", "f_", "Kt7Lm".repeat(7)].join("");
const FAKE_BEARER = ["abc", "DEF", "123", "ghi"].join(".").repeat(4);
const PLANTED = ["s3cr3tpass", FAKE_GITHUB_TOKEN, FAKE_HF_TOKEN, FAKE_BEARER];

function load(entry: CorpusEntry): string {
  return readFileSync(join(here, entry.file), "utf8")
    .replaceAll("__FAKE_TOKEN__", FAKE_GITHUB_TOKEN)
    .replaceAll("__FAKE_HF__", FAKE_HF_TOKEN)
    .replaceAll("__FAKE_BEARER__", FAKE_BEARER);
}

describe("doctor corpus", () => {
  it("has at least 30 sourced excerpts, unrelated logs and every rule covered", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(corpus.filter((e) => e.expect.length === 0).length).toBeGreaterThanOrEqual(3);
    for (const e of corpus) expect(e.source, e.name).toMatch(/^(https:\/\/|seed 004$)/);
    const covered = new Set(corpus.flatMap((e) => e.expect));
    for (const rule of DOCTOR_RULES) expect(covered.has(rule.id), rule.id).toBe(true);
  });

  it.each(corpus.map((e) => [e.name, e] as const))("%s gets exactly its expected diagnoses", (_name, entry) => {
    const result = diagnose(load(entry));
    expect(result.map((d) => d.id).sort()).toEqual([...entry.expect].sort());
    for (const d of result) {
      expect(d.lines.length).toBeGreaterThan(0);
      expect(d.occurrences).toBeGreaterThanOrEqual(d.lines.length);
      expect(d.remedy).toMatch(/shipfit|platform/);
    }
    if (entry.detail) {
      const merged = Object.assign({}, ...result.map((d) => d.detail ?? {})) as DiagnosisDetail;
      expect(merged).toMatchObject(entry.detail);
    }
  });

  it("keeps log line numbers as evidence, in order", () => {
    const entry = corpus.find((e) => e.name === "heroku-r15-restart");
    const [d] = diagnose(load(entry!));
    expect(d?.lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
    expect(d?.lines[1]?.text).toContain("Error R15");
  });

  it("never echoes planted secrets", () => {
    const planted: Record<string, string[]> = {
      "secret-db-url-cloud-run-oom": ["s3cr3tpass"],
      "secret-token-missing-env": [FAKE_GITHUB_TOKEN, FAKE_HF_TOKEN, FAKE_BEARER],
    };
    for (const [name, secrets] of Object.entries(planted)) {
      const entry = corpus.find((e) => e.name === name);
      expect(entry, name).toBeDefined();
      const log = load(entry!);
      for (const s of secrets) expect(log).toContain(s);
      const out = JSON.stringify(diagnose(log));
      for (const s of PLANTED) expect(out).not.toContain(s);
      // The evidence still shows what happened, with the values masked.
      expect(out).toContain("***");
    }
  });
});

describe("gunicorn worker timeout vs kernel OOM", () => {
  const timeout = [
    "[2026-11-20 14:02:11 +0000] [24690] [CRITICAL] WORKER TIMEOUT (pid:24703)",
    "[2026-11-20 14:02:12 +0000] [24690] [WARNING] Worker with pid 24703 was terminated due to signal 9",
  ];

  it("puts the signal 9 under worker-timeout, not oom-kill", () => {
    const [d, ...rest] = diagnose(timeout.join("\n"));
    expect(rest).toEqual([]);
    expect(d?.id).toBe("worker-timeout");
    expect(d?.lines.map((l) => l.line)).toEqual([1, 2]);
  });

  it("still reports oom-kill when the kernel log shows a real kill", () => {
    const log = [
      ...timeout,
      "Memory cgroup out of memory: Killed process 24703 (gunicorn) total-vm:1062532kB, anon-rss:523136kB, file-rss:5464kB, shmem-rss:0kB",
    ].join("\n");
    const ids = diagnose(log).map((d) => d.id);
    expect(ids).toEqual(["worker-timeout", "oom-kill"]);
    const oom = diagnose(log).find((d) => d.id === "oom-kill");
    expect(oom?.detail).toMatchObject({ process: "gunicorn", usedMB: 511 });
    // The signal 9 line is kept with the kernel kill it belongs to.
    expect(oom?.lines.map((l) => l.line)).toEqual([2, 3]);
  });
});

describe("diagnose edge cases", () => {
  it("returns nothing for empty or unrelated input", () => {
    expect(diagnose("")).toEqual([]);
    expect(diagnose("\n\n\r\n")).toEqual([]);
    expect(diagnose("GET /predict 200 OK in 137 ms")).toEqual([]);
    expect(diagnose("request done status=200 bytes=137 exit_code=0")).toEqual([]);
  });

  it("handles CRLF, ANSI colours and platform prefixes", () => {
    const log = "web-1  | \x1b[31mModuleNotFoundError: No module named 'torch'\x1b[0m\r\nweb-1  | done\r\n";
    const [d] = diagnose(log);
    expect(d?.id).toBe("missing-module");
    expect(d?.detail?.module).toBe("torch");
    expect(d?.lines).toEqual([{ line: 1, text: "web-1  | ModuleNotFoundError: No module named 'torch'" }]);
  });

  it("ignores inotify ENOSPC, which is not a full disk", () => {
    expect(diagnose("Error: ENOSPC: System limit for number of file watchers reached, watch '/app'")).toEqual([]);
  });

  it("caps evidence but counts every occurrence", () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i} Error R14 (Memory quota exceeded)`).join("\n");
    const [d] = diagnose(log);
    expect(d?.lines.length).toBe(20);
    expect(d?.occurrences).toBe(50);
  });

  it("processes a 20 MB log with long lines line by line", () => {
    const noise = "2026-11-20T10:00:00Z app[web.1]: INFO request handled path=/predict status=200 duration=12ms\n";
    const long = `${"x".repeat(200_000)} Killed process ${"(".repeat(5000)}\n`;
    const parts: string[] = [];
    let size = 0;
    while (size < 20 * 1024 * 1024) {
      parts.push(noise);
      size += noise.length;
      if (parts.length % 50_000 === 0) { parts.push(long); size += long.length; }
    }
    parts.push("Ran out of memory (used over 512MB) while running your code.\n");
    const result = diagnose(parts.join(""));
    expect(result.map((d) => d.id)).toEqual(["oom-kill"]);
    expect(result[0]?.detail?.limitMB).toBe(512);
  }, 60_000);
});
