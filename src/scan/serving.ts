/**
 * How a service is reached: its server, worker count, port, whether it takes $PORT, the host it
 * binds and its health path — from the start command first, then the code that starts the server,
 * then the server's documented defaults (src/data/servers.json).
 */
import type { Evidence, FrameworkId, Service, StartCommand } from "../core/app-model.js";
import { at, factOf } from "../core/evidence.js";
import serverData from "../data/servers.json" with { type: "json" };
import type { Declared } from "./declared.js";
import { precedence } from "./declared.js";
import type { CommandFacts, EnvRead, RunCall } from "./facts.js";

interface ServerDefault {
  host: string;
  port: number;
  readsPort: boolean;
  healthPath?: string;
  source: string;
}
const SERVERS = serverData.servers as Record<string, ServerDefault>;
const FRAMEWORK_SERVER = serverData.frameworks as Record<string, string>;

const HEALTH_ROUTE = /^\/(?:api\/)?(?:v\d+\/)?(?:health|healthz|healthcheck|health-check|ping|status|ready|readyz|livez)\/?$/i;

const RUN_CALL_SERVER: Record<RunCall["kind"], string> = {
  "flask-run": "flask-dev",
  "socketio-run": "flask-dev",
  "uvicorn-run": "uvicorn",
  "gradio-launch": "gradio",
  "hypercorn-run": "hypercorn",
  "waitress-serve": "waitress",
  other: "python",
};

export interface RunCallRef {
  file: string;
  call: RunCall;
}

/** What a platform builder would run for a framework when nothing declares a start command. */
export function inferredStart(framework: FrameworkId, entry: string, evidence: Evidence[]): StartCommand {
  const commands: Partial<Record<FrameworkId, string>> = {
    flask: `gunicorn --bind 0.0.0.0:$PORT ${entry}`,
    fastapi: `uvicorn ${entry} --host 0.0.0.0 --port $PORT`,
    starlette: `uvicorn ${entry} --host 0.0.0.0 --port $PORT`,
    django: `gunicorn --bind 0.0.0.0:$PORT ${entry}`,
    streamlit: `streamlit run ${entry} --server.port $PORT --server.address 0.0.0.0`,
    gradio: `python ${entry.split(":")[0]?.replace(/\./g, "/")}.py`,
  };
  return { command: commands[framework] ?? `python ${entry}`, source: "inferred", confidence: "low", evidence };
}

/** Evidence for the port and the host beyond the start command or run call. */
export interface ExtraEvidence {
  port?: Evidence[];
  host?: Evidence[];
}

/**
 * Fills in a run call's host and port that come from another module (`settings.api_port`), using
 * the env reads seen in the service's files: a pydantic field api_port reads API_PORT, or
 * PREFIX_API_PORT under an env_prefix.
 */
export function resolveRefs(call: RunCall, envReads: { read: EnvRead; file: string }[]): { call: RunCall; extra: ExtraEvidence } {
  const out = { ...call };
  const extra: ExtraEvidence = {};
  const find = (ref: string | undefined) => {
    if (!ref) return undefined;
    const upper = ref.toUpperCase();
    return envReads.find((e) => e.read.name.toUpperCase() === upper) ?? envReads.find((e) => e.read.name.toUpperCase().endsWith(`_${upper}`));
  };
  const port = find(call.portRef);
  if (port && out.port === undefined && !out.portFromEnv) {
    out.portFromEnv = port.read.name;
    if (typeof port.read.defaultValue === "number") out.port = port.read.defaultValue;
    extra.port = [at(port.file, port.read.line, `${call.portRef} reads ${port.read.name}`)];
  }
  const host = find(call.hostRef);
  if (host && out.host === undefined && !out.hostFromEnv) {
    out.hostFromEnv = host.read.name;
    if (typeof host.read.defaultValue === "string") out.host = host.read.defaultValue;
    extra.host = [at(host.file, host.read.line, `${call.hostRef} reads ${host.read.name}`)];
  }
  return { call: out, extra };
}

