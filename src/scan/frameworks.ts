/**
 * Python framework detectors as data: what enables each (a dependency, an import, an app object),
 * and what kind of process it makes. Detection returns evidence with a confidence, never a bare
 * boolean: an app object in code is `high`, an import `medium`, a dependency alone `low`.
 */
import type { FrameworkId, ServiceKind } from "../core/app-model.js";
import type { PythonAppFramework } from "./facts.js";

export interface PythonFrameworkDetector {
  id: FrameworkId;
  /** PEP 503 names of the distributions that provide it. */
  packages: string[];
  /** Top-level modules whose import means the code uses it. */
  modules: string[];
  /** App object kind from the source analyzer (e.g. `app = Flask(__name__)`). */
  appObject?: PythonAppFramework;
  kind: ServiceKind;
  /** Serves HTTP itself: two of these in one service is ambiguous. */
  servesHttp: boolean;
}

/** Order matters only for display: services list frameworks in this order. */
export const PYTHON_FRAMEWORKS: PythonFrameworkDetector[] = [
  { id: "flask", packages: ["flask"], modules: ["flask"], appObject: "flask", kind: "web", servesHttp: true },
  { id: "fastapi", packages: ["fastapi"], modules: ["fastapi"], appObject: "fastapi", kind: "web", servesHttp: true },
  { id: "starlette", packages: ["starlette"], modules: ["starlette"], appObject: "starlette", kind: "web", servesHttp: true },
  { id: "django", packages: ["django"], modules: ["django"], appObject: "django", kind: "web", servesHttp: true },
  { id: "gradio", packages: ["gradio"], modules: ["gradio"], appObject: "gradio", kind: "web", servesHttp: true },
  { id: "streamlit", packages: ["streamlit"], modules: ["streamlit"], kind: "web", servesHttp: true },
  { id: "flask-socketio", packages: ["flask-socketio"], modules: ["flask_socketio"], appObject: "socketio", kind: "web", servesHttp: false },
  { id: "celery", packages: ["celery"], modules: ["celery"], appObject: "celery", kind: "worker", servesHttp: false },
];

/**
 * Pairs that are one app, not an ambiguity: Flask-SocketIO wraps Flask, FastAPI is built on
 * Starlette, and Gradio is commonly mounted inside FastAPI (gr.mount_gradio_app).
 */
const COMPATIBLE_FRAMEWORKS: [FrameworkId, FrameworkId][] = [
  ["flask", "flask-socketio"],
  ["fastapi", "starlette"],
  ["fastapi", "gradio"],
];

/** Whether two frameworks found together are one app rather than an ambiguity. */
export function compatible(a: FrameworkId, b: FrameworkId): boolean {
  return COMPATIBLE_FRAMEWORKS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}
