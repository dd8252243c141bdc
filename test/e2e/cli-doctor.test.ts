/** `shipfit doctor` as a user runs it: a file or standard input, exit codes, --app remedies, secrets masked. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
const corpus = (name: string) => path.join("test", "doctor", "corpus", name);
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "shipfit-cli-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function shipfit(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", SHIPFIT_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("shipfit doctor", () => {
  it("names the OOM kill of seed 004's log with its evidence line and exits 1", () => {
    const r = shipfit(["doctor", corpus("seed-004-kokoro-sigkill.log")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/memory/i);
    expect(r.stdout).toMatch(/SIGKILL|-9|137/);
    expect(r.stdout).toMatch(/→ /);
  });

  it("reads standard input with -", () => {
    const log = readFileSync(path.join(root, corpus("render-no-open-ports.log")), "utf8");
    const r = shipfit(["doctor", "-", "--json"], log);
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as { id: string }[];
    expect(list.map((d) => d.id)).toContain("port-not-bound");
  });

  it("says nothing is wrong on a clean boot and exits 0", () => {
    const r = shipfit(["doctor", corpus("unrelated-gunicorn-clean-boot.log"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it("ties the OOM remedy to the scanned app's own estimate with --app", () => {
    const r = shipfit(["doctor", corpus("seed-004-kokoro-sigkill.log"), "--app", "examples/kokoro-tts", "--json"]);
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as { id: string; appRemedies: string[] }[];
    const oom = list.find((d) => d.id === "oom-kill");
    expect(oom?.appRemedies.some((x) => /needs about \d+ MB at its peak/.test(x))).toBe(true);
  });

  it("never prints a secret value from the log", () => {
    for (const name of ["secret-db-url-cloud-run-oom.log", "secret-token-missing-env.log"]) {
      const r = shipfit(["doctor", corpus(name)]);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toMatch(/s3cr3tpass|__FAKE_TOKEN__|__FAKE_HF__|__FAKE_BEARER__/);
    }
  });

  it("fails in one line with exit 2 on a missing file or extra arguments", () => {
    const missing = shipfit(["doctor", "no-such.log"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/no-such\.log: no such file/);
    const extra = shipfit(["doctor", "a.log", "b.log"]);
    expect(extra.code).toBe(2);
    expect(extra.stderr.trim().split("\n")).toHaveLength(1);
  });
});
