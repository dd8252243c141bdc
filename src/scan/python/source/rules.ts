/**
 * Data tables for the Python source analyzer: which dotted names mean what. Keys are fully
 * qualified after alias resolution (`gr.Blocks` is looked up as `gradio.Blocks`); a key ending in
 * `()` stands for an instance (`flask.Flask()` is an object built by `Flask(...)`).
 */
import type { DatastoreKind, DiskWriteKind, ExternalApiKind, ModelLoader } from "../../../core/app-model.js";
import type { PythonAppFramework, RunCall } from "../../facts.js";

/**
 * A lookup table with no Object.prototype behind it. Keys looked up are names from the analysed
 * code: `x.constructor(…)` or `x.toString()` must find nothing rather than a built-in method.
 */
function table<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/** Calls that build an application object. */
export const APP_CONSTRUCTORS: Record<string, PythonAppFramework> = table({
  "flask.Flask": "flask",
  "fastapi.FastAPI": "fastapi",
  "starlette.applications.Starlette": "starlette",
  "gradio.Blocks": "gradio",
  "gradio.Interface": "gradio",
  "gradio.ChatInterface": "gradio",
  "gradio.TabbedInterface": "gradio",
  "celery.Celery": "celery",
  "flask_socketio.SocketIO": "socketio",
  "socketio.Server": "socketio",
  "socketio.AsyncServer": "socketio",
  "django.core.wsgi.get_wsgi_application": "django",
  "django.core.asgi.get_asgi_application": "django",
});

/** Route containers whose routes get a prefix: FastAPI routers and Flask blueprints. */
export const ROUTER_CONSTRUCTORS: Record<string, { style: "fastapi" | "flask"; prefixKeyword: string }> = table({
  "fastapi.APIRouter": { style: "fastapi", prefixKeyword: "prefix" },
  "flask.Blueprint": { style: "flask", prefixKeyword: "url_prefix" },
});

/** Decorator method → HTTP method ("methods" reads the methods= keyword, default GET). */
export const ROUTE_DECORATORS: Record<string, string> = table({
  route: "methods",
  api_route: "methods",
  get: "GET",
  post: "POST",
  put: "PUT",
  delete: "DELETE",
  patch: "PATCH",
  head: "HEAD",
  options: "OPTIONS",
  websocket: "ws",
  websocket_route: "ws",
});

/** Route registrations by call: path position, and the method (or "methods" for the keyword). */
export const ROUTE_CALLS: Record<string, { method: string }> = table({
  add_url_rule: { method: "methods" },
  add_api_route: { method: "methods" },
  add_api_websocket_route: { method: "ws" },
  add_websocket_route: { method: "ws" },
});
/** Route objects listed in a routes table (Starlette style): constructor → method. */
export const ROUTE_OBJECTS: Record<string, string> = table({
  "starlette.routing.Route": "methods",
  "starlette.routing.WebSocketRoute": "ws",
  "fastapi.routing.APIRoute": "methods",
});

/** Where host and port sit in a run call: keyword name and, when positional, index. */
export interface RunRule {
  kind: RunCall["kind"];
  host?: [number, string];
  port?: [number, string];
  target?: boolean;
  workers?: string;
  /** waitress `listen="host:port"`. */
  listen?: string;
}

/** Module-level functions that start a server. */
export const MODULE_RUNS: Record<string, RunRule> = table({
  "uvicorn.run": { kind: "uvicorn-run", host: [-1, "host"], port: [-1, "port"], target: true, workers: "workers" },
  "uvicorn.Config": { kind: "uvicorn-run", host: [-1, "host"], port: [-1, "port"], target: true, workers: "workers" },
  "waitress.serve": { kind: "waitress-serve", host: [-1, "host"], port: [-1, "port"], listen: "listen" },
  "hypercorn.asyncio.serve": { kind: "hypercorn-run" },
  "hypercorn.trio.serve": { kind: "hypercorn-run" },
  "aiohttp.web.run_app": { kind: "other", host: [-1, "host"], port: [-1, "port"] },
});

/** Methods on application objects that start a server, by framework. */
export const METHOD_RUNS: Record<string, Partial<Record<PythonAppFramework, RunRule>>> = table({
  run: {
    flask: { kind: "flask-run", host: [0, "host"], port: [1, "port"] },
    socketio: { kind: "socketio-run", host: [1, "host"], port: [2, "port"] },
  },
  launch: {
    gradio: { kind: "gradio-launch", host: [-1, "server_name"], port: [-1, "server_port"] },
  },
});

