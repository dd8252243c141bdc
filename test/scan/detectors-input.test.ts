/**
 * End-to-end: committed secrets (found by kind and line, never copied into the model) and bad input
 * (huge, binary, non-UTF-8 and malformed files, symlink loops) that must each give a diagnostic
 * while the scan still reports the rest. Key-shaped strings and the bad files are built here at
 * run time in temp folders, so the repository holds none of them.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seed } from "../helpers/tmp.js";
import { codes, copyFixture, diags, fact, scanFixture, scanValid, service, start } from "./detectors-shared.js";

/** A deterministic run of key characters, so key-shaped values exist only while the test runs. */
function keyChars(n: number, seedText: string): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let x = [...seedText].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

describe("committed secrets", () => {
  it("a committed .env, provider keys in code and a password in a URL: found by kind and line, values never in the model", async () => {
    const openaiKey = ["sk", "proj", keyChars(48, "openai")].join("-");
    const githubToken = `${"ghp"}_${keyChars(36, "github")}`;
    const awsKey = `${"AK"}${"IA"}${keyChars(16, "aws").toUpperCase().replace(/[^A-Z0-9]/g, "Q")}`;
    const dbPassword = `Vt9-${keyChars(14, "db")}`;
    const root = copyFixture("flask-devserver", {
      ".env": `# local settings\nFLASK_DEBUG=1\nOPENAI_API_KEY=${openaiKey}\nSESSION_SECRET=${keyChars(32, "session")}\n`,
      "site_app/sync.py": [
        "import os",
        "",
        "import requests",
        "",
        `GITHUB_TOKEN = "${githubToken}"`,
        `ARCHIVE_DSN = "postgresql://archiver:${dbPassword}@archive.internal:5432/guestbook"`,
        `S3_KEY_ID = "${awsKey}"`,
        "",
        "",
        "def push_issue(title: str) -> int:",
        '    headers = {"Authorization": f"Bearer {GITHUB_TOKEN}"}',
        '    return requests.post("https://api.github.com/repos/acme/guestbook/issues", json={"title": title}, headers=headers, timeout=10).status_code',
        "",
      ].join("\n"),
    });
    const m = await scanValid(root);
    expect(m.secrets).toEqual([
      { file: ".env", line: 3, kind: "env-file" },
      { file: ".env", line: 3, kind: "openai-key", name: "OPENAI_API_KEY" },
      { file: ".env", line: 4, kind: "generic-secret", name: "SESSION_SECRET" },
      { file: "site_app/sync.py", line: 5, kind: "github-token", name: "GITHUB_TOKEN" },
      { file: "site_app/sync.py", line: 6, kind: "password-in-url", name: "ARCHIVE_DSN" },
      { file: "site_app/sync.py", line: 7, kind: "aws-access-key", name: "S3_KEY_ID" },
    ]);
    expect(diags(m, "env-file-committed")).toEqual([{ level: "warning", at: [".env:3"] }]);
    expect(m.diagnostics.find((d) => d.code === "env-file-committed")?.message).toContain("OPENAI_API_KEY, SESSION_SECRET");
    // The .env is reported once (env-file-committed), its keys not again one by one.
    expect(diags(m, "secret-committed")).toEqual([
      { level: "warning", at: ["site_app/sync.py:5"] },
      { level: "warning", at: ["site_app/sync.py:6"] },
      { level: "warning", at: ["site_app/sync.py:7"] },
    ]);
    const json = JSON.stringify(m);
    for (const value of [openaiKey, githubToken, awsKey, dbPassword, openaiKey.slice(-20), githubToken.slice(-20)]) {
      expect(json).not.toContain(value);
    }
    // The rest of the scan is unaffected.
    expect(service(m, "web").frameworks.map((f) => f.value)).toEqual(["flask"]);
  });

  it("the committed compose file's database password is reported, never copied", async () => {
    const m = await scanFixture("monorepo");
    expect(m.secrets).toEqual([
      { file: "docker-compose.yml", line: 9, kind: "password-in-url", name: "DATABASE_URL" },
      { file: "docker-compose.yml", line: 27, kind: "generic-secret", name: "POSTGRES_PASSWORD" },
    ]);
    expect(diags(m, "secret-committed")).toEqual([
      { level: "warning", at: ["docker-compose.yml:9"] },
      { level: "warning", at: ["docker-compose.yml:27"] },
    ]);
    expect(JSON.stringify(m)).not.toContain("Mx7-harbor-lantern");
  });

  it("credentials written into start commands are masked in the model and its diagnostics", async () => {
    const openaiKey = ["sk", "proj", keyChars(48, "cmd-openai")].join("-");
    const dbPassword = `Qx4-${keyChars(14, "cmd-db")}`;
    const apiKey = keyChars(24, "cmd-api");
    const root = seed({
      "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
      Procfile: `web: OPENAI_API_KEY=${openaiKey} DB_PASSWORD=${dbPassword} gunicorn app:app --reload\n`,
      Dockerfile: `FROM python:3.11-slim\nCMD ["python", "app.py", "--api-key=${apiKey}"]\n`,
      "app.py": 'import subprocess\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/sync")\ndef sync():\n    subprocess.run("TOKEN=' + apiKey + ' python sync.py", shell=True)\n    return "ok"\n',
    });
    const m = await scanValid(root);
    expect(start(service(m, "web"))).toMatchObject({ source: "procfile", command: "OPENAI_API_KEY=*** DB_PASSWORD=*** gunicorn app:app --reload" });
    expect(service(m, "web").subprocesses.map((p) => p.command)).toEqual(["TOKEN=*** python sync.py"]);
    // The Dockerfile's command disagrees with the Procfile's: the conflict is reported, masked too.
    expect(codes(m)).toContain("start-command-conflict");
    const json = JSON.stringify(m);
    for (const value of [openaiKey, dbPassword, apiKey, openaiKey.slice(-20)]) expect(json).not.toContain(value);
  });

  it("a .env whose values are not credentials is not a leak", async () => {
    const m = await scanValid(copyFixture("flask-devserver", { ".env": "FLASK_DEBUG=1\nLOG_LEVEL=debug\n" }));
    expect(m.secrets).toEqual([]);
    expect(diags(m, "env-file-committed")).toEqual([]);
  });
});

