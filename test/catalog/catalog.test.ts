import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Platform } from "../../src/catalog/schema.js";
import type { Platform as PlatformT } from "../../src/catalog/schema.js";

const dir = fileURLToPath(new URL("../../src/catalog/platforms/", import.meta.url));
const files = readdirSync(dir).filter((name) => name.endsWith(".json")).sort();

interface Loaded {
  file: string;
  raw: unknown;
  platform: PlatformT;
}

const loaded: Loaded[] = files.map((file) => {
  const raw: unknown = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
  const result = Platform.safeParse(raw);
  if (!result.success) throw new Error(`${file}: ${result.error.message}`);
  return { file, raw, platform: result.data };
});

const byId = new Map(loaded.map((l) => [l.platform.id, l.platform]));

/** Every object in the tree that carries a `value` (a Fact, or something that pretends to be one), with its path. */
function factsIn(node: unknown, path: string, acc: { path: string; fact: Record<string, unknown> }[] = []) {
  if (Array.isArray(node)) node.forEach((x, i) => factsIn(x, `${path}[${i}]`, acc));
  else if (node !== null && typeof node === "object") {
    const obj = node as Record<string, unknown>;
    if ("value" in obj) acc.push({ path, fact: obj });
    for (const [k, x] of Object.entries(obj)) factsIn(x, `${path}.${k}`, acc);
  }
  return acc;
}

/** A real calendar date (YYYY-MM or YYYY-MM-DD), not before 2000 and not in the future. */
function isValidDate(text: unknown): boolean {
  if (typeof text !== "string") return false;
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  const real = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return real && year >= 2000 && d.getTime() <= Date.now();
}

describe("hosting catalog files", () => {
  it("every file parses with Platform and its id matches the file name", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const { file, platform } of loaded) expect(`${platform.id}.json`).toBe(file);
  });

  it("has at least 15 platforms with plans", () => {
    expect(loaded.filter((l) => l.platform.plans.length > 0).length).toBeGreaterThanOrEqual(15);
  });

  it("plan ids start with their platform id and are unique across the catalog", () => {
    const seen = new Set<string>();
    for (const { platform } of loaded) {
      for (const plan of platform.plans) {
        expect(plan.id.startsWith(`${platform.id}:`), plan.id).toBe(true);
        expect(seen.has(plan.id), `duplicate plan id ${plan.id}`).toBe(false);
        seen.add(plan.id);
      }
    }
  });

  it("lists every plan's instance types sorted by RAM, with unique ids", () => {
    for (const { platform } of loaded) {
      for (const plan of platform.plans) {
        if (plan.pricing.model !== "instances") continue;
        const rams = plan.pricing.instances.map((i) => i.ramMB.value);
        expect(rams, plan.id).toEqual([...rams].sort((a, b) => a - b));
        const ids = plan.pricing.instances.map((i) => i.id);
        expect(new Set(ids).size, plan.id).toBe(ids.length);
      }
    }
  });

  it("gives every number a non-empty source and a valid date", () => {
    let count = 0;
    for (const { file, raw } of loaded) {
      for (const { path, fact } of factsIn(raw, file)) {
        count++;
        expect(typeof fact.value, path).toBe("number");
        expect(typeof fact.source === "string" && fact.source.trim().length >= 3, `${path}.source`).toBe(true);
        expect(isValidDate(fact.date), `${path}.date = ${String(fact.date)}`).toBe(true);
        expect(["vendor", "second-hand", "recalled"], path).toContain(fact.confidence);
      }
      for (const source of (raw as { sources: { date: unknown }[] }).sources) expect(isValidDate(source.date), `${file} sources`).toBe(true);
    }
    expect(count).toBeGreaterThan(300);
  });

  it("keeps serverless memory steps ascending and within the plan's RAM limit", () => {
    for (const { platform } of loaded) {
      for (const plan of platform.plans) {
        if (plan.pricing.model !== "serverless") continue;
        const steps = plan.pricing.memoryStepsMB;
        expect(steps, plan.id).toEqual([...steps].sort((a, b) => a - b));
        expect(steps[steps.length - 1], plan.id).toBeLessThanOrEqual(plan.limits.ramMB.value);
      }
    }
  });

  it("never lists an instance type larger than the plan's RAM limit", () => {
    for (const { platform } of loaded) {
      for (const plan of platform.plans) {
        if (plan.pricing.model !== "instances") continue;
        for (const inst of plan.pricing.instances) expect(inst.ramMB.value, `${plan.id} ${inst.id}`).toBeLessThanOrEqual(plan.limits.ramMB.value);
      }
    }
  });
});

