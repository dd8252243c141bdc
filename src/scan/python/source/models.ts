/** Model loads: hub downloads (from_pretrained, pipeline, hf_hub_download…) and local files (torch.load, joblib…). */
import type { SyntaxNode } from "@lezer/common";
import type { ModelLoader } from "../../../core/app-model.js";
import type { PythonFacts } from "../../facts.js";
import { argVal, constructorOf, imports, type CallSite, type Ctx } from "./context.js";
import { LOCAL_MODEL_DIRS, MODEL_CALLS, MODEL_FILE_EXT, type ModelRule } from "./rules.js";
import { arg } from "./tree.js";
import { render, UNKNOWN, type Val } from "./values.js";
import { MODULE } from "./walk.js";

type ModelLoad = PythonFacts["modelLoads"][number];

/** A model name that is a path on disk rather than a hub id (`org/name`). */
function looksLocal(name: string): boolean {
  if (/^[./~\\]/.test(name) || /^[A-Za-z]:[\\/]/.test(name) || name.includes("\\")) return true;
  const segments = name.split("/");
  if (segments.length > 2) return true;
  if (segments.length === 2 && LOCAL_MODEL_DIRS.has(segments[0]!.toLowerCase())) return true;
  return MODEL_FILE_EXT.test(name);
}

function interpret(loader: ModelLoader, v: Val, where: ModelRule["where"], line: number, idPrefix = ""): ModelLoad {
  const load: ModelLoad = { loader, remote: where === "hub", line };
  let value = v;
  if (v.t === "env") {
    load.fromEnv = v.name;
    value = v.def ?? UNKNOWN;
  }
  if (value.t === "str" && value.v.trim() !== "") {
    if (where === "local" || looksLocal(value.v)) {
      load.path = value.v;
      load.remote = false;
    } else load.modelId = idPrefix + value.v;
  } else if (value.t === "pat") {
    const path = render(value, "*");
    if (/[^*/]/.test(path)) load.path = path;
    load.remote = false;
  }
  return load;
}

function torchvisionLoad(ctx: Ctx, site: CallSite): ModelLoad | undefined {
  const key = site.key ?? "";
  const m = /^torchvision\.models\.(?:[a-z_]+\.)?([A-Za-z0-9_]+)$/.exec(key);
  if (!m || /^[A-Z]/.test(m[1]!) || m[1] === "get_model" || m[1]!.startsWith("list_")) return undefined;
  const pretrained = argVal(ctx, site, -1, "pretrained");
  const weights = site.args.keywords.get("weights");
  const weighted = weights !== undefined && ctx.r.src(weights) !== "None";
  if (!(pretrained.t === "bool" && pretrained.v) && !weighted) return undefined;
  return { loader: "torchvision", modelId: m[1]!, remote: true, line: site.line };
}

function loadModelMethod(ctx: Ctx, site: CallSite): ModelLoad[] | undefined {
  if (site.method !== "load_model" || !site.receiver) return undefined;
  const ctor = constructorOf(ctx.r.key(site.receiver, site.scope)) ?? "";
  let loader: ModelLoader | undefined;
  if (ctor.startsWith("xgboost.")) loader = "xgboost.load_model";
  else if (ctor.startsWith("catboost.") || ctor.startsWith("lightgbm.")) loader = "other";
  else if (ctor === "" && imports(ctx, "xgboost") && !imports(ctx, "keras") && !imports(ctx, "tensorflow")) loader = "xgboost.load_model";
  return loader ? loadsOf(ctx, site, loader, arg(site.args, 0, "fname"), "local") : undefined;
}

/** One load per value the model argument may hold (`path = a` or, in a branch, `path = b`). */
function loadsOf(ctx: Ctx, site: CallSite, loader: ModelLoader, node: SyntaxNode | undefined, where: ModelRule["where"], idPrefix?: string): ModelLoad[] {
  const values = node ? ctx.r.candidates(node, site.scope) : [UNKNOWN];
  const out: ModelLoad[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    const load = interpret(loader, v, where, site.line, idPrefix);
    const id = JSON.stringify(load);
    if (!seen.has(id)) out.push(load);
    seen.add(id);
  }
  return out;
}

function loadOf(ctx: Ctx, site: CallSite): ModelLoad | ModelLoad[] | undefined {
  const key = site.key;
  if (key === undefined) return undefined;
  const rule = MODEL_CALLS[key];
  if (rule) {
    if (rule.requires && !site.args.keywords.has(rule.requires)) return undefined;
    return loadsOf(ctx, site, rule.loader, arg(site.args, rule.arg[0], rule.arg[1]), rule.where, rule.idPrefix);
  }
  if (site.method === "from_pretrained") {
    // PEFT adapters: the first argument is the base model object, the adapter id comes second.
    const v = key.startsWith("peft.")
      ? argVal(ctx, site, 1, "model_id")
      : argVal(ctx, site, 0, site.args.keywords.has("repo_id") ? "repo_id" : "pretrained_model_name_or_path");
    return interpret("from_pretrained", v, "hub", site.line);
  }
  if (key === "torch.hub.load") {
    const repo = argVal(ctx, site, 0, "repo_or_dir");
    const model = argVal(ctx, site, 1, "model");
    const local = argVal(ctx, site, -1, "source");
    const load: ModelLoad = { loader: "torch.hub.load", remote: !(local.t === "str" && local.v === "local"), line: site.line };
    if (repo.t === "str" && model.t === "str") {
      if (load.remote) load.modelId = `${repo.v}/${model.v}`;
      else load.path = repo.v;
    }
    return load;
  }
  return torchvisionLoad(ctx, site) ?? loadModelMethod(ctx, site);
}

/** Finds every model load call. */
export function detectModelLoads(ctx: Ctx): void {
  for (const site of ctx.calls) {
    const found = loadOf(ctx, site);
    // A load inside a function runs when the function is called, not when the module is imported.
    const loads = (Array.isArray(found) ? found : found ? [found] : []).map((l) => (site.scope === MODULE ? l : { ...l, inFunction: true }));
    ctx.facts.modelLoads.push(...loads);
  }
}