/** How a model loader's argument is read. `hub` names are remote unless they look like a local path. */
export interface ModelRule {
  loader: ModelLoader;
  arg: [number, string];
  where: "hub" | "local";
  /** Only counts when this keyword is given (e.g. xgboost.Booster(model_file=…)). */
  requires?: string;
  idPrefix?: string;
}

/** Model loaders called by their dotted name. */
export const MODEL_CALLS: Record<string, ModelRule> = table({
  "transformers.pipeline": { loader: "pipeline", arg: [1, "model"], where: "hub" },
  "huggingface_hub.hf_hub_download": { loader: "hf_hub_download", arg: [0, "repo_id"], where: "hub" },
  "huggingface_hub.snapshot_download": { loader: "snapshot_download", arg: [0, "repo_id"], where: "hub" },
  "sentence_transformers.SentenceTransformer": { loader: "SentenceTransformer", arg: [0, "model_name_or_path"], where: "hub" },
  "sentence_transformers.CrossEncoder": { loader: "SentenceTransformer", arg: [0, "model_name"], where: "hub" },
  "whisper.load_model": { loader: "whisper.load_model", arg: [0, "name"], where: "hub", idPrefix: "whisper-" },
  "torch.load": { loader: "torch.load", arg: [0, "f"], where: "local" },
  "joblib.load": { loader: "joblib.load", arg: [0, "filename"], where: "local" },
  "pickle.load": { loader: "pickle.load", arg: [0, "file"], where: "local" },
  "cloudpickle.load": { loader: "pickle.load", arg: [0, "file"], where: "local" },
  "dill.load": { loader: "pickle.load", arg: [0, "file"], where: "local" },
  "keras.models.load_model": { loader: "keras.load_model", arg: [0, "filepath"], where: "local" },
  "keras.saving.load_model": { loader: "keras.load_model", arg: [0, "filepath"], where: "local" },
  "tensorflow.keras.models.load_model": { loader: "keras.load_model", arg: [0, "filepath"], where: "local" },
  "tensorflow.keras.saving.load_model": { loader: "keras.load_model", arg: [0, "filepath"], where: "local" },
  "tf_keras.models.load_model": { loader: "keras.load_model", arg: [0, "filepath"], where: "local" },
  "onnxruntime.InferenceSession": { loader: "onnxruntime", arg: [0, "path_or_bytes"], where: "local" },
  "xgboost.Booster": { loader: "xgboost.load_model", arg: [-1, "model_file"], where: "local", requires: "model_file" },
  "lightgbm.Booster": { loader: "other", arg: [-1, "model_file"], where: "local", requires: "model_file" },
  "tensorflow.saved_model.load": { loader: "other", arg: [0, "export_dir"], where: "local" },
  "llama_cpp.Llama": { loader: "other", arg: [-1, "model_path"], where: "local", requires: "model_path" },
  "faster_whisper.WhisperModel": { loader: "other", arg: [0, "model_size_or_path"], where: "hub", idPrefix: "faster-whisper-" },
  "spacy.load": { loader: "other", arg: [0, "name"], where: "hub" },
  "ultralytics.YOLO": { loader: "other", arg: [0, "model"], where: "hub" },
});

/** Top-level folders that mark a model name as a local path rather than a hub id. */
export const LOCAL_MODEL_DIRS = new Set([
  "models", "model", "checkpoints", "checkpoint", "ckpt", "weights", "saved_models", "saved_model", "artifacts",
  "output", "outputs", "data", "pretrained", "local_models", "app", "src", "assets",
]);
/** Extensions that make a model name a file path (config .json included: from_pretrained reads it). */
export const MODEL_FILE_EXT = /\.(pt|pth|bin|joblib|pkl|pickle|h5|keras|onnx|safetensors|gguf|ggml|ckpt|json|model|tflite|cbm|ubj)$/i;
/** Extensions that make a written file a model artifact. */
const WEIGHT_EXT = /\.(pt|pth|bin|joblib|pkl|pickle|h5|keras|onnx|safetensors|gguf|ggml|ckpt|tflite|cbm|ubj)$/;