describe("features the fit rules rely on", () => {
  const plan = (id: string) => {
    const platform = byId.get(id.split(":")[0] ?? "");
    const found = platform?.plans.find((p) => p.id === id);
    if (!found) throw new Error(`no plan ${id}`);
    return found;
  };

  it.each([
    ["vercel:hobby", false], ["vercel:pro", false], ["cloud-run:request", false], ["aws-lambda:x86", false],
    ["hf-spaces:cpu-basic", false], ["streamlit-cloud:community", false], ["render:free", false], ["koyeb:free", false],
    ["railway:hobby", true], ["railway:free", true], ["render:paid", true], ["fly:payg", true], ["heroku:basic", true],
    ["koyeb:eco", true], ["koyeb:standard", true], ["cloud-run:instance", true], ["aws-fargate:x86", true],
    ["hetzner:cloud", true], ["contabo:cloud-vps", true], ["oracle-free:always-free", true],
  ])("%s runs background workers: %s", (id, expected) => {
    expect(plan(id).features.backgroundWorkers).toBe(expected);
  });

  it("marks WebSockets on Vercel (beta) and Cloud Run (under the request timeout) as available, with a note", () => {
    for (const id of ["vercel:hobby", "vercel:pro", "cloud-run:request"]) {
      const p = plan(id);
      expect(p.features.websockets).toBe(true);
      expect(p.notes.join(" "), id).toMatch(/WebSocket/);
    }
    expect(plan("aws-lambda:x86").features.websockets).toBe(false);
  });

  it.each([
    ["render:free", 15], ["railway:hobby", 10], ["hf-spaces:cpu-basic", 48 * 60], ["streamlit-cloud:community", 12 * 60], ["koyeb:free", 2], ["heroku:eco", 30],
  ])("%s sleeps after %i min", (id, minutes) => {
    const sleeps = plan(id).features.sleeps;
    expect(sleeps === false ? null : sleeps.afterMinutes.value).toBe(minutes);
  });

  it("gives the key limits from the research", () => {
    expect(plan("cloud-run:request").limits.requestTimeoutSeconds?.value).toBe(3600);
    expect(plan("cloud-run:request").limits.ramMB.value).toBe(32768);
    expect(plan("aws-lambda:x86").limits.ramMB.value).toBe(10240);
    expect(plan("aws-lambda:x86").limits.requestTimeoutSeconds?.value).toBe(900);
    expect(plan("vercel:hobby").limits.ramMB.value).toBe(2048);
    expect(plan("vercel:pro").limits.requestTimeoutSeconds?.value).toBe(800);
    expect(plan("heroku:basic").limits.imageMB?.value).toBe(1024);
    expect(plan("streamlit-cloud:community").limits.ramMB.value).toBe(2700);
    expect(plan("railway:hobby").monthlyFeeUSD.value).toBe(5);
    const hobby = plan("railway:hobby").pricing;
    expect(hobby.model === "usage" ? [hobby.ramGBMonthUSD.value, hobby.vcpuMonthUSD.value, hobby.includedUSD?.value] : null).toEqual([10, 20, 5]);
  });

  it("prices Fargate sizes as (vCPU × rate + GB × rate) × 730 h", () => {
    const p = plan("aws-fargate:x86").pricing;
    if (p.model !== "instances") throw new Error("model");
    for (const inst of p.instances) {
      const expected = (inst.vcpu.value * 0.04048 + (inst.ramMB.value / 1024) * 0.004445) * 730;
      expect(inst.monthlyUSD.value).toBeCloseTo(expected, 2);
    }
  });

  it("gives Fly presets iad, ams and sjc prices", () => {
    const p = plan("fly:payg").pricing;
    if (p.model !== "instances") throw new Error("model");
    for (const inst of p.instances) expect(Object.keys(inst.regionalMonthlyUSD ?? {}).sort(), inst.id).toEqual(["ams", "iad", "sjc"]);
  });

  it("records Render's free Postgres expiry and Railway's usage-based databases", () => {
    const free = byId.get("render")?.datastores.find((d) => d.id === "render-postgres-free");
    expect(free?.expiresAfterDays?.value).toBe(30);
    expect(byId.get("railway")?.datastores.every((d) => d.usageBased === true)).toBe(true);
  });

  it("has object storage from S3, R2, B2 and Railway Buckets", () => {
    const ids = loaded.flatMap((l) => l.platform.storage.map((s) => s.id));
    expect(ids).toEqual(expect.arrayContaining(["aws-s3-standard", "cloudflare-r2-standard", "backblaze-b2", "railway-buckets"]));
  });
});
