import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appModelJsonSchema } from "../src/core/json-schema.js";
import { appModelErrors } from "./helpers/schema.js";

describe("published AppModel schema", () => {
  it("is the schema the zod model generates (run npm run schema after changing src/core/app-model.ts)", () => {
    const published = JSON.parse(readFileSync(new URL("../schema/app-model.schema.json", import.meta.url), "utf8"));
    expect(published).toEqual(appModelJsonSchema());
  });

  it("rejects a model with a missing field or a wrong type", () => {
    expect(appModelErrors({ schemaVersion: 1, name: "x" })).not.toEqual([]);
    const bad = { schemaVersion: 1, name: "x", services: [{ id: 3 }], manifests: [], models: { files: [], loads: [] }, envVars: [], datastores: [], externalApis: [], diskWrites: [], deployFiles: [], secrets: [], diagnostics: [], stats: { filesSeen: 0, filesRead: 0, dirsIgnored: 0 } };
    expect(appModelErrors(bad).join("\n")).toMatch(/services\/0/);
  });
});
