/** The shipfit command as a user runs it: a real process, its stdout, stderr and exit code. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appModelErrors } from "../helpers/schema.js";
import { seed } from "../helpers/tmp.js";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const bin = path.join(root, "bin", "shipfit.js");
// Keep the scan cache of these runs out of the user's home.
const cacheDir = mkdtempSync(path.join(os.tmpdir(), "shipfit-cli-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const env = { ...process.env, NO_COLOR: "1", SHIPFIT_CACHE_DIR: cacheDir };

function shipfit(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A usage or input error: exit 2, exactly one line on stderr, no stack trace, nothing on stdout. */
function expectOneLineError(r: ReturnType<typeof shipfit>, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("shipfit scan", () => {
  it("prints the AppModel as schema-valid JSON with --json", () => {
    const r = shipfit("scan", "examples/kokoro-tts", "--json");
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout);
    expect(appModelErrors(model)).toEqual([]);
    expect(model.services[0].id).toBe("web");
  });

  it("prints a readable summary with evidence, and no colour when NO_COLOR is set", () => {
    const r = shipfit("scan", "examples/ai-ko-backend");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^web\s+web\s+python flask, flask-socketio\s+gunicorn ×2\s+port \$PORT on 0\.0\.0\.0$/m);
    expect(r.stdout).toMatch(/start\s+celery -A app\.celery_app worker --loglevel=info --concurrency=2\s+procfile Procfile:2/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it("never prints a committed secret's value, in either format", () => {
    const env = readFileSync(path.join(root, "examples/maintenance-procedures/backend/.env"), "utf8");
    const value = /^SECRET_KEY=(.+)$/m.exec(env)?.[1]?.trim();
    expect(value && value.length).toBeGreaterThan(20);
    for (const args of [["--json"], []]) {
      const r = shipfit("scan", "examples/maintenance-procedures", ...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("backend/.env");
      expect(r.stdout).not.toContain(value);
    }
  });

  it("scans the current folder when DIR is omitted", () => {
    const r = spawnSync(process.execPath, [bin, "scan", "--json"], { cwd: path.join(root, "examples/feat-005"), encoding: "utf8", env });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe("feat-005");
  });

  it("fails in one line with exit 2 on a missing folder, a file, bad flags or extra arguments", () => {
    expectOneLineError(shipfit("scan", "no/such/dir"), /^shipfit scan: no\/such\/dir: no such directory$/m);
    expectOneLineError(shipfit("scan", "package.json"), /package\.json: not a directory/);
    expectOneLineError(shipfit("scan", "--jsn"), /Unknown option '--jsn'/);
    expectOneLineError(shipfit("scan", "a", "b"), /expected at most one DIR/);
  });

  it("keeps going past files it cannot parse and says so", () => {
    const dir = seed({
      "requirements.txt": "flask==3.0.0\ngunicorn\n",
      "app.py": "from flask import Flask\napp = Flask(__name__)\n",
      "pyproject.toml": "[project\nname = ",
      "broken.py": Buffer.from([0x66, 0x00, 0xff, 0x00]),
    });
    const r = shipfit("scan", dir, "--json");
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout);
    expect(model.services.map((s: { id: string }) => s.id)).toEqual(["web"]);
    expect(model.diagnostics.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(["manifest-parse-error", "binary-file"]));
  });
});

describe("shipfit", () => {
  it("explains itself with --help, and each command with <command> --help", () => {
    const top = shipfit("--help");
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: shipfit <command>/);
    expect(top.stdout).toMatch(/^\s+scan\s+/m);
    const scanHelp = shipfit("scan", "--help");
    expect(scanHelp.code).toBe(0);
    expect(scanHelp.stdout).toMatch(/^Usage: shipfit scan \[DIR\] \[--json\]/);
    expect(scanHelp.stdout).toMatch(/Exit codes/);
  });

  it("rejects an unknown command with exit 2, and shows usage with no command", () => {
    expectOneLineError(shipfit("deploy"), /unknown command "deploy"/);
    const none = shipfit();
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/Usage: shipfit/);
  });

  it("prints its version", () => {
    const r = shipfit("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version);
  });
});

describe("shipfit estimate", () => {
  it("prints per-service figures with their parts, and the Footprint with --json", () => {
    const human = shipfit("estimate", "examples/kokoro-tts");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^web \(web\)$/m);
    expect(human.stdout).toMatch(/^\s+image\s+.*torch/m);
    expect(human.stdout).toMatch(/CPU torch .*saves/);
    expect(human.stdout).toMatch(/ram peak .*subprocess python -m kokoro/);
    const json = shipfit("estimate", "examples/fraud-automl", "--json");
    expect(json.code).toBe(0);
    const fp = JSON.parse(json.stdout);
    expect(fp.services[0].ram.peakMB.parts.length).toBeGreaterThan(3);
    expect(fp.services[0].imageMB.expected).toBeGreaterThan(fp.services[0].imageMB.low);
  });

  it("takes measured figures from a probe file, and rejects a bad one in one line", () => {
    const dir = seed({ "probe.json": JSON.stringify([{ service: "web", ramPeakMB: 777 }]), "bad.json": "[{\"ramPeakMB\": \"a lot\"}]" });
    const r = shipfit("estimate", "examples/kokoro-tts", "--json", "--measured", path.join(dir, "probe.json"));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).services[0].ram.peakMB).toMatchObject({ expected: 777, origin: "measured" });
    expectOneLineError(shipfit("estimate", "examples/kokoro-tts", "--measured", path.join(dir, "bad.json")), /needs a "service" name/);
    expectOneLineError(shipfit("estimate", "examples/kokoro-tts", "--measured", "nope.json"), /nope\.json: no such file/);
  });
});