describe("bad input", () => {
  it("huge, binary, non-UTF-8 and malformed files and a symlink loop each give a diagnostic; the app is still found", async () => {
    const root = seed({
      "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
      Procfile: "web: gunicorn guestbook_app:app\n",
      "guestbook_app.py": 'import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\napp.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]\n\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
      // Over 1 MB: a generated lookup table.
      "generated/lookup_table.py": `TABLE = [\n${"    0x1f2e3d4c,\n".repeat(80_000)}]\n`,
      // A compiled file saved under a .py name.
      "vendor/fastmath.py": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0x3e, 0, 0, 0, 1, 0]),
      // Latin-1, not UTF-8.
      "requirements-legacy.txt": new Uint8Array([...Buffer.from("# r\xe9sum\xe9 parser\n", "latin1"), ...Buffer.from("pyyaml==6.0.2\n")]),
      "tools/pyproject.toml": '[project]\nname = "tools"\ndependencies = ["click>=8"\n',
      "ui/package.json": '{\n  "name": "ui",\n  "dependencies": { "vite": "^5.4.1", }\n}\n',
    });
    mkdirSync(path.join(root, "loop"));
    symlinkSync("b", path.join(root, "loop", "a"));
    symlinkSync("a", path.join(root, "loop", "b"));
    symlinkSync("..", path.join(root, "loop", "up"));
    writeFileSync(path.join(root, "loop", "notes.txt"), "kept\n");

    const m = await scanValid(root);
    expect(diags(m, "file-too-large")).toEqual([{ level: "info", at: ["generated/lookup_table.py"] }]);
    expect(diags(m, "binary-file")).toEqual([{ level: "info", at: ["vendor/fastmath.py"] }]);
    expect(diags(m, "non-utf8-file")).toEqual([{ level: "warning", at: ["requirements-legacy.txt"] }]);
    expect(diags(m, "manifest-parse-error").map((d) => [d.level, d.at[0]?.split(":")[0]])).toEqual([
      ["error", "tools/pyproject.toml"],
      ["error", "ui/package.json"],
    ]);
    expect(diags(m, "symlink-loop")).toEqual([
      { level: "info", at: ["loop/a"] },
      { level: "info", at: ["loop/b"] },
      { level: "info", at: ["loop/up"] },
    ]);

    // Everything else is reported as if the bad files were not there.
    expect(m.services.map((s) => [s.id, s.kind, s.root])).toEqual([["web", "web", "."]]);
    const web = service(m, "web");
    expect(fact(web.entry)).toEqual({ value: "guestbook_app:app", confidence: "high", at: ["Procfile:1"] });
    expect(start(web)?.command).toBe("gunicorn guestbook_app:app");
    expect(fact(web.healthPath)).toEqual({ value: "/healthz", confidence: "high", at: ["guestbook_app.py:9"] });
    expect(m.envVars.map((v) => v.name)).toEqual(["FLASK_SECRET_KEY"]);
    expect(m.manifests.find((x) => x.file === "requirements.txt")?.dependencies.map((d) => d.name)).toEqual(["flask", "gunicorn"]);
    expect(m.stats.filesSeen).toBe(9);
    expect(codes(m)).toEqual(["binary-file", "file-too-large", "manifest-parse-error", "manifest-parse-error", "non-utf8-file", "symlink-loop", "symlink-loop", "symlink-loop"]);
  });

  it("a scan of a missing folder or a file is an input error, not a crash", async () => {
    const root = seed({ "app.py": "x = 1\n" });
    await expect(scanValid(path.join(root, "nope"))).rejects.toThrow(/no such directory/);
    await expect(scanValid(path.join(root, "app.py"))).rejects.toThrow(/not a directory/);
  });
});
