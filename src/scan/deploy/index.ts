/**
 * Which parser reads which deploy file, as one table of name patterns. The caller walks the tree,
 * asks `deployParserFor(basename)`, and ignores files whose parser returns null (an app.json that
 * is not Heroku's, a README.md that is not a Hugging Face Space).
 */
import type { DeployFileKind } from "../../core/app-model.js";
import type { DeployFacts } from "../facts.js";
import { parseAppJson } from "./app-json.js";
import { parseCompose } from "./compose.js";
import { parseDockerfile } from "./dockerfile.js";
import { parseFly } from "./fly.js";
import { parseHfSpaceReadme } from "./hf-space.js";
import { parseProcfile } from "./procfile.js";
import { parseRailway } from "./railway.js";
import { parseRender } from "./render.js";
import { parsePythonVersionFile, parseRuntimeTxt } from "./runtime.js";

/** A deploy-file parser: pure, total; null means "not a deploy file after all". */
export type DeployParser = (text: string, file: string) => DeployFacts | null;

export interface DeployFileRule {
  /** Matched against the file's basename. */
  pattern: RegExp;
  kind: DeployFileKind;
  parse: DeployParser;
}

/** First match wins; patterns are anchored so `Dockerfile.md` or `my-fly.toml` do not match. */
export const DEPLOY_FILE_RULES: readonly DeployFileRule[] = [
  { pattern: /^(?:dockerfile|containerfile)$/i, kind: "dockerfile", parse: parseDockerfile },
  { pattern: /^dockerfile\.(?!dockerignore$|md$|txt$|orig$|bak$|swp$)[\w.-]+$/i, kind: "dockerfile", parse: parseDockerfile },
  { pattern: /^[\w.-]+\.dockerfile$/i, kind: "dockerfile", parse: parseDockerfile },
  { pattern: /^Procfile$/, kind: "procfile", parse: parseProcfile },
  { pattern: /^railway\.(?:json|toml)$/, kind: "railway", parse: parseRailway },
  { pattern: /^render\.ya?ml$/, kind: "render", parse: parseRender },
  { pattern: /^fly\.toml$/, kind: "fly", parse: parseFly },
  { pattern: /^app\.json$/, kind: "app.json", parse: parseAppJson },
  { pattern: /^docker-compose(?:\.[\w.-]+)?\.ya?ml$/, kind: "compose", parse: parseCompose },
  { pattern: /^compose(?:\.[\w.-]+)?\.ya?ml$/, kind: "compose", parse: parseCompose },
  { pattern: /^README\.md$/, kind: "hf-space", parse: parseHfSpaceReadme },
  { pattern: /^runtime\.txt$/, kind: "runtime.txt", parse: parseRuntimeTxt },
  { pattern: /^\.python-version$/, kind: "python-version", parse: parsePythonVersionFile },
];

/** The parser for a file name (basename only), or undefined when it is not a deploy file. */
export function deployParserFor(basename: string): DeployParser | undefined {
  return DEPLOY_FILE_RULES.find((r) => r.pattern.test(basename))?.parse;
}

export { parseAppJson, parseCompose, parseDockerfile, parseFly, parseHfSpaceReadme, parseProcfile, parseRailway, parseRender, parsePythonVersionFile, parseRuntimeTxt };
export { dockerfileInstructions } from "./dockerfile.js";
export type { DockerInstruction } from "./dockerfile.js";
export { datastoreOfImage } from "./common.js";