/** Commands: `first` takes the first argument (a list or a shell string), `varargs` every positional. */
export const SUBPROCESS_CALLS: Record<string, { args: "first" | "varargs"; keyword?: string }> = table({
  "subprocess.run": { args: "first", keyword: "args" },
  "subprocess.Popen": { args: "first", keyword: "args" },
  "subprocess.call": { args: "first", keyword: "args" },
  "subprocess.check_call": { args: "first", keyword: "args" },
  "subprocess.check_output": { args: "first", keyword: "args" },
  "subprocess.getoutput": { args: "first", keyword: "cmd" },
  "subprocess.getstatusoutput": { args: "first", keyword: "cmd" },
  "os.system": { args: "first", keyword: "command" },
  "os.popen": { args: "first", keyword: "cmd" },
  "asyncio.create_subprocess_exec": { args: "varargs" },
  "asyncio.create_subprocess_shell": { args: "first", keyword: "cmd" },
});

/** Calls that write a path: which argument, and the kind (forced, or a fallback when the path says nothing). */
export interface WriteRule {
  arg: [number, string];
  kind: DiskWriteKind;
  force?: boolean;
}

/** Functions that write a path, by dotted name. */
export const WRITE_CALLS: Record<string, WriteRule> = table({
  "os.makedirs": { arg: [0, "name"], kind: "other" },
  "os.mkdir": { arg: [0, "path"], kind: "other" },
  "sqlite3.connect": { arg: [0, "database"], kind: "sqlite", force: true },
  "aiosqlite.connect": { arg: [0, "database"], kind: "sqlite", force: true },
  "joblib.dump": { arg: [1, "filename"], kind: "models", force: true },
  "torch.save": { arg: [1, "f"], kind: "models", force: true },
  "pickle.dump": { arg: [1, "file"], kind: "models", force: true },
  "cloudpickle.dump": { arg: [1, "file"], kind: "models", force: true },
  "dill.dump": { arg: [1, "file"], kind: "models", force: true },
  "logging.FileHandler": { arg: [0, "filename"], kind: "logs", force: true },
  "logging.handlers.RotatingFileHandler": { arg: [0, "filename"], kind: "logs", force: true },
  "logging.handlers.TimedRotatingFileHandler": { arg: [0, "filename"], kind: "logs", force: true },
  "logging.handlers.WatchedFileHandler": { arg: [0, "filename"], kind: "logs", force: true },
  "logging.basicConfig": { arg: [-1, "filename"], kind: "logs", force: true },
  "shutil.copy": { arg: [1, "dst"], kind: "other" },
  "shutil.copy2": { arg: [1, "dst"], kind: "other" },
  "shutil.copyfile": { arg: [1, "dst"], kind: "other" },
  "shutil.copytree": { arg: [1, "dst"], kind: "other" },
  "shutil.move": { arg: [1, "dst"], kind: "other" },
  "urllib.request.urlretrieve": { arg: [1, "filename"], kind: "other" },
  "numpy.save": { arg: [0, "file"], kind: "output" },
  "numpy.savez": { arg: [0, "file"], kind: "output" },
  "numpy.savetxt": { arg: [0, "fname"], kind: "output" },
  "matplotlib.pyplot.savefig": { arg: [0, "fname"], kind: "output" },
});

/** Methods that write to their first argument (any receiver). */
export const WRITE_METHODS: Record<string, WriteRule> = table({
  save: { arg: [0, "path"], kind: "output" },
  save_model: { arg: [0, "fname"], kind: "models" },
  save_pretrained: { arg: [0, "save_directory"], kind: "models", force: true },
  to_csv: { arg: [0, "path_or_buf"], kind: "output" },
  to_parquet: { arg: [0, "path"], kind: "output" },
  to_json: { arg: [0, "path_or_buf"], kind: "output" },
  to_excel: { arg: [0, "excel_writer"], kind: "output" },
  to_pickle: { arg: [0, "path"], kind: "output" },
  to_feather: { arg: [0, "path"], kind: "output" },
  savefig: { arg: [0, "fname"], kind: "output" },
  download_file: { arg: [2, "Filename"], kind: "other" },
});

/** Methods that write to the path they are called on (`Path(p).mkdir()`). */
export const WRITE_RECEIVER_METHODS = new Set(["mkdir", "write_text", "write_bytes", "touch"]);

/** Calls that create temporary files: always the cache kind. */
export const TEMPFILE_CALLS = new Set([
  "tempfile.mkdtemp",
  "tempfile.mkstemp",
  "tempfile.NamedTemporaryFile",
  "tempfile.TemporaryDirectory",
  "tempfile.TemporaryFile",
  "tempfile.SpooledTemporaryFile",
]);

