/** Environment reads: os.environ / getenv / decouple / environs calls, os.environ["X"], pydantic settings. */
import type { EnvRead } from "../../facts.js";
import { containsSecret } from "../../secrets.js";
import type { Ctx, EnvUse } from "./context.js";
import { SECRET_NAME } from "./rules.js";
import type { SettingsRead } from "./settings.js";
import { subscriptParts } from "./tree.js";

/** A default that must not be copied out: it may be a credential, a URL with one inside, or a key. */
function unsafeDefault(name: string, value: string | number): boolean {
  if (SECRET_NAME.test(name)) return true;
  return typeof value === "string" && (/:\/\/[^/\s]*:[^/\s]*@/.test(value) || containsSecret(value));
}

function toEnvRead(use: EnvUse): EnvRead {
  const def = use.def;
  const hasDefault = use.opaqueDefault === true || (def !== undefined && def.t !== "none");
  const read: EnvRead = { name: use.name, hasDefault, line: use.line };
  const literal = def?.t === "str" || def?.t === "num" ? def.v : undefined;
  if (literal === undefined || unsafeDefault(use.name, literal)) return read;
  if (typeof literal === "number" ? Number.isFinite(literal) : literal.length <= 500) read.defaultValue = literal;
  return read;
}

/** Collects every env read into ctx.envUses and ctx.facts.envReads. */
export function detectEnvReads(ctx: Ctx, settings: SettingsRead[]): void {
  for (const s of settings) {
    ctx.envUses.push({ name: s.name, def: s.def, opaqueDefault: s.opaqueDefault, line: ctx.lines.line(s.node.from) });
  }
  for (const site of ctx.calls) {
    const env = ctx.r.envRead(site.node, site.scope);
    if (!env) continue;
    const use: EnvUse = { name: env.name, line: site.line };
    if (env.def) use.def = ctx.r.eval(env.def, site.scope);
    ctx.envUses.push(use);
  }
  for (const { node, scope } of ctx.walked.subscripts) {
    const sub = subscriptParts(node);
    if (!sub || ctx.r.key(sub.object, scope) !== "os.environ") continue;
    const name = ctx.r.eval(sub.key, scope);
    if (name.t === "str" && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name.v)) ctx.envUses.push({ name: name.v, line: ctx.lines.line(node.from) });
  }
  ctx.envUses.sort((a, b) => a.line - b.line);
  for (const use of ctx.envUses) ctx.facts.envReads.push(toEnvRead(use));
}
