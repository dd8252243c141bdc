/**
 * Render Blueprint (`render.yaml`): each `services[]` entry is a process (web, worker, pserv, cron,
 * static); key-value (Redis) services and `databases[]` are datastores, reported as info diagnostics.
 * Env var names come from `envVars[].key` and `envVarGroups[].envVars[].key`; values are never kept.
 */
import type { DeployFile, Diagnostic } from "../../core/app-model.js";
import { at, diagnostic } from "../../core/evidence.js";
import { parseCommand } from "../command.js";
import type { DeployFacts } from "../facts.js";
import {
  datastoreDeclared,
  guarded,
  isRecord,
  normDir,
  processFrom,
  str,
  unique,
  yamlLine,
  yamlMapping,
} from "./common.js";

const DATASTORE_TYPES = new Set(["keyvalue", "redis"]);

/** Parse a render.yaml Blueprint. */
export function parseRender(text: string, file: string): DeployFacts {
  return guarded(file, "render", () => {
    const top = yamlMapping(text, file, "render");
    if ("facts" in top) return top.facts;
    const { yaml: y, root, diagnostics } = top;

    const deployFile: DeployFile = { file, kind: "render", processes: [] };
    const env: string[] = [];
    const out: Diagnostic[] = [...diagnostics];
    const envKeys = (list: unknown): void => {
      if (!Array.isArray(list)) return;
      for (const e of list) if (isRecord(e) && typeof e.key === "string" && e.key !== "") env.push(e.key);
    };

    const services = Array.isArray(root.services) ? root.services : [];
    if (root.services !== undefined && !Array.isArray(root.services)) {
      out.push(diagnostic("warning", "deploy-invalid-value", `services in ${file} should be a list`, [at(file, yamlLine(y, ["services"]))]));
    }
    services.forEach((svc, i) => {
      const line = yamlLine(y, ["services", i]);
      if (!isRecord(svc)) {
        out.push(diagnostic("warning", "deploy-invalid-value", `services[${i}] in ${file} is not a mapping`, [at(file, line)]));
        return;
      }
      const name = str(svc.name) ?? `service-${i + 1}`;
      const type = str(svc.type) ?? "web";
      const runtime = str(svc.runtime) ?? str(svc.env);
      envKeys(svc.envVars);
      if (DATASTORE_TYPES.has(type)) {
        out.push(datastoreDeclared("redis", `render ${type} service ${name}`, at(file, line, `render ${type} service ${name}`)));
        return;
      }
      const notes = [`render ${type} service`];
      if (runtime !== undefined) notes.push(`runtime ${runtime}`);
      const plan = str(svc.plan);
      if (plan !== undefined) notes.push(`plan ${plan}`);
      const instances = str(svc.numInstances);
      if (instances !== undefined) notes.push(`numInstances ${instances}`);
      if (isRecord(svc.disk) && typeof svc.disk.mountPath === "string") notes.push(`disk at ${svc.disk.mountPath}`);
      const schedule = str(svc.schedule);
      if (schedule !== undefined) notes.push(`schedule ${schedule}`);
      const command = str(svc.startCommand) ?? str(svc.dockerCommand);
      const rootDir = str(svc.rootDir) ?? str(svc.dockerContext);
      const opts: { command?: string; root?: string; healthPath?: string; healthLine?: number | undefined; port?: number } = {};
      if (command !== undefined) opts.command = command;
      const portVar = Array.isArray(svc.envVars)
        ? svc.envVars.find((e): e is Record<string, unknown> => isRecord(e) && e.key === "PORT")
        : undefined;
      const portValue = str(portVar?.value);
      if (portValue !== undefined && /^\d{1,5}$/.test(portValue)) {
        notes.push(`env PORT=${portValue}`);
        // The command's own port wins; otherwise the app is expected to read PORT.
        if (command === undefined || parseCommand(command).port === undefined) opts.port = Number(portValue);
      }
      if (rootDir !== undefined) opts.root = normDir(rootDir);
      const health = str(svc.healthCheckPath);
      if (health !== undefined) {
        opts.healthPath = health;
        opts.healthLine = yamlLine(y, ["services", i, "healthCheckPath"]);
      }
      deployFile.processes.push(processFrom(name, at(file, line, notes.join(", ")), opts));
    });

    const groups = Array.isArray(root.envVarGroups) ? root.envVarGroups : [];
    for (const g of groups) if (isRecord(g)) envKeys(g.envVars);

    const databases = Array.isArray(root.databases) ? root.databases : [];
    databases.forEach((db, i) => {
      if (!isRecord(db)) return;
      const name = str(db.name) ?? `database-${i + 1}`;
      const pg = str(db.postgresMajorVersion);
      const what = `render database ${name}${pg ? ` (PostgreSQL ${pg})` : ""}`;
      out.push(datastoreDeclared("postgresql", what, at(file, yamlLine(y, ["databases", i]), what)));
    });

    if (env.length > 0) deployFile.env = unique(env);
    return { deployFile, diagnostics: out };
  });
}
