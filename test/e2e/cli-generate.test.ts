/** `shipfit generate` as a user runs it: files written under --out, diffs, --force, --dry-run. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seed } from "../helpers/tmp.js";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "shipfit-cli-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function shipfit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", SHIPFIT_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const listAll = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => !f.endsWith("/")).sort();

describe("shipfit generate", () => {
  it("writes every target under --out, says what each file fixes, and is idempotent", () => {
    const out = seed({});
    const r = shipfit("generate", "all", "examples/kokoro-tts", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created\s+.*Dockerfile/);
    expect(r.stdout).toMatch(/fixes: /);
    for (const f of ["Dockerfile", ".dockerignore", "Procfile", "railway.json", "render.yaml", "fly.toml", "docker-compose.yml", ".github/workflows/deploy.yml", ".env.production.example"]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    const again = shipfit("generate", "all", "examples/kokoro-tts", "--out", out);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/created/);
    expect(again.stdout).toMatch(/unchanged/);
  });

  it("keeps a different existing file, shows the diff and exits 1; --force replaces it", () => {
    const out = seed({ Procfile: "web: python app.py\n" });
    const kept = shipfit("generate", "procfile", "examples/kokoro-tts", "--out", out);
    expect(kept.code).toBe(1);
    expect(kept.stdout).toMatch(/differs \(kept\)/);
    expect(kept.stdout).toMatch(/-web: python app\.py/);
    expect(readFileSync(path.join(out, "Procfile"), "utf8")).toBe("web: python app.py\n");
    const forced = shipfit("generate", "procfile", "examples/kokoro-tts", "--out", out, "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(out, "Procfile"), "utf8")).toMatch(/^web: /m);
    expect(readFileSync(path.join(out, "Procfile"), "utf8")).not.toBe("web: python app.py\n");
  });

  it("--dry-run writes nothing", () => {
    const out = seed({ keep: "x" });
    const r = shipfit("generate", "docker", "compose", "examples/fraud-automl", "--out", out, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would create/);
    expect(listAll(out)).toEqual(["keep"]);
    writeFileSync(path.join(out, "keep"), "x");
  });

  it("rejects an unknown target or platform in one line", () => {
    const bad = shipfit("generate", "dockr", "examples/kokoro-tts");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown target "dockr"/);
    const none = shipfit("generate");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/name at least one target/);
    const platform = shipfit("generate", "github-actions", "examples/kokoro-tts", "--platform", "heroku");
    expect(platform.code).toBe(2);
  });
});

describe("shipfit generate --plan", () => {
  it("sizes the service with the instance the user names, and warns when it is below the estimate", () => {
    const out = seed({});
    const r = shipfit("generate", "render", "examples/kokoro-tts", "--platform", "render", "--plan", "starter", "--out", out);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(out, "render.yaml"), "utf8")).toMatch(/plan: starter/);
    expect(r.stdout).toMatch(/chosen with --plan.*expect out-of-memory kills/);
    const bad = shipfit("generate", "render", "examples/kokoro-tts", "--platform", "render", "--plan", "huge");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--plan for render must be one of starter, standard/);
  });
});
