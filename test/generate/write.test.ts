import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { GeneratedFile } from "../../src/generate/types.js";
import { lineDiff, writeFiles } from "../../src/generate/write.js";
import { seed } from "../helpers/tmp.js";

const file = (p: string, content: string): GeneratedFile => ({ path: p, content, format: "text", target: "env", fixes: [] });

describe("writeFiles", () => {
  it("creates new files, leaves identical ones, and refuses to replace a different one without --force", () => {
    const dir = seed({ "Procfile": "web: python app.py\n", "same.txt": "x\n" });
    const out = writeFiles([file("Procfile", "web: gunicorn app:app\n"), file("same.txt", "x\n"), file("deep/new.txt", "n\n")], dir);
    expect(out.map((o) => [o.path, o.action, o.written])).toEqual([
      ["Procfile", "refuse", false],
      ["same.txt", "unchanged", false],
      ["deep/new.txt", "create", true],
    ]);
    expect(readFileSync(path.join(dir, "Procfile"), "utf8")).toBe("web: python app.py\n");
    expect(out[0]?.diff).toContain("-web: python app.py");
    expect(out[0]?.diff).toContain("+web: gunicorn app:app");
    expect(readFileSync(path.join(dir, "deep/new.txt"), "utf8")).toBe("n\n");
  });

  it("replaces with --force, and writes nothing with --dry-run", () => {
    const dir = seed({ "Procfile": "web: python app.py\n" });
    const dry = writeFiles([file("Procfile", "web: gunicorn app:app\n"), file("new.txt", "n\n")], dir, { force: true, dryRun: true });
    expect(dry.map((o) => o.action)).toEqual(["overwrite", "create"]);
    expect(existsSync(path.join(dir, "new.txt"))).toBe(false);
    writeFiles([file("Procfile", "web: gunicorn app:app\n")], dir, { force: true });
    expect(readFileSync(path.join(dir, "Procfile"), "utf8")).toBe("web: gunicorn app:app\n");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails in one line and leaves no temporary file when it cannot write", () => {
    const dir = seed({ blocker: "a file where a folder should be" });
    expect(() => writeFiles([file("blocker/Dockerfile", "FROM x\n")], dir)).toThrow(/blocker\/Dockerfile: cannot write \((ENOTDIR|EEXIST)\)/);
    expect(readdirSync(dir)).toEqual(["blocker"]);
  });
});

describe("lineDiff", () => {
  it("shows changed lines with context and skips the rest", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10", "LINE 10");
    const d = lineDiff(before, after);
    expect(d).toContain("-line 10");
    expect(d).toContain("+LINE 10");
    expect(d).toContain(" line 9");
    expect(d).not.toContain(" line 2\n");
    expect(d).toContain("@@");
  });
});
