/**
 * The AppModel: everything `scan` learns about a repository, and the one structure every later
 * stage (estimate, plan, generate, report) reads. The zod schemas here are the source of truth;
 * `schema/app-model.schema.json` is generated from them (`npm run schema`) and published.
 *
 * Every fact carries evidence (file and line) and a confidence, so a reader can ask "why?".
 */
import { z } from "zod";

/** Where a fact was seen: a repo-relative POSIX path and a 1-based line. Never holds a secret value. */
export const Evidence = z
  .object({
    file: z.string().describe("Repository-relative POSIX path"),
    line: z.number().int().min(1).optional().describe("1-based line number"),
    note: z.string().optional().describe("What was seen there, in a few words (never a secret value)"),
  })
  .describe("Where a fact was seen");
export type Evidence = z.infer<typeof Evidence>;

/**
 * How sure the scan is. `high`: declared explicitly (a Procfile command, a literal in code).
 * `medium`: inferred from a strong convention (framework default port). `low`: a guess.
 */
export const Confidence = z.enum(["high", "medium", "low"]);
export type Confidence = z.infer<typeof Confidence>;

/** A value with the reasons the scan believes it. */
export const fact = <T extends z.ZodType>(value: T) =>
  z.object({ value, confidence: Confidence, evidence: z.array(Evidence) });
export type Fact<T> = { value: T; confidence: Confidence; evidence: Evidence[] };

export const Language = z.enum(["python", "node"]);
export type Language = z.infer<typeof Language>;

export const FrameworkId = z.enum([
  "flask",
  "fastapi",
  "starlette",
  "django",
  "gradio",
  "streamlit",
  "celery",
  "flask-socketio",
  "nextjs",
  "react-vite",
  "vite",
  "express",
]);
export type FrameworkId = z.infer<typeof FrameworkId>;

export const ServiceKind = z.enum(["web", "worker", "frontend"]);
export type ServiceKind = z.infer<typeof ServiceKind>;

export const StartSource = z.enum([
  "procfile",
  "dockerfile",
  "railway",
  "render",
  "fly",
  "app.json",
  "compose",
  "package.json",
  "launcher",
  "code",
  "inferred",
]);
export type StartSource = z.infer<typeof StartSource>;

export const ServerKind = z.enum([
  "gunicorn",
  "uvicorn",
  "hypercorn",
  "daphne",
  "waitress",
  "celery",
  "flask-dev",
  "gradio",
  "streamlit",
  "python",
  "next",
  "vite",
  "node",
]);
export type ServerKind = z.infer<typeof ServerKind>;

/** How the process serves: which server, how many workers, and the settings that multiply memory. */
export const ServerSettings = z.object({
  kind: ServerKind,
  workers: z.number().int().min(1).optional().describe("Worker processes (gunicorn -w, uvicorn --workers, celery --concurrency)"),
  workersFromEnv: z.string().optional().describe("Environment variable the worker count is read from, e.g. WEB_CONCURRENCY"),
  threads: z.number().int().min(1).optional(),
  workerClass: z.string().optional(),
  preload: z.boolean().optional().describe("gunicorn --preload: the app loads once before forking, pages shared copy-on-write"),
  timeoutSeconds: z.number().optional(),
  pool: z.string().optional().describe("celery --pool (prefork, solo, threads, gevent…)"),
  evidence: z.array(Evidence),
});
export type ServerSettings = z.infer<typeof ServerSettings>;

export const StartCommand = z.object({
  command: z.string(),
  source: StartSource,
  confidence: Confidence,
  evidence: z.array(Evidence),
});
export type StartCommand = z.infer<typeof StartCommand>;

export const DependencySource = z.enum(["registry", "url", "vcs", "path"]);

/** One declared dependency, its name normalized (PEP 503 for Python). */
export const Dependency = z.object({
  name: z.string().describe("Normalized name (PEP 503 for PyPI: lowercase, runs of -_. become -)"),
  ecosystem: z.enum(["pypi", "npm"]),
  specifier: z.string().optional().describe("Version specifier as written, e.g. ==2.6.0 or ^14.2.0"),
  pinned: z.string().optional().describe("Exact version when pinned (== or a lockfile)"),
  extras: z.array(z.string()).optional(),
  marker: z.string().optional().describe("PEP 508 environment marker"),
  source: DependencySource,
  url: z.string().optional(),
  group: z.string().optional().describe("main, dev, optional:<name>…"),
  localVersion: z.string().optional().describe("PEP 440 local version label, e.g. cpu in 2.6.0+cpu"),
  evidence: Evidence,
});
export type Dependency = z.infer<typeof Dependency>;

export const ManifestKind = z.enum([
  "requirements",
  "pyproject",
  "pipfile",
  "setup.py",
  "setup.cfg",
  "package.json",
]);
export type ManifestKind = z.infer<typeof ManifestKind>;