/** Keyword arguments that name a directory written at run time, in any call. */
export const WRITE_KEYWORDS: Record<string, DiskWriteKind> = table({
  cache_dir: "cache",
  cache_folder: "cache",
  download_root: "cache",
  local_dir: "models",
});

/** Env vars that point libraries at a cache directory. */
export const CACHE_ENV = new Set([
  "HF_HOME",
  "TRANSFORMERS_CACHE",
  "HF_HUB_CACHE",
  "HUGGINGFACE_HUB_CACHE",
  "HF_DATASETS_CACHE",
  "SENTENCE_TRANSFORMERS_HOME",
  "TORCH_HOME",
  "XDG_CACHE_HOME",
]);

/** Path keywords → kind, in the order they win: an upload or cache folder says more than a file extension. */
export const PATH_KINDS: [RegExp, DiskWriteKind][] = [
  [/\.(db|sqlite3?)$/, "sqlite"],
  [/upload/, "uploads"],
  [/cache|(^|\/)te?mp(\/|$)|tempfile|temp_?dir/, "cache"],
  [/\.log$/, "logs"],
  [WEIGHT_EXT, "models"],
  [/sqlite|\.db\b/, "sqlite"],
  [/model|checkpoint|weights/, "models"],
  [/(^|[^a-z])logs?([^a-z]|$)|logging/, "logs"],
  [/output|result|export|generated|download/, "output"],
];

/** Connection calls by datastore; `arg` says where the URL, DSN or host is. */
export const DATASTORE_CALLS: Record<string, { kind: DatastoreKind | "url"; args: [number, string][] }> = table({
  "psycopg2.connect": { kind: "postgresql", args: [[0, "dsn"], [-1, "host"]] },
  "psycopg2.pool.SimpleConnectionPool": { kind: "postgresql", args: [[2, "dsn"], [-1, "host"]] },
  "psycopg2.pool.ThreadedConnectionPool": { kind: "postgresql", args: [[2, "dsn"], [-1, "host"]] },
  "psycopg.connect": { kind: "postgresql", args: [[0, "conninfo"], [-1, "host"]] },
  "psycopg.AsyncConnection.connect": { kind: "postgresql", args: [[0, "conninfo"], [-1, "host"]] },
  "psycopg_pool.ConnectionPool": { kind: "postgresql", args: [[0, "conninfo"]] },
  "psycopg_pool.AsyncConnectionPool": { kind: "postgresql", args: [[0, "conninfo"]] },
  "asyncpg.connect": { kind: "postgresql", args: [[0, "dsn"], [-1, "host"]] },
  "asyncpg.create_pool": { kind: "postgresql", args: [[0, "dsn"], [-1, "host"]] },
  "redis.Redis": { kind: "redis", args: [[0, "host"], [-1, "url"]] },
  "redis.StrictRedis": { kind: "redis", args: [[0, "host"]] },
  "redis.from_url": { kind: "redis", args: [[0, "url"]] },
  "redis.Redis.from_url": { kind: "redis", args: [[0, "url"]] },
  "redis.StrictRedis.from_url": { kind: "redis", args: [[0, "url"]] },
  "redis.ConnectionPool.from_url": { kind: "redis", args: [[0, "url"]] },
  "redis.asyncio.Redis": { kind: "redis", args: [[0, "host"]] },
  "redis.asyncio.from_url": { kind: "redis", args: [[0, "url"]] },
  "redis.asyncio.Redis.from_url": { kind: "redis", args: [[0, "url"]] },
  "aioredis.from_url": { kind: "redis", args: [[0, "url"]] },
  "aioredis.Redis": { kind: "redis", args: [[0, "host"]] },
  "pymongo.MongoClient": { kind: "mongodb", args: [[0, "host"]] },
  "motor.motor_asyncio.AsyncIOMotorClient": { kind: "mongodb", args: [[0, "host"]] },
  "pymysql.connect": { kind: "mysql", args: [[-1, "host"]] },
  "mysql.connector.connect": { kind: "mysql", args: [[-1, "host"]] },
  "MySQLdb.connect": { kind: "mysql", args: [[-1, "host"]] },
  "aiomysql.create_pool": { kind: "mysql", args: [[-1, "host"]] },
  "sqlite3.connect": { kind: "sqlite", args: [[0, "database"]] },
  "aiosqlite.connect": { kind: "sqlite", args: [[0, "database"]] },
  "sqlalchemy.create_engine": { kind: "url", args: [[0, "url"]] },
  "sqlalchemy.ext.asyncio.create_async_engine": { kind: "url", args: [[0, "url"]] },
  "sqlmodel.create_engine": { kind: "url", args: [[0, "url"]] },
  "databases.Database": { kind: "url", args: [[0, "url"]] },
});

