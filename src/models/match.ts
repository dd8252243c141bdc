/**
 * `models match data.csv`: which registered models were trained on columns like these (seed 003's
 * auto-matching). Names are compared as token sets after normalising case, separators and common
 * abbreviations (tx → transaction, amt → amount), with a character-trigram score for near spellings;
 * a model's score is the mean of best matches in both directions, so extra columns on either side cost.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../core/errors.js";

const ABBREVIATIONS: Record<string, string> = {
  tx: "transaction", txn: "transaction", trans: "transaction", amt: "amount", qty: "quantity", num: "number", nb: "number", cnt: "count",
  ts: "timestamp", dt: "date", acct: "account", acc: "account", cust: "customer", addr: "address", dist: "distance", pct: "percent",
  avg: "average", std: "stddev", min: "minimum", max: "maximum", id: "id", prev: "previous", hr: "hour", hrs: "hours", h: "hours", d: "days",
};

/** The header of a CSV file: the first line, split on the delimiter (quotes and a BOM handled). */
export function csvColumns(path: string): string[] {
  let text: string;
  try {
    const fd = readFileSync(path);
    text = fd.subarray(0, 1 << 20).toString("utf8");
  } catch (error) {
    throw new InputError(`${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read"}`);
  }
  const line = text.replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "";
  if (!line.trim()) throw new InputError(`${path}: no header line`);
  const delimiter = [",", ";", "\t", "|"].map((d) => [d, line.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ?? ",";
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === delimiter && !quoted) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter((c) => c.length > 0);
}

export function tokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((t) => ABBREVIATIONS[t] ?? t);
}

function trigrams(s: string): Set<string> {
  const p = `  ${s} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= p.length; i++) out.add(p.slice(i, i + 3));
  return out;
}

/** Similarity of two column names in [0, 1]. */
export function columnSimilarity(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  const ja = ta.join(" ");
  const jb = tb.join(" ");
  if (ja === jb) return 1;
  const sa = new Set(ta);
  const sb = new Set(tb);
  const inter = [...sa].filter((t) => sb.has(t)).length;
  const jaccard = inter / (sa.size + sb.size - inter || 1);
  const ga = trigrams(ja);
  const gb = trigrams(jb);
  const common = [...ga].filter((g) => gb.has(g)).length;
  const dice = (2 * common) / (ga.size + gb.size || 1);
  return Math.max(jaccard, dice * 0.9);
}

export interface MatchResult {
  model: string;
  score: number;
  /** For each of the model's columns, the CSV column that matched it best (when any did well). */
  pairs: { feature: string; column: string; similarity: number }[];
  missing: string[];
}

/** Ranks models by how well `columns` cover their feature columns (and not much else). */
export function rankModels(columns: readonly string[], models: readonly { name: string; featureColumns?: string[] }[], threshold = 0.5): MatchResult[] {
  const best = (name: string, pool: readonly string[]) => pool.reduce<{ column: string; similarity: number }>((acc, c) => {
    const s = columnSimilarity(name, c);
    return s > acc.similarity ? { column: c, similarity: s } : acc;
  }, { column: "", similarity: 0 });
  const out: MatchResult[] = [];
  for (const m of models) {
    const features = m.featureColumns ?? [];
    if (features.length === 0 || columns.length === 0) continue;
    const forward = features.map((f) => ({ feature: f, ...best(f, columns) }));
    const backward = columns.map((c) => best(c, features).similarity);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const score = (mean(forward.map((p) => p.similarity)) + mean(backward)) / 2;
    out.push({
      model: m.name,
      score,
      pairs: forward.filter((p) => p.similarity >= threshold),
      missing: forward.filter((p) => p.similarity < threshold).map((p) => p.feature),
    });
  }
  return out.sort((a, b) => b.score - a.score || (a.model < b.model ? -1 : 1));
}
