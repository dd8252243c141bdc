/**
 * Per-file facts: what each parser returns about one file, before the scan assembles services.
 * Parsers are pure (text in, facts out), never throw on bad input, and report problems as
 * diagnostics. Lines are 1-based.
 */
import type {
  DatastoreKind,
  Dependency,
  DeployFile,
  Diagnostic,
  DiskWriteKind,
  ExternalApiKind,
  ManifestKind,
  ModelLoader,
  ServerSettings,
} from "../core/app-model.js";

/** What a dependency-manifest parser returns. `file` paths are repo-relative POSIX. */
export interface ManifestFacts {
  kind: ManifestKind;
  dependencies: Dependency[];
  /** `-r other.txt` (requirement) and `-c constraints.txt` (constraint) includes, paths as written. */
  includes: { kind: "requirement" | "constraint"; path: string; line: number }[];
  /** --index-url / --extra-index-url / poetry or uv sources. */
  indexUrls: string[];
  /** requires-python / python_requires / [requires] python_version / tool.poetry python. */
  pythonRequires?: string;
  /** The build backend or tool the manifest is written for, when it says (poetry, pdm, setuptools, hatchling…). */
  tool?: string;
  /** Node only: scripts from package.json. */
  scripts?: Record<string, string>;
  /** Node only: engines.node. */
  nodeEngine?: string;
  /** Name of the project/package when declared. */
  projectName?: string;
  diagnostics: Diagnostic[];
}

export type PythonAppFramework = "flask" | "fastapi" | "starlette" | "gradio" | "celery" | "socketio" | "django";

/** An application object created at module level, e.g. `app = Flask(__name__)`. */
export interface AppObject {
  framework: PythonAppFramework;
  /** Variable it is bound to (`app`, `celery_app`, `demo`). */
  variable: string;
  line: number;
}

/** A call that starts serving from inside the code: app.run, uvicorn.run, socketio.run, demo.launch. */
export interface RunCall {
  kind: "flask-run" | "uvicorn-run" | "socketio-run" | "gradio-launch" | "hypercorn-run" | "waitress-serve" | "other";
  /** uvicorn.run("main:app") target when literal. */
  target?: string;
  host?: string;
  /** Env var the host comes from (e.g. API_HOST), when it does. */
  hostFromEnv?: string;
  port?: number;
  /** Env var the port comes from (e.g. PORT, API_PORT), when it does. */
  portFromEnv?: string;
  workers?: number;
  /** Inside `if __name__ == "__main__":`. */
  underMain: boolean;
  /** When host/port are not readable here: the attribute or name they come from (`settings.api_port` → api_port). */
  hostRef?: string;
  portRef?: string;
  line: number;
}

export interface EnvRead {
  name: string;
  hasDefault: boolean;
  line: number;
  /** The default when it is a literal number or string (never recorded for secret-looking names). */
  defaultValue?: string | number;
}

/** What the Python source analyzer returns for one .py file. */
export interface PythonFacts {
  /** Top-level module of every import (`from transformers import pipeline` → transformers). */
  imports: { module: string; line: number }[];
  /** Every module an import may load, dotted, relative ones with their leading dots (import graph). */
  moduleRefs: { module: string; line: number }[];
  /** Modules loaded by name: Django settings/URLconf/apps, Celery include/autodiscover, import_module. */
  stringModuleRefs: { module: string; line: number }[];
  /** Django's WSGI_APPLICATION (or ASGI_APPLICATION) as module:callable. */
  djangoApplication?: { entry: string; kind: "wsgi" | "asgi"; line: number };
  /** Defines Celery tasks (@app.task, @shared_task). */
  definesTasks: boolean;
  /** Command lists written as literals next to a spawn (`["uvicorn", "main:app"]`), with a literal `cwd` beside them. */
  commandLiterals: { command: string; cwd?: string; line: number }[];
  appObjects: AppObject[];
  /** `router`: the blueprint/APIRouter variable when another file mounts it (its prefix is added there). */
  routes: { method?: string; path: string; line: number; router?: string }[];
  /** `app.register_blueprint(x, url_prefix=…)` / `app.include_router(x, prefix=…)`: the mounted object's dotted key. */
  mounts: { target: string; prefix: string; line: number }[];
  runCalls: RunCall[];
  envReads: EnvRead[];
  modelLoads: { loader: ModelLoader; modelId?: string; path?: string; fromEnv?: string; remote: boolean; line: number; inFunction?: boolean }[];
  /** Commands spawned with subprocess / os.system / asyncio.create_subprocess_exec, literal part only. */
  subprocesses: { command: string; cwd?: string; line: number }[];
  diskWrites: { path: string; kind: DiskWriteKind; line: number }[];
  /** Lines that use CUDA: torch.cuda.*, device="cuda", .cuda(), .to("cuda"). */
  cuda: { line: number; note: string }[];
  datastores: { kind: DatastoreKind; path?: string; envVar?: string; line: number }[];
  externalApis: { kind: ExternalApiKind; line: number }[];
  /** Has `if __name__ == "__main__":`. */
  hasMainGuard: boolean;
  /** Streamlit apps have no app object: the script itself is the entry. */
  usesStreamlit: boolean;
  /** Parse errors are tolerated (lezer recovers); this counts error nodes for a diagnostic. */
  syntaxErrors: number;
}

/** What a deploy-file parser returns. */
export interface DeployFacts {
  deployFile: DeployFile;
  diagnostics: Diagnostic[];
}

/** What parsing a start command tells: server, app entry, port, host. */
export interface CommandFacts {
  server?: Omit<ServerSettings, "evidence">;
  /** module:object or script path. */
  entry?: string;
  port?: number;
  /** The command reads the port from the environment ($PORT, ${PORT:-8000}). */
  portFromEnv?: string;
  host?: string;
  /** python -m <module> target. */
  module?: string;
  /** Script run by python/node. */
  script?: string;
  /** For `npm run x` / `yarn x`: the script name. */
  npmScript?: string;
  /** Working directory changes (`cd backend && …`). */
  cwd?: string;
}

/** What the JS/TS source scanner returns for one file (front ends and launchers). */
export interface NodeSourceFacts {
  envReads: EnvRead[];
  /** Child processes spawned (launcher scripts). */
  subprocesses: { command: string; line: number; cwd?: string }[];
  listenPorts: { port?: number; portFromEnv?: string; line: number }[];
}
