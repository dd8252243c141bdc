import { mkdirSync, openSync, closeSync, ftruncateSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { walk } from "../../src/scan/walk.js";
import { seed } from "../helpers/tmp.js";

const paths = (r: Awaited<ReturnType<typeof walk>>) => r.files.map((f) => f.path);

describe("walk", () => {
  it("skips dependency, VCS and cache folders without descending", async () => {
    const root = seed({
      "app.py": "x",
      "node_modules/react/index.js": "x",
      ".git/HEAD": "ref",
      ".venv/lib/x.py": "x",
      "src/__pycache__/a.pyc": "x",
      "src/a.py": "x",
    });
    const r = await walk(root);
    expect(paths(r)).toEqual(["app.py", "src/a.py"]);
    expect(r.dirsIgnored).toBe(4);
  });

  it("skips a virtualenv under any name by its pyvenv.cfg", async () => {
    const root = seed({ "pyenv-3.11/pyvenv.cfg": "home = /usr/bin", "pyenv-3.11/lib/site.py": "x", "main.py": "x" });
    expect(paths(await walk(root))).toEqual(["main.py"]);
  });

  it("honours .gitignore at the root and in sub-folders, and keeps ignored model files by name", async () => {
    const root = seed({
      ".gitignore": "*.log\nbuild-cache/\n",
      "backend/.gitignore": "/weights/\nlocal.db\n",
      "backend/weights/model.pt": "x",
      "backend/local.db": "x",
      "backend/app.py": "x",
      "backend/models/clf.joblib": "x",
      "server.log": "x",
      "build-cache/x.js": "x",
      "keep.txt": "x",
    });
    const r = await walk(root, { keepIgnored: (rel) => rel.endsWith(".db") });
    expect(paths(r)).toEqual(["backend/app.py", "backend/models/clf.joblib", "keep.txt"]);
    expect(r.ignoredFiles).toEqual(["backend/local.db"]);
  });

  it("follows a symlinked folder once and reports a loop instead of hanging", async () => {
    const root = seed({ "pkg/mod.py": "x" });
    symlinkSync(path.join(root, "pkg"), path.join(root, "pkg", "again"));
    symlinkSync(path.join(root, "missing"), path.join(root, "dangling"));
    const r = await walk(root);
    expect(paths(r)).toEqual(["pkg/mod.py"]);
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(["broken-symlink", "symlink-loop"]);
  });

  it("reports size and allocated blocks so a sparse file is recognisable", async () => {
    const root = seed({});
    mkdirSync(path.join(root, "models"));
    const fd = openSync(path.join(root, "models", "big.safetensors"), "w");
    ftruncateSync(fd, 3 * 1024 ** 3);
    closeSync(fd);
    const [f] = (await walk(root)).files;
    expect(f?.size).toBe(3 * 1024 ** 3);
    expect(f?.allocated).toBeLessThan(1024 * 1024);
  });
});