/** Server kind, workers, port, $PORT and bind host, from the command, else the code, else defaults. */
export function applyServer(service: Service, cmd: CommandFacts, start: StartCommand | undefined, runCall: RunCallRef | undefined, framework: FrameworkId | undefined, extra: ExtraEvidence = {}): void {
  const call = runCall?.call;
  const startEvidence = start?.evidence ?? [];
  // Facts read off a command shipfit inferred are only as sure as the inference.
  const sure = start?.source === "inferred" ? start.confidence : "high";
  let serverKind = cmd.server?.kind as string | undefined;
  if ((!serverKind || serverKind === "python") && call) serverKind = RUN_CALL_SERVER[call.kind];
  if (!serverKind && framework) serverKind = FRAMEWORK_SERVER[framework];
  if (serverKind) {
    service.server = { ...(cmd.server ?? {}), kind: serverKind as NonNullable<Service["server"]>["kind"], evidence: startEvidence };
    if (call?.workers && !cmd.server?.workers) service.server.workers = call.workers;
  }
  const defaults = serverKind ? SERVERS[serverKind] : undefined;
  const callAt = call && runCall ? [at(runCall.file, call.line)] : [];
  const anchor = (note: string) => at(startEvidence[0]?.file ?? runCall?.file ?? service.root, startEvidence[0]?.line ?? call?.line, note);
  const notPort = (name: string | undefined) => (name && name !== "PORT" ? `reads ${name}, not PORT` : undefined);

  // Port: the command wins; a script that runs its own server decides; else the server's default.
  if (cmd.portFromEnv || cmd.port !== undefined) {
    if (cmd.port !== undefined) service.port = factOf(cmd.port, sure, startEvidence);
    const note = notPort(cmd.portFromEnv);
    if (note && cmd.portFromEnv) service.portVar = cmd.portFromEnv;
    service.readsPortEnv = factOf(cmd.portFromEnv === "PORT", sure, note ? startEvidence.map((e) => ({ ...e, note })) : startEvidence);
  } else if (call && (call.port !== undefined || call.portFromEnv)) {
    const evidence = [...callAt, ...(extra.port ?? [])];
    if (call.port !== undefined) service.port = factOf(call.port, "high", evidence);
    const note = notPort(call.portFromEnv);
    if (note && call.portFromEnv) service.portVar = call.portFromEnv;
    service.readsPortEnv = factOf(call.portFromEnv === "PORT", "high", note ? evidence.map((e, i) => (i === 0 ? { ...e, note } : e)) : evidence);
  } else if (defaults) {
    service.port = factOf(defaults.port, "medium", [anchor(`${serverKind} default port`)]);
    service.readsPortEnv = factOf(defaults.readsPort, "medium", [anchor(defaults.readsPort ? `${serverKind} binds $PORT when set` : `${serverKind} does not read $PORT`)]);
  }

  // Bind host, same order. gunicorn binds 0.0.0.0 when it takes $PORT.
  if (cmd.host) service.bindHost = factOf(cmd.host, sure, startEvidence);
  else if (call && (call.host || call.hostFromEnv)) {
    const evidence = [...callAt, ...(extra.host ?? [])];
    service.bindHost = factOf(call.host ?? "127.0.0.1", call.host ? "high" : "medium", evidence.map((e, i) => (i === 0 && call.hostFromEnv ? { ...e, note: `from ${call.hostFromEnv}` } : e)));
  } else if (defaults) {
    const host = serverKind === "gunicorn" && service.readsPortEnv.value ? "0.0.0.0" : defaults.host;
    service.bindHost = factOf(host, "medium", [anchor(`${serverKind} default host`)]);
  }
}

/** Declared health check first, then a health-looking route, then the server's built-in endpoint. */
export function applyHealth(service: Service, decls: Declared[], routes: { path: string; file: string; line: number }[]): void {
  const declared = [...decls].sort((a, b) => precedence(a.source) - precedence(b.source)).find((d) => d.healthPath);
  if (declared?.healthPath) {
    service.healthPath = factOf(declared.healthPath, "high", [declared.healthEvidence ?? declared.evidence]);
    return;
  }
  const route = routes.find((r) => HEALTH_ROUTE.test(r.path));
  if (route) {
    service.healthPath = factOf(route.path, "high", [at(route.file, route.line, "route")]);
    return;
  }
  const builtIn = service.server ? SERVERS[service.server.kind]?.healthPath : undefined;
  const file = service.start?.evidence[0]?.file ?? service.entry?.evidence[0]?.file;
  if (builtIn && file) service.healthPath = factOf(builtIn, "medium", [at(file, undefined, `${service.server?.kind} built-in health endpoint`)]);
}
