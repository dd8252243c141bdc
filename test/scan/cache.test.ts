import { readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../../src/scan/scan.js";
import { seed } from "../helpers/tmp.js";

const APP = {
  "requirements.txt": "fastapi==0.115.0\nuvicorn\n",
  "main.py": 'import os\nfrom fastapi import FastAPI\napp = FastAPI()\nTOKEN = os.environ["API_TOKEN"]\n',
  "Procfile": "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
};

/** Files written in a test are "racy" (mtime within 2 s): age them so the cache keeps them. */
function age(dir: string) {
  const past = new Date(Date.now() - 60_000);
  for (const f of readdirSync(dir, { recursive: true }) as string[]) utimesSync(path.join(dir, f), past, past);
}

describe("scan cache", () => {
  it("gives the same AppModel from cached facts as from a fresh parse", async () => {
    const repo = seed(APP);
    const cacheDir = seed({});
    age(repo);
    const fresh = await scan(repo);
    const first = await scan(repo, { cache: cacheDir });
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const second = await scan(repo, { cache: cacheDir });
    expect(first).toEqual(fresh);
    expect(second).toEqual(fresh);
  });

  it("re-parses a file whose size or mtime changed", async () => {
    const repo = seed(APP);
    const cacheDir = seed({});
    age(repo);
    await scan(repo, { cache: cacheDir });
    writeFileSync(path.join(repo, "main.py"), 'import os\nfrom fastapi import FastAPI\napp = FastAPI()\nKEY = os.environ["OTHER_KEY"]\n');
    age(repo);
    const model = await scan(repo, { cache: cacheDir });
    expect(model.envVars.map((v) => v.name)).toEqual(["OTHER_KEY"]);
  });

  it("does not trust facts of a file modified in the last seconds (same size, same mtime second)", async () => {
    const repo = seed(APP);
    const cacheDir = seed({});
    await scan(repo, { cache: cacheDir }); // files are brand new: nothing cached
    writeFileSync(path.join(repo, "main.py"), APP["main.py"].replace("API_TOKEN", "API_TOKXN"));
    const model = await scan(repo, { cache: cacheDir });
    expect(model.envVars.map((v) => v.name)).toEqual(["API_TOKXN"]);
  });

  it("treats a corrupt cache file as empty", async () => {
    const repo = seed(APP);
    const cacheDir = seed({});
    age(repo);
    await scan(repo, { cache: cacheDir });
    const [file] = readdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, file as string), "{ not json");
    const model = await scan(repo, { cache: cacheDir });
    expect(model.services.map((s) => s.entry?.value)).toEqual(["main:app"]);
  });
});
