/**
 * Railway config-as-code: `railway.json` (strict JSON) or `railway.toml`, chosen by extension.
 * One file configures one service: its start command becomes process "web", a pre-deploy command
 * process "release". Railway deprecates both files for `.railway/railway.ts`; legacy services keep
 * working until 2026-12-01 (shared/research/platforms.md), which an info diagnostic says.
 */
import type { DeployFile } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import type { DeployFacts } from "../facts.js";
import {
  emptyFacts,
  guarded,
  isRecord,
  lineOfKey,
  looksBinary,
  parseError,
  parseJson,
  parseTomlText,
  processFrom,
  str,
  stripBom,
} from "./common.js";

/** Parse railway.json or railway.toml (by the extension of `file`). */
export function parseRailway(text: string, file: string): DeployFacts {
  return guarded(file, "railway", () => {
    if (looksBinary(text)) return emptyFacts(file, "railway", [parseError(file, `${file} is not a text file`)]);
    const body = stripBom(text);
    const { value, diagnostics } = /\.toml$/i.test(file) ? parseTomlText(body, file) : parseJson(body, file);
    if (value === undefined) return emptyFacts(file, "railway", diagnostics);
    if (!isRecord(value)) {
      return emptyFacts(file, "railway", [parseError(file, `${file} must hold an object at the top level`, 1)]);
    }
    diagnostics.push(
      diagnostic(
        "info",
        "railway-config-legacy",
        `Railway deprecates ${file.slice(file.lastIndexOf("/") + 1)} in favour of .railway/railway.ts; legacy services keep working until 2026-12-01`,
        [at(file, 1)],
      ),
    );

    const build = isRecord(value.build) ? value.build : {};
    const deploy = isRecord(value.deploy) ? value.deploy : {};
    const notes: string[] = [];
    const note = (label: string, v: unknown): void => {
      const s = str(v) ?? (typeof v === "boolean" ? String(v) : undefined);
      if (s !== undefined && s.length <= 200) notes.push(`${label} ${s}`);
    };
    note("builder", build.builder);
    note("dockerfilePath", build.dockerfilePath);
    note("numReplicas", deploy.numReplicas);
    note("sleepApplication", deploy.sleepApplication);
    note("cronSchedule", deploy.cronSchedule);
    note("restartPolicyType", deploy.restartPolicyType);
    note("healthcheckTimeout", deploy.healthcheckTimeout);
    const limits = isRecord(deploy.limitOverride) && isRecord(deploy.limitOverride.containers) ? deploy.limitOverride.containers : {};
    note("memoryBytes", limits.memoryBytes);
    if (deploy.requiredMountPath !== undefined) note("requiredMountPath", deploy.requiredMountPath);

    for (const [key, v] of Object.entries({ startCommand: deploy.startCommand, healthcheckPath: deploy.healthcheckPath, preDeployCommand: deploy.preDeployCommand })) {
      if (v !== undefined && typeof v !== "string" && !(key === "preDeployCommand" && Array.isArray(v))) {
        diagnostics.push(
          diagnostic("warning", "deploy-invalid-value", `deploy.${key} in ${file} should be a string`, [at(file, lineOfKey(body, key))]),
        );
      }
    }

    const startCommand = typeof deploy.startCommand === "string" ? deploy.startCommand : undefined;
    const healthPath = typeof deploy.healthcheckPath === "string" ? deploy.healthcheckPath : undefined;
    const line = lineOfKey(body, "startCommand") ?? lineOfKey(body, "deploy") ?? lineOfKey(body, "build") ?? 1;
    const opts: { command?: string; healthPath?: string; healthLine?: number | undefined } = {};
    if (startCommand !== undefined) opts.command = startCommand;
    if (healthPath !== undefined) {
      opts.healthPath = healthPath;
      opts.healthLine = lineOfKey(body, "healthcheckPath");
    }
    const deployFile: DeployFile = {
      file,
      kind: "railway",
      processes: [processFrom("web", at(file, line, ["railway service", ...notes].join(", ")), opts)],
    };

    // preDeployCommand is a string, or (in newer schemas) a list of commands run in order.
    const pre = deploy.preDeployCommand;
    const preCommand = typeof pre === "string" ? pre : Array.isArray(pre) ? pre.filter((x) => typeof x === "string").join(" && ") : undefined;
    if (preCommand) {
      deployFile.processes.push(
        processFrom("release", at(file, lineOfKey(body, "preDeployCommand"), "railway preDeployCommand"), { command: preCommand }),
      );
    }
    return { deployFile, diagnostics };
  });
}
