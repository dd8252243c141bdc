/** models-loader target: shipfit_models.py beside every Python service, the asset itself; written once when docker writes it too. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate, generateFiles, TARGETS } from "../../src/generate/index.js";
import { generateContext } from "../../src/generate/context.js";
import { LOADER_FILE, loaderSource, modelsLoader } from "../../src/generate/targets/models-loader.js";
import { scan } from "../../src/scan/scan.js";

const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;
const asset = new URL("../../src/generate/assets/shipfit_models.py", import.meta.url).pathname;

describe("models-loader", () => {
  it("is a target of its own (and of `all`)", () => {
    expect(TARGETS).toContain("models-loader");
  });

  it.each([
    ["fraud-automl", ["shipfit_models.py"]],
    ["maintenance-procedures", ["backend/shipfit_models.py"]],
    ["feat-005", ["frontend/shipfit_models.py", "shipfit_models.py"]],
    ["ai-ko-backend", ["shipfit_models.py"]],
  ])("%s: one loader per Python service folder (feat-005's Gradio front end is one), none beside a Node front end", async (name, paths) => {
    const files = modelsLoader.generate(generateContext(await scan(example(name))));
    expect(files.map((f) => f.path)).toEqual(paths);
    for (const f of files) {
      expect(f.content).toBe(readFileSync(asset, "utf8"));
      expect(f.format).toBe("python");
      expect(f.target).toBe("models-loader");
      expect(f.fixes.length).toBeGreaterThan(0);
    }
  });

  it("fraud-automl: says which model files it lets leave the image", async () => {
    const [f] = modelsLoader.generate(generateContext(await scan(example("fraud-automl"))));
    expect(f?.fixes.join("\n")).toMatch(/lets the 80 model file\(s\) \(\d+\.\d MB\) in 40 folder\(s\) leave the image/);
  });

  it("docker and models-loader together write shipfit_models.py once", async () => {
    const model = await scan(example("fraud-automl"));
    const files = generate(model, ["docker", "models-loader"]);
    expect(files.filter((f) => f.path === LOADER_FILE)).toHaveLength(1);
    const ctx = generateContext(model);
    expect(generateFiles(ctx, ["models-loader", "docker", "models-loader"]).map((f) => f.path).sort()).toEqual([".dockerignore", "Dockerfile", LOADER_FILE].sort());
  });

  it("is valid Python 3 that the standard library compiles, with its own CLI help", () => {
    expect(loaderSource()).toMatch(/^#!\/usr\/bin\/env python3\n"""/);
    execFileSync("/usr/bin/python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", asset]);
    const help = execFileSync("/usr/bin/python3", [asset, "pull", "--help"], { encoding: "utf8", env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1" } });
    expect(help).toMatch(/--manifest MANIFEST/);
    expect(help).toMatch(/--into INTO/);
    expect(help).toMatch(/--lock-timeout LOCK_TIMEOUT/);
  });
});
