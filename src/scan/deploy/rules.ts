/**
 * Which parser reads which deploy file, as one table of name patterns. Parsers are named by module
 * and loaded on demand: a repository with no YAML deploy file never loads the YAML parser.
 */
import type { DeployFileKind } from "../../core/app-model.js";
import type { DeployFacts } from "../facts.js";

/** A deploy-file parser: pure, total; null means "not a deploy file after all". */
export type DeployParser = (text: string, file: string) => DeployFacts | null;

export interface DeployFileRule {
  /** Matched against the file's basename. */
  pattern: RegExp;
  kind: DeployFileKind;
  load: () => Promise<DeployParser>;
}

/** First match wins; patterns are anchored so `Dockerfile.md` or `my-fly.toml` do not match. */
export const DEPLOY_FILE_RULES: readonly DeployFileRule[] = [
  { pattern: /^(?:dockerfile|containerfile)$/i, kind: "dockerfile", load: async () => (await import("./dockerfile.js")).parseDockerfile },
  { pattern: /^dockerfile\.(?!dockerignore$|md$|txt$|orig$|bak$|swp$)[\w.-]+$/i, kind: "dockerfile", load: async () => (await import("./dockerfile.js")).parseDockerfile },
  { pattern: /^[\w.-]+\.dockerfile$/i, kind: "dockerfile", load: async () => (await import("./dockerfile.js")).parseDockerfile },
  { pattern: /^Procfile$/, kind: "procfile", load: async () => (await import("./procfile.js")).parseProcfile },
  { pattern: /^railway\.(?:json|toml)$/, kind: "railway", load: async () => (await import("./railway.js")).parseRailway },
  { pattern: /^render\.ya?ml$/, kind: "render", load: async () => (await import("./render.js")).parseRender },
  { pattern: /^fly\.toml$/, kind: "fly", load: async () => (await import("./fly.js")).parseFly },
  { pattern: /^app\.json$/, kind: "app.json", load: async () => (await import("./app-json.js")).parseAppJson },
  { pattern: /^docker-compose(?:\.[\w.-]+)?\.ya?ml$/, kind: "compose", load: async () => (await import("./compose.js")).parseCompose },
  { pattern: /^compose(?:\.[\w.-]+)?\.ya?ml$/, kind: "compose", load: async () => (await import("./compose.js")).parseCompose },
  { pattern: /^README\.md$/, kind: "hf-space", load: async () => (await import("./hf-space.js")).parseHfSpaceReadme },
  { pattern: /^runtime\.txt$/, kind: "runtime.txt", load: async () => (await import("./runtime.js")).parseRuntimeTxt },
  { pattern: /^\.python-version$/, kind: "python-version", load: async () => (await import("./runtime.js")).parsePythonVersionFile },
];

/** The rule for a file name (basename only), or undefined when it is not a deploy file. */
export function deployRuleFor(basename: string): DeployFileRule | undefined {
  // Most files of a repository are not deploy files: rule them out before trying every pattern.
  if (!MAYBE_DEPLOY.test(basename)) return undefined;
  return DEPLOY_FILE_RULES.find((r) => r.pattern.test(basename));
}

/** A cheap first test: every name some rule above can match passes it. */
const MAYBE_DEPLOY = /^(?:docker|container|procfile|railway\.|render\.|fly\.toml|app\.json|compose|readme\.md|runtime\.txt|\.python-version)|dockerfile$/i;
