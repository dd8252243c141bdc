import { describe, expect, it } from "vitest";
import { deployParserFor } from "../../../src/scan/deploy/index.js";
import { parseAppJson } from "../../../src/scan/deploy/app-json.js";
import { parseCompose } from "../../../src/scan/deploy/compose.js";
import { parseDockerfile } from "../../../src/scan/deploy/dockerfile.js";
import { parseFly } from "../../../src/scan/deploy/fly.js";
import { parseHfSpaceReadme } from "../../../src/scan/deploy/hf-space.js";
import { parseProcfile } from "../../../src/scan/deploy/procfile.js";
import { parseRailway } from "../../../src/scan/deploy/railway.js";
import { parseRender } from "../../../src/scan/deploy/render.js";
import { parsePythonVersionFile, parseRuntimeTxt } from "../../../src/scan/deploy/runtime.js";

describe("deployParserFor", () => {
  it.each([
    ["Dockerfile", parseDockerfile],
    ["dockerfile", parseDockerfile],
    ["Dockerfile.prod", parseDockerfile],
    ["Dockerfile.gpu-cuda12", parseDockerfile],
    ["api.Dockerfile", parseDockerfile],
    ["worker.dockerfile", parseDockerfile],
    ["Procfile", parseProcfile],
    ["railway.json", parseRailway],
    ["railway.toml", parseRailway],
    ["render.yaml", parseRender],
    ["render.yml", parseRender],
    ["fly.toml", parseFly],
    ["app.json", parseAppJson],
    ["docker-compose.yml", parseCompose],
    ["docker-compose.prod.yaml", parseCompose],
    ["compose.yaml", parseCompose],
    ["compose.override.yml", parseCompose],
    ["README.md", parseHfSpaceReadme],
    ["runtime.txt", parseRuntimeTxt],
    [".python-version", parsePythonVersionFile],
  ])("maps %s", (name, parser) => {
    expect(deployParserFor(name)).toBe(parser);
  });

  it.each(["Dockerfile.dockerignore", "Dockerfile.md", "Procfile.dev", "my-fly.toml", "railway.yaml", "readme.md", "package.json", "composer.json", "requirements.txt", ".dockerignore"])(
    "ignores %s",
    (name) => {
      expect(deployParserFor(name)).toBeUndefined();
    },
  );
});