/** URL schemes → datastore kind. */
export const URL_SCHEMES: [RegExp, DatastoreKind][] = [
  [/^postgres(ql)?(\+\w+)?:\/\//i, "postgresql"],
  [/^rediss?:\/\//i, "redis"],
  [/^mongodb(\+srv)?:\/\//i, "mongodb"],
  [/^(mysql|mariadb)(\+\w+)?:\/\//i, "mysql"],
  [/^sqlite(\+\w+)?:\/\//i, "sqlite"],
  [/^s3:\/\//i, "s3"],
];

/** Modules whose import means the datastore a bare DATABASE_URL points at. */
export const DRIVER_IMPORTS: Record<string, DatastoreKind> = table({
  psycopg2: "postgresql",
  psycopg: "postgresql",
  asyncpg: "postgresql",
  pg8000: "postgresql",
  pymysql: "mysql",
  MySQLdb: "mysql",
  aiomysql: "mysql",
});

/** Imports (module or imported name, dotted prefix) that mean an external API. */
export const API_IMPORTS: [string, ExternalApiKind][] = [
  ["openai", "openai"],
  ["langchain_openai", "openai"],
  ["anthropic", "anthropic"],
  ["langchain_anthropic", "anthropic"],
  ["supabase", "supabase"],
  ["stripe", "stripe"],
  ["replicate", "replicate"],
  ["google_auth_oauthlib", "google-oauth"],
  ["google.oauth2", "google-oauth"],
  ["huggingface_hub.InferenceClient", "huggingface-inference"],
  ["huggingface_hub.AsyncInferenceClient", "huggingface-inference"],
  ["huggingface_hub.InferenceApi", "huggingface-inference"],
  ["langchain_huggingface.HuggingFaceEndpoint", "huggingface-inference"],
];

/** Calls that build an API client. */
export const API_CALLS: Record<string, ExternalApiKind> = table({
  "openai.OpenAI": "openai",
  "openai.AsyncOpenAI": "openai",
  "openai.AzureOpenAI": "openai",
  "anthropic.Anthropic": "anthropic",
  "anthropic.AsyncAnthropic": "anthropic",
  "huggingface_hub.InferenceClient": "huggingface-inference",
  "huggingface_hub.AsyncInferenceClient": "huggingface-inference",
  "huggingface_hub.InferenceApi": "huggingface-inference",
  "supabase.create_client": "supabase",
  "replicate.run": "replicate",
  "replicate.Client": "replicate",
  "stripe.StripeClient": "stripe",
});

/** Host names in string literals that mean an external API. */
export const API_URLS: [string, ExternalApiKind][] = [
  ["api-inference.huggingface.co", "huggingface-inference"],
  ["router.huggingface.co", "huggingface-inference"],
  ["accounts.google.com", "google-oauth"],
  ["oauth2.googleapis.com", "google-oauth"],
  ["www.googleapis.com/oauth2", "google-oauth"],
  ["api.openai.com", "openai"],
  ["api.anthropic.com", "anthropic"],
  ["api.replicate.com", "replicate"],
  ["api.stripe.com", "stripe"],
  [".supabase.co", "supabase"],
];

/** Names that look like credentials: their defaults are never recorded. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|PASS|PWD|CREDENTIAL|PRIVATE|AUTH|DSN|COOKIE|SALT/i;

/** Every dotted name the tables know, to resolve names pulled in by `from x import *`. */
export const KNOWN_QUALIFIED: ReadonlySet<string> = new Set([
  ...Object.keys(APP_CONSTRUCTORS),
  ...Object.keys(ROUTER_CONSTRUCTORS),
  ...Object.keys(ROUTE_OBJECTS),
  ...Object.keys(MODULE_RUNS),
  ...Object.keys(MODEL_CALLS),
  ...Object.keys(SUBPROCESS_CALLS),
  ...Object.keys(WRITE_CALLS),
  ...Object.keys(DATASTORE_CALLS),
  ...Object.keys(API_CALLS),
  ...TEMPFILE_CALLS,
  "os.getenv",
  "os.environ",
  "os.path",
  "os.path.join",
  "decouple.config",
  "pydantic_settings.BaseSettings",
  "pydantic.BaseSettings",
  "pydantic.Field",
  "pathlib.Path",
  "transformers.pipeline",
]);
