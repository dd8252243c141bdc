/**
 * Every deploy-file parser, loaded together, for callers that want them synchronously (tests, the
 * library). The scan itself loads them on demand through `rules.ts`. A parser returning null means
 * the file is not a deploy file after all (an app.json that is not Heroku's, a README.md that is
 * not a Hugging Face Space).
 */
import type { DeployFileKind } from "../../core/app-model.js";
import { parseAppJson } from "./app-json.js";
import { parseCompose } from "./compose.js";
import { parseDockerfile } from "./dockerfile.js";
import { parseFly } from "./fly.js";
import { parseHfSpaceReadme } from "./hf-space.js";
import { parseProcfile } from "./procfile.js";
import { parseRailway } from "./railway.js";
import { parseRender } from "./render.js";
import { parsePythonVersionFile, parseRuntimeTxt } from "./runtime.js";
import { deployRuleFor, type DeployParser } from "./rules.js";

export { DEPLOY_FILE_RULES, deployRuleFor, type DeployFileRule, type DeployParser } from "./rules.js";

const PARSERS: Record<DeployFileKind, DeployParser | undefined> = {
  dockerfile: parseDockerfile,
  procfile: parseProcfile,
  railway: parseRailway,
  render: parseRender,
  fly: parseFly,
  "app.json": parseAppJson,
  compose: parseCompose,
  "hf-space": parseHfSpaceReadme,
  "runtime.txt": parseRuntimeTxt,
  "python-version": parsePythonVersionFile,
  vercel: undefined,
  nixpacks: undefined,
};

/** The parser for a file name (basename only), or undefined when it is not a deploy file. */
export function deployParserFor(basename: string): DeployParser | undefined {
  const rule = deployRuleFor(basename);
  return rule ? PARSERS[rule.kind] : undefined;
}

export { parseAppJson, parseCompose, parseDockerfile, parseFly, parseHfSpaceReadme, parseProcfile, parseRailway, parseRender, parsePythonVersionFile, parseRuntimeTxt };
export { dockerfileInstructions } from "./dockerfile.js";
export type { DockerInstruction } from "./dockerfile.js";
export { datastoreOfImage } from "./common.js";
