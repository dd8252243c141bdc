/**
 * pydantic settings classes: every annotated field of a `BaseSettings` subclass is read from the
 * environment (UPPER(env_prefix + name), or its alias), so each becomes an env read; and
 * `settings.api_port` elsewhere in the file resolves to that read with its default.
 */
import type { SyntaxNode } from "@lezer/common";
import { arg, callArgs, callParts, kids, stringValue } from "./tree.js";
import type { Resolver, Val } from "./values.js";
import type { Walked } from "./walk.js";

interface Field {
  attr: string;
  alias?: string;
  /** Default expression, evaluated lazily in the class scope. */
  def?: SyntaxNode;
  /** A default exists but is not an expression we can read (default_factory). */
  factory: boolean;
  node: SyntaxNode;
}

interface SettingsClass {
  prefix?: string;
  scope: number;
  fields: Map<string, Field>;
  own: Field[];
}

/** An env read a settings field stands for. */
export interface SettingsRead {
  name: string;
  def?: Val;
  /** Default given by something we cannot evaluate (default_factory). */
  opaqueDefault: boolean;
  node: SyntaxNode;
}

const isSettingsBase = (key: string) => key === "BaseSettings" || key.endsWith(".BaseSettings");

function firstString(node: SyntaxNode, r: Resolver, scope: number): string | undefined {
  const s = stringValue(node, r.text);
  if (s !== undefined) return s;
  // AliasChoices("A", "B") → the first choice.
  if (node.name === "CallExpression") {
    const first = callArgs(callParts(node).argList, r.text).positional[0];
    const v = first ? r.eval(first, scope) : undefined;
    if (v?.t === "str") return v.v;
  }
  return undefined;
}

function readField(stmt: SyntaxNode, parts: SyntaxNode[], r: Resolver, scope: number): Field | undefined {
  const [target, typeDef] = parts;
  if (target?.name !== "VariableName" || typeDef?.name !== "TypeDef") return undefined;
  const attr = r.src(target);
  if (attr.startsWith("_") || attr === "model_config" || r.src(typeDef).includes("ClassVar")) return undefined;
  const field: Field = { attr, factory: false, node: stmt };
  const op = parts.findIndex((p) => p.name === "AssignOp");
  const value = op >= 0 ? parts[op + 1] : undefined;
  if (!value) return field;
  const callee = value.name === "CallExpression" ? callParts(value).callee : null;
  const calleeKey = callee ? r.key(callee, scope) : undefined;
  if (calleeKey === "Field" || calleeKey?.endsWith(".Field")) {
    const args = callArgs(callParts(value).argList, r.text);
    const def = arg(args, 0, "default");
    if (def && def.name !== "Ellipsis") field.def = def;
    if (args.keywords.has("default_factory")) field.factory = true;
    for (const k of ["validation_alias", "alias", "env"]) {
      const a = args.keywords.get(k);
      const s = a ? firstString(a, r, scope) : undefined;
      if (s) {
        field.alias = s;
        break;
      }
    }
    return field;
  }
  if (value.name !== "Ellipsis") field.def = value;
  return field;
}

function readPrefix(value: SyntaxNode, r: Resolver, scope: number): string | undefined {
  if (value.name === "CallExpression") {
    const p = callArgs(callParts(value).argList, r.text).keywords.get("env_prefix");
    const v = p ? r.eval(p, scope) : undefined;
    return v?.t === "str" ? v.v : undefined;
  }
  if (value.name === "DictionaryExpression") {
    const parts = kids(value);
    for (let i = 0; i + 2 < parts.length; i++) {
      if (stringValue(parts[i]!, r.text) === "env_prefix" && parts[i + 1]!.name === ":") {
        const v = r.eval(parts[i + 2]!, scope);
        return v.t === "str" ? v.v : undefined;
      }
    }
  }
  return undefined;
}

/** Finds settings classes, installs `settings.field` resolution on the resolver, and returns their env reads. */
export function readSettings(walked: Walked, r: Resolver): SettingsRead[] {
  const classes = new Map<string, SettingsClass>();
  for (const { node, scope: outer } of walked.classes) {
    const nameNode = node.getChild("VariableName");
    const body = node.getChild("Body");
    if (!nameNode || !body) continue;
    const args = callArgs(node.getChild("ArgList"), r.text);
    let parent: SettingsClass | undefined;
    let settings = false;
    for (const b of args.positional) {
      const k = r.key(b, outer) ?? "";
      if (isSettingsBase(k)) settings = true;
      const local = classes.get(k);
      if (local) {
        settings = true;
        parent = local;
      }
    }
    if (!settings) continue;
    const scope = node.from;
    const cls: SettingsClass = { prefix: parent?.prefix, scope, fields: new Map(parent?.fields ?? []), own: [] };
    // pydantic v2 also takes class keywords: class S(BaseSettings, env_prefix="APP_").
    const classPrefix = args.keywords.get("env_prefix");
    const cp = classPrefix ? r.eval(classPrefix, outer) : undefined;
    if (cp?.t === "str") cls.prefix = cp.v;
    for (const stmt of kids(body)) {
      if (stmt.name === "AssignStatement") {
        const parts = kids(stmt);
        if (parts[0] && r.src(parts[0]) === "model_config") {
          const value = parts[parts.length - 1];
          const p = value ? readPrefix(value, r, scope) : undefined;
          if (p !== undefined) cls.prefix = p;
          continue;
        }
        const f = readField(stmt, parts, r, scope);
        if (f) {
          cls.fields.set(f.attr, f);
          cls.own.push(f);
        }
      } else if (stmt.name === "ClassDefinition" && r.src(stmt.getChild("VariableName") ?? stmt) === "Config") {
        for (const inner of kids(stmt.getChild("Body") ?? stmt)) {
          const parts = kids(inner);
          if (inner.name === "AssignStatement" && parts[0] && r.src(parts[0]) === "env_prefix") {
            const v = parts[parts.length - 1];
            const s = v ? r.eval(v, stmt.from) : undefined;
            if (s?.t === "str") cls.prefix = s.v;
          }
        }
      }
    }
    classes.set(r.src(nameNode), cls);
  }
  if (classes.size === 0) return [];

  const envName = (cls: SettingsClass, f: Field) => f.alias ?? `${cls.prefix ?? ""}${f.attr}`.toUpperCase();
  const read = (cls: SettingsClass, f: Field): SettingsRead => {
    const def = f.def ? r.eval(f.def, cls.scope) : undefined;
    return { name: envName(cls, f), def, opaqueDefault: f.factory, node: f.node };
  };

  // `def get_settings(): return Settings()` makes get_settings() a settings instance too.
  const factories = new Map<string, string>();
  for (const { node, scope } of walked.returns) {
    const callee = node.getChild("CallExpression")?.firstChild;
    const fn = walked.scopeName.get(scope);
    if (callee?.name === "VariableName" && fn && classes.has(r.src(callee))) factories.set(fn, r.src(callee));
  }
  r.settings = (classKey, field) => {
    if (!classKey.endsWith("()")) return undefined;
    const base = classKey.slice(0, -2);
    const cls = classes.get(base) ?? classes.get(factories.get(base) ?? "");
    const f = cls?.fields.get(field);
    if (!cls || !f) return undefined;
    const rd = read(cls, f);
    return rd.def ? { t: "env", name: rd.name, def: rd.def } : { t: "env", name: rd.name };
  };
  const out: SettingsRead[] = [];
  for (const cls of classes.values()) for (const f of cls.own) out.push(read(cls, f));
  return out;
}
