/**
 * Modules a program loads by name rather than by import: Django's settings, URLconf, installed apps
 * and WSGI application; Celery's `include=[…]` and `autodiscover_tasks`; `importlib.import_module`.
 * The scan follows them like imports, so a Django service sees its settings' environment variables
 * and a Celery worker its task modules.
 */
import { argVal, firstTime, type Ctx } from "./context.js";
import { effective, type Val } from "./values.js";
import { MODULE } from "./walk.js";

/** Module-level settings whose value names modules (Django), and what each names. */
const MODULE_SETTINGS: Record<string, "module" | "modules" | "callable"> = {
  ROOT_URLCONF: "module",
  WSGI_APPLICATION: "callable",
  ASGI_APPLICATION: "callable",
  INSTALLED_APPS: "modules",
  CELERY_IMPORTS: "modules",
};

function strings(v: Val): string[] {
  const e = effective(v);
  if (e.t === "str") return [e.v];
  if (e.t === "list") return e.items.flatMap((i) => (effective(i).t === "str" ? [(effective(i) as { v: string }).v] : []));
  return [];
}

const DOTTED = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;

function push(ctx: Ctx, module: string, line: number): void {
  if (DOTTED.test(module) && firstTime(ctx, `strref\0${module}`)) ctx.facts.stringModuleRefs.push({ module, line });
}

/** Modules named in strings (settings, Celery includes, import_module), and whether the file defines tasks. */
export function detectStringModuleRefs(ctx: Ctx): void {
  const { r, walked } = ctx;
  for (const { target, value, scope } of walked.assigns) {
    if (scope !== MODULE) continue;
    const name = r.src(target);
    const kind = Object.hasOwn(MODULE_SETTINGS, name) ? MODULE_SETTINGS[name] : undefined;
    if (!kind) continue;
    const line = ctx.lines.line(target.from);
    for (const s of strings(r.eval(value, scope))) {
      if (kind === "callable") {
        const dot = s.lastIndexOf(".");
        if (dot <= 0) continue;
        push(ctx, s.slice(0, dot), line);
        if (name === "WSGI_APPLICATION" || (name === "ASGI_APPLICATION" && !ctx.facts.djangoApplication)) {
          ctx.facts.djangoApplication = { entry: `${s.slice(0, dot)}:${s.slice(dot + 1)}`, kind: name === "WSGI_APPLICATION" ? "wsgi" : "asgi", line };
        }
      } else push(ctx, s, line);
    }
  }
  // os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings") names the settings module.
  for (const use of ctx.envUses) {
    if (use.name === "DJANGO_SETTINGS_MODULE" && use.def) for (const s of strings(use.def)) push(ctx, s, use.line);
  }
  for (const site of ctx.calls) {
    if (site.key === "importlib.import_module") for (const s of strings(argVal(ctx, site, 0, "name"))) push(ctx, s, site.line);
    else if (site.method === "autodiscover_tasks") {
      // Celery looks for a `tasks` module in each package it is given.
      for (const s of strings(argVal(ctx, site, 0, "packages"))) push(ctx, `${s}.tasks`, site.line);
    } else if (site.key === "celery.Celery" || site.key?.endsWith(".Celery")) {
      for (const s of strings(argVal(ctx, site, -1, "include"))) push(ctx, s, site.line);
    } else if (site.method === "config_from_object") {
      for (const s of strings(argVal(ctx, site, 0, "obj"))) if (!s.includes(":")) push(ctx, s, site.line);
    }
  }
  // @app.task / @shared_task: the file defines Celery tasks a worker runs.
  for (const { node } of walked.decorators) {
    const text = r.src(node);
    if (/^@\s*(?:[\w.]+\.)?(?:task|shared_task)\b/.test(text)) {
      ctx.facts.definesTasks = true;
      break;
    }
  }
}