/** A dependency manifest and what it declares; `lockfile` tells which file pins it. */
export const Manifest = z.object({
  file: z.string(),
  kind: ManifestKind,
  packageManager: z.enum(["pip", "poetry", "uv", "pdm", "pipenv", "setuptools", "npm", "yarn", "pnpm", "bun"]),
  lockfile: z.string().optional(),
  includes: z.array(z.string()).describe("Files pulled in with -r / -c"),
  indexUrls: z.array(z.string()).describe("--index-url / --extra-index-url / [[tool.poetry.source]] / [[tool.uv.index]]"),
  pythonRequires: z.string().optional(),
  dependencies: z.array(Dependency),
});
export type Manifest = z.infer<typeof Manifest>;

export const TorchVariant = z.object({
  present: z.boolean(),
  cpuOnly: z.boolean().describe("Pinned to CPU wheels (+cpu local version or the CPU index URL)"),
  evidence: z.array(Evidence),
});

export const ModelFormat = z.enum([
  "joblib",
  "pickle",
  "pytorch",
  "safetensors",
  "onnx",
  "keras",
  "h5",
  "checkpoint",
  "gguf",
  "tflite",
  "bin",
  "unknown",
]);
export type ModelFormat = z.infer<typeof ModelFormat>;

/** A model file committed to the repository (stat'ed and sniffed, never read whole). */
export const ModelFile = z.object({
  path: z.string(),
  format: ModelFormat,
  bytes: z.number().int().min(0).describe("Size on disk; for a Git LFS pointer, the size the pointer declares"),
  lfsPointer: z.boolean().describe("A Git LFS pointer file: the real bytes are not in the checkout"),
  sparse: z.boolean().optional().describe("Fewer blocks allocated than the size says"),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ModelLoader = z.enum([
  "from_pretrained",
  "pipeline",
  "hf_hub_download",
  "snapshot_download",
  "SentenceTransformer",
  "torch.hub.load",
  "whisper.load_model",
  "torchvision",
  "torch.load",
  "joblib.load",
  "pickle.load",
  "xgboost.load_model",
  "keras.load_model",
  "onnxruntime",
  "other",
]);
export type ModelLoader = z.infer<typeof ModelLoader>;

/** A model the code loads: fetched at run time (a hub id) or read from a local path. */
export const ModelLoad = z.object({
  loader: ModelLoader,
  modelId: z.string().optional().describe("Hub model name when literal, e.g. distilbert-base-uncased"),
  path: z.string().optional().describe("Local path or pattern when literal"),
  fromEnv: z.string().optional().describe("Environment variable the name comes from"),
  remote: z.boolean().describe("Downloaded at run time rather than read from the repository"),
  stage: z.enum(["runtime", "build"]).optional().describe("build: a script the Dockerfile runs (RUN python warmup.py) fetches it into the image"),
  evidence: Evidence,
});
export type ModelLoad = z.infer<typeof ModelLoad>;

export const DatastoreKind = z.enum(["postgresql", "sqlite", "redis", "s3", "mysql", "mongodb"]);
export type DatastoreKind = z.infer<typeof DatastoreKind>;

export const Datastore = z.object({
  kind: DatastoreKind,
  path: z.string().optional().describe("SQLite file path when literal"),
  envVar: z.string().optional().describe("Variable that holds the connection string / bucket"),
  confidence: Confidence,
  evidence: z.array(Evidence),
});
export type Datastore = z.infer<typeof Datastore>;

export const ExternalApiKind = z.enum([
  "openai",
  "anthropic",
  "huggingface-inference",
  "supabase",
  "google-oauth",
  "aws",
  "stripe",
  "replicate",
]);
export type ExternalApiKind = z.infer<typeof ExternalApiKind>;

export const ExternalApi = z.object({
  kind: ExternalApiKind,
  confidence: Confidence,
  evidence: z.array(Evidence),
});
export type ExternalApi = z.infer<typeof ExternalApi>;

export const EnvVar = z.object({
  name: z.string(),
  hasDefault: z.boolean().describe("Every read seen supplies a default"),
  secret: z.boolean().describe("The name looks like a credential (KEY, TOKEN, SECRET, PASSWORD…)"),
  services: z.array(z.string()),
  evidence: z.array(Evidence),
});
export type EnvVar = z.infer<typeof EnvVar>;

export const DiskWriteKind = z.enum(["sqlite", "uploads", "cache", "models", "logs", "output", "other"]);
export type DiskWriteKind = z.infer<typeof DiskWriteKind>;

/** A path the app writes to at run time: lost on an ephemeral disk unless it is a mounted volume. */
export const DiskWrite = z.object({
  path: z.string().describe("Literal path or pattern; an env var name in ${} when the path comes from one"),
  kind: DiskWriteKind,
  service: z.string().optional(),
  confidence: Confidence,
  evidence: z.array(Evidence),
});
export type DiskWrite = z.infer<typeof DiskWrite>;

export const Subprocess = z.object({
  command: z.string().describe("The command as far as it is literal, e.g. python -m kokoro"),
  /** Python module or script it runs (`-m kokoro`, `worker.py`), when it runs Python. */
  python: z.string().optional().describe("Module (-m) or script the Python subprocess runs"),
  imports: z.array(z.string()).optional().describe("Third-party modules that code imports, when it is the app's own module"),
  evidence: Evidence,
});
export type Subprocess = z.infer<typeof Subprocess>;

export const DeployFileKind = z.enum([
  "dockerfile",
  "procfile",
  "railway",
  "render",
  "fly",
  "app.json",
  "compose",
  "hf-space",
  "vercel",
  "nixpacks",
  "runtime.txt",
  "python-version",
]);
export type DeployFileKind = z.infer<typeof DeployFileKind>;

/** A process a deploy file declares: the raw material services are built from. */
export const DeclaredProcess = z.object({
  name: z.string().describe("Procfile type, compose service, render service name…"),
  command: z.string().optional(),
  port: z.number().int().optional(),
  root: z.string().optional().describe("Directory the process builds from (compose build context, render rootDir)"),
  healthPath: z.string().optional(),
  healthLine: z.number().int().min(1).optional().describe("Line the health check is declared on"),
  evidence: Evidence,
});
export type DeclaredProcess = z.infer<typeof DeclaredProcess>;

export const DeployFile = z.object({
  file: z.string(),
  kind: DeployFileKind,
  processes: z.array(DeclaredProcess),
  pythonVersion: z.string().optional(),
  pythonVersionLine: z.number().int().min(1).optional(),
  baseImage: z.string().optional(),
  exposedPorts: z.array(z.number().int()).optional(),
  exposeLine: z.number().int().min(1).optional().describe("Line of the first EXPOSE"),
  env: z.array(z.string()).optional().describe("Variable names the file sets (never values)"),
});
export type DeployFile = z.infer<typeof DeployFile>;

export const SecretKind = z.enum([
  "env-file",
  "openai-key",
  "anthropic-key",
  "aws-access-key",
  "aws-secret-key",
  "huggingface-token",
  "github-token",
  "slack-token",
  "stripe-key",
  "google-api-key",
  "private-key",
  "password-in-url",
  "jwt",
  "generic-secret",
]);
export type SecretKind = z.infer<typeof SecretKind>;

/** A committed secret, by file, line and kind only: the value is never stored. */
export const SecretFinding = z.object({
  file: z.string(),
  line: z.number().int().min(1),
  kind: SecretKind,
  name: z.string().optional().describe("Variable name when the secret is an assignment"),
});
export type SecretFinding = z.infer<typeof SecretFinding>;

export const DiagnosticLevel = z.enum(["error", "warning", "info"]);
export const Diagnostic = z.object({
  level: DiagnosticLevel,
  code: z.string().describe("Stable kebab-case id, e.g. ambiguous-framework"),
  message: z.string(),
  service: z.string().optional(),
  evidence: z.array(Evidence),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

export const Service = z.object({
  id: z.string().describe("Stable id, unique in the model (e.g. web, worker, frontend, backend)"),
  kind: ServiceKind,
  root: z.string().describe("Folder the service builds from, repository-relative ('.' for the root)"),
  language: Language,
  frameworks: z.array(fact(FrameworkId)),
  entry: fact(z.string()).optional().describe("module:object (e.g. run:app) or a script path"),
  start: StartCommand.optional(),
  server: ServerSettings.optional(),
  port: fact(z.number().int()).optional(),
  readsPortEnv: fact(z.boolean()),
  portVar: z.string().optional().describe("Environment variable the port is read from when it is not PORT (e.g. API_PORT)"),
  bindHost: fact(z.string()).optional(),
  healthPath: fact(z.string()).optional(),
  manifests: z.array(z.string()).describe("Manifest files whose dependencies this service installs"),
  pythonVersion: fact(z.string()).optional(),
  nodeVersion: fact(z.string()).optional(),
  torch: TorchVariant.optional(),
  imports: z.array(z.string()).describe("Top-level third-party modules its code imports"),
  modelLoads: z.array(ModelLoad),
  subprocesses: z.array(Subprocess),
  envVars: z.array(z.string()),
  gpu: fact(z.boolean()),
  files: z
    .object({
      count: z.number().int(),
      bytes: z.number().int().describe("App files its image copies (model files and .dockerignored paths left out)"),
      models: z.array(z.string()).describe("Model files in its folder that an image built from it would contain"),
    })
    .describe("What `COPY . .` of the service's folder brings into an image"),
});
export type Service = z.infer<typeof Service>;

export const ScanStats = z.object({
  filesSeen: z.number().int(),
  filesRead: z.number().int(),
  dirsIgnored: z.number().int(),
});

export const AppModel = z
  .object({
    schemaVersion: z.literal(1),
    name: z.string().describe("Repository folder name"),
    services: z.array(Service),
    manifests: z.array(Manifest),
    models: z.object({ files: z.array(ModelFile), loads: z.array(ModelLoad) }),
    envVars: z.array(EnvVar),
    datastores: z.array(Datastore),
    externalApis: z.array(ExternalApi),
    diskWrites: z.array(DiskWrite),
    deployFiles: z.array(DeployFile),
    secrets: z.array(SecretFinding),
    diagnostics: z.array(Diagnostic),
    stats: ScanStats,
  })
  .describe("What shipfit scan found in a repository, with evidence for every fact");
export type AppModel = z.infer<typeof AppModel>;
