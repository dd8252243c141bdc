/**
 * Reads a deploy or runtime log line by line and names what went wrong, with the (redacted) log lines
 * as evidence. One pass over the text; a combined prefilter regex skips the lines no rule can match,
 * so a 20 MB log costs one regex test per line.
 */
import { redactCommand, redactSecrets } from "../scan/secrets.js";
import { DOCTOR_RULES, clean, pickDetail } from "./rules.js";
import type { DiagnosisDetail, DiagnosisId, DoctorRule } from "./rules.js";

export interface DiagnosisLine {
  /** 1-based line number in the log. */
  line: number;
  /** The line, secrets masked, cut to a readable length. */
  text: string;
}

export interface Diagnosis {
  id: DiagnosisId;
  title: string;
  severity: DoctorRule["severity"];
  /** Evidence, in log order, at most MAX_EVIDENCE lines. */
  lines: DiagnosisLine[];
  /** How many log lines matched (may exceed `lines.length`). */
  occurrences: number;
  detail?: DiagnosisDetail;
  remedy: string;
}

/** Lines past this length are matched on their head only (minified blobs, base64 dumps). */
const MAX_MATCH_LINE = 4_000;
/** Redaction sees this much of a line, so a secret near the shown part is masked with full context. */
const MAX_REDACT_LINE = 20_000;
const MAX_TEXT = 500;
const MAX_EVIDENCE = 20;
/** Hits kept per rule while scanning; the rest are only counted. */
const MAX_STORED = 200;

const ANSI = /\x1b\[[0-9;?]{0,20}[A-Za-z]/g;
const BEARER = /\b(Bearer|Basic|Token)\s{1,5}[A-Za-z0-9._~+/=-]{8,4000}/g;

interface Hit {
  line: number;
  raw: string;
}

interface RuleState {
  rule: DoctorRule;
  strong: Hit[];
  weak: Hit[];
  strongCount: number;
  weakCount: number;
  vetoed: boolean;
  detail: DiagnosisDetail;
  awaitNext: boolean;
}

function combine(patterns: RegExp[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join("|"), patterns[0]?.flags.includes("i") ? "i" : "");
}

/** One regex per case mode that any rule line would also match: lines it rejects are skipped. */
const PREFILTER: RegExp[] = (() => {
  const all = DOCTOR_RULES.flatMap((r) => [...r.patterns, ...(r.weakPatterns ?? []), ...(r.unless ?? [])]);
  const sensitive = combine(all.filter((p) => !p.flags.includes("i")));
  const insensitive = combine(all.filter((p) => p.flags.includes("i")));
  return [sensitive, insensitive].filter((r): r is RegExp => r !== undefined);
})();

/** A log line safe to show: ANSI codes removed, provider keys, URL passwords, credential assignments and auth headers masked. */
export function redactLogLine(line: string): string {
  const text = redactCommand(line.slice(0, MAX_REDACT_LINE).replace(ANSI, "")).replace(BEARER, "$1 ***");
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** Name what went wrong in a deploy/runtime log: deduplicated diagnoses ordered by first evidence line. Never throws. */
export function diagnose(log: string): Diagnosis[] {
  if (typeof log !== "string" || log.length === 0) return [];
  const states: RuleState[] = DOCTOR_RULES.map((rule) => ({
    rule, strong: [], weak: [], strongCount: 0, weakCount: 0, vetoed: false, detail: {}, awaitNext: false,
  }));

  let start = 0;
  let lineNo = 0;
  while (start <= log.length) {
    let end = log.indexOf("\n", start);
    if (end === -1) end = log.length;
    lineNo++;
    let raw = log.slice(start, Math.min(end, start + MAX_MATCH_LINE));
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    scanLine(states, raw, lineNo, log, start, end);
    start = end + 1;
  }
  return resolve(states);
}

function scanLine(states: RuleState[], raw: string, lineNo: number, log: string, start: number, end: number): void {
  const text = raw.includes("\x1b") ? raw.replace(ANSI, "") : raw;
  for (const s of states) {
    if (!s.awaitNext) continue;
    s.awaitNext = false;
    const picker = s.rule.nextLineDetail;
    const m = picker?.pattern.exec(text);
    if (picker && m) s.detail = { ...clean(picker.pick(m)), ...s.detail };
  }
  if (!PREFILTER.some((p) => p.test(text))) return;
  for (const s of states) {
    const { rule } = s;
    if (rule.unless?.some((p) => p.test(text))) s.vetoed = true;
    if (rule.ignore?.some((p) => p.test(text))) continue;
    const strong = rule.patterns.some((p) => p.test(text));
    const weak = !strong && (rule.weakPatterns?.some((p) => p.test(text)) ?? false);
    if (!strong && !weak) continue;
    // Evidence is redacted from the full line (up to MAX_REDACT_LINE), not the matched head.
    const hit = { line: lineNo, raw: end - start > MAX_MATCH_LINE ? log.slice(start, Math.min(end, start + MAX_REDACT_LINE)) : text };
    if (strong) {
      s.strongCount++;
      if (s.strong.length < MAX_STORED) s.strong.push(hit);
      if (rule.nextLineDetail?.after.test(text)) s.awaitNext = true;
    } else {
      s.weakCount++;
      if (s.weak.length < MAX_STORED) s.weak.push(hit);
    }
    s.detail = { ...pickDetail(rule, text), ...s.detail };
  }
}

/** Detail strings come from log text (a model path, a module name): mask anything key-shaped in them too. */
function safeDetail(detail: DiagnosisDetail): DiagnosisDetail {
  const out: DiagnosisDetail = { ...detail };
  for (const key of ["process", "module", "variable", "library", "file"] as const) {
    const v = out[key];
    if (v !== undefined) out[key] = redactSecrets(v);
  }
  return out;
}

function resolve(states: RuleState[]): Diagnosis[] {
  const byId = new Map(states.map((s) => [s.rule.id, s]));
  for (const s of states) {
    if (s.vetoed) { s.weak = []; s.weakCount = 0; }
  }
  // A strong match explains the weak-only matches of the rules it overrides (gunicorn's timeout sent that SIGKILL).
  const absorbed = new Map<DiagnosisId, Hit[]>();
  for (const s of states) {
    if (s.strongCount === 0) continue;
    for (const id of s.rule.overrides ?? []) {
      const o = byId.get(id);
      if (!o || o.strongCount > 0 || o.weakCount === 0) continue;
      absorbed.set(s.rule.id, [...(absorbed.get(s.rule.id) ?? []), ...o.weak]);
      s.weakCount += o.weakCount;
      o.weak = [];
      o.weakCount = 0;
    }
  }
  const out: Diagnosis[] = [];
  for (const s of states) {
    const hits = [...s.strong, ...s.weak, ...(absorbed.get(s.rule.id) ?? [])];
    if (hits.length === 0) continue;
    const seen = new Set<number>();
    const lines = hits
      .sort((a, b) => a.line - b.line)
      .filter((h) => !seen.has(h.line) && (seen.add(h.line), true))
      .slice(0, MAX_EVIDENCE)
      .map((h) => ({ line: h.line, text: redactLogLine(h.raw) }));
    const d: Diagnosis = {
      id: s.rule.id,
      title: s.rule.title,
      severity: s.rule.severity,
      lines,
      occurrences: s.strongCount + s.weakCount,
      remedy: s.rule.remedy,
    };
    if (Object.keys(s.detail).length > 0) d.detail = safeDetail(s.detail);
    out.push(d);
  }
  return out.sort((a, b) => (a.lines[0]?.line ?? 0) - (b.lines[0]?.line ?? 0));
}
