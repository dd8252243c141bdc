/** The small pure parts of models: manifest paths and parsing, store URLs, column matching, storage prices. */
import { describe, expect, it } from "vitest";
import { shippedPlatforms } from "../../src/catalog/load.js";
import { parseS3Url } from "../../src/models/config.js";
import { objectKey, parseManifest, safeRelPath, shaOfKey, versionDigest } from "../../src/models/manifest.js";
import { columnSimilarity, rankModels, tokens } from "../../src/models/match.js";
import { putRequests, storageOptions } from "../../src/models/storage-cost.js";

describe("manifest", () => {
  it.each(["a.bin", "data/models/x/model.safetensors", "a/b..c/d", ".hidden/x"])("accepts %s", (p) => expect(safeRelPath(p)).toBe(p));
  it.each([["", /empty/], ["/etc/passwd", /absolute/], ["C:/x", /absolute/], ["../x", /\.\./], ["a/../../x", /\.\./], ["a//b", /empty or \./], ["./a", /empty or \./], ["a\\b", /backslash/], ["a\0b", /NUL/]])("rejects %j", (p, why) => {
    expect(() => safeRelPath(p)).toThrow(why);
  });

  it("keys are sharded by the hash and map back to it", () => {
    const sha = "ab".repeat(32);
    expect(objectKey(sha)).toBe(`sha256/ab/${"ab".repeat(31)}`);
    expect(shaOfKey(`prefix/${objectKey(sha)}`)).toBe(sha);
    expect(shaOfKey("sha256/ab/short")).toBeUndefined();
  });

  it("the digest depends on content and paths, not on order", () => {
    const a = { path: "a", sha256: "1".repeat(64), size: 1 };
    const b = { path: "b", sha256: "2".repeat(64), size: 2 };
    expect(versionDigest([a, b])).toBe(versionDigest([b, a]));
    expect(versionDigest([a, b])).not.toBe(versionDigest([a, { ...b, path: "c" }]));
    expect(versionDigest([a, b])).not.toBe(versionDigest([a, { ...b, sha256: "3".repeat(64) }]));
  });

  it("parses a good manifest and names what is wrong with a bad one", () => {
    const sha = "c".repeat(64);
    const good = { format: "shipfit-models-manifest/1", store: "file:/s", models: [{ name: "m", version: 1, digest: "d", files: [{ path: "x.bin", sha256: sha, size: 3, key: objectKey(sha) }] }] };
    expect(parseManifest(JSON.stringify(good), "m.json").models[0]?.name).toBe("m");
    const bad = (patch: (m: typeof good) => void) => {
      const m = structuredClone(good);
      patch(m);
      return () => parseManifest(JSON.stringify(m), "m.json");
    };
    expect(() => parseManifest("{", "m.json")).toThrow("m.json: not JSON");
    expect(bad((m) => (m.format = "other"))).toThrow(/format/);
    expect(bad((m) => ((m.models[0] as { name: string }).name = ".."))).toThrow(/name/);
    expect(bad((m) => ((m.models[0]?.files[0] as { sha256: string }).sha256 = "xyz"))).toThrow(/sha256: 64 hex/);
    expect(bad((m) => ((m.models[0]?.files[0] as { key: string }).key = "elsewhere"))).toThrow(/does not match its sha256/);
    expect(bad((m) => m.models[0]?.files.push(structuredClone(m.models[0].files[0] as (typeof m.models)[0]["files"][0])))).toThrow(/twice/);
  });
});

describe("store URLs", () => {
  it("reads bucket, prefix and settings; a custom endpoint implies path style", () => {
    expect(parseS3Url("s3://models/prod/fraud?endpoint=https%3A%2F%2Facc.r2.cloudflarestorage.com&checksums=when_required")).toEqual({
      bucket: "models",
      prefix: "prod/fraud/",
      endpoint: "https://acc.r2.cloudflarestorage.com",
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "auto",
      forcePathStyle: true,
      checksums: "when_required",
    });
    expect(parseS3Url("s3://fraud-detection-models").prefix).toBe("");
  });
  it.each([["s3://a/p", /bucket name/], ["s3://bucket/p?colour=red", /unknown setting "colour"/], ["s3://bucket/p?checksums=never", /checksums must be/], ["s3://key:secret@bucket/p", /credentials do not belong/]])("rejects %s", (url, why) => {
    expect(() => parseS3Url(url)).toThrow(why);
  });
});

describe("column matching", () => {
  it("expands abbreviations and splits camelCase", () => {
    expect(tokens("TxAmt")).toEqual(["transaction", "amount"]);
    expect(columnSimilarity("tx_amount", "transaction_amount")).toBe(1);
    expect(columnSimilarity("num_tx_last_24h", "NB_TX_LAST_24H")).toBe(1);
    expect(columnSimilarity("device_type", "merchant_category")).toBeLessThan(0.3);
  });
  it("ranks by coverage both ways: extra columns on either side cost", () => {
    const ranked = rankModels(["amount", "hour", "country"], [
      { name: "exact", featureColumns: ["amount", "hour", "country"] },
      { name: "superset", featureColumns: ["amount", "hour", "country", "device", "channel", "velocity"] },
      { name: "other", featureColumns: ["age", "pin"] },
      { name: "no-metadata" },
    ]);
    expect(ranked.map((r) => r.model)).toEqual(["exact", "superset", "other"]);
    expect(ranked[0]?.score).toBe(1);
    expect(ranked[1]?.missing).toEqual(["device", "channel", "velocity"]);
  });
});

describe("storage prices", () => {
  it("counts multipart uploads as create + parts + complete", () => {
    expect(putRequests([1000, 64 << 20])).toBe(2);
    expect(putRequests([(64 << 20) + 1])).toBe(2 + 5);
  });
  it("prices every storage offer of the catalog plus volume, bytea and image, from the catalog's own figures", () => {
    const catalog = shippedPlatforms();
    const bytes = 5 * 2 ** 30;
    const options = storageOptions(catalog, { bytes, files: 10, largestFile: bytes / 10, startsPerMonth: 30, appGetsPerMonth: 0 }, []);
    const s3offer = catalog.flatMap((p) => p.storage).find((o) => o.id === "aws-s3-standard");
    const s3 = options.find((o) => o.id === "aws-s3-standard");
    expect(s3?.storageMonthlyUSD).toBeCloseTo(5 * (s3offer?.gbMonthUSD.value ?? NaN), 10);
    expect(s3?.requestsMonthlyUSD).toBeCloseTo(((30 * 10) / 1000) * (s3offer?.getPer1kUSD?.value ?? NaN), 10);
    const r2offer = catalog.flatMap((p) => p.storage).find((o) => o.id === "cloudflare-r2-standard");
    expect(options.find((o) => o.id === "cloudflare-r2-standard")?.storageMonthlyUSD).toBeCloseTo(Math.max(0, 5 - (r2offer?.freeGB?.value ?? 0)) * (r2offer?.gbMonthUSD.value ?? NaN), 10);
    expect(options.at(-1)?.id).toBe("image");
    expect(options.find((o) => o.id === "postgresql-blob")?.notes.join(" ")).toMatch(/1 GB/);
  });
});

describe("model discovery", () => {
  it("takes a model folder whole, but only the model and its metadata from a folder of code", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { modelsFromScan } = await import("../../src/models/discover.js");
    const root = mkdtempSync(join(tmpdir(), "shipfit-discover-"));
    try {
      mkdirSync(join(root, "models", "bert"), { recursive: true });
      for (const f of ["model.safetensors", "config.json", "vocab.txt"]) writeFileSync(join(root, "models", "bert", f), f);
      for (const f of ["app.py", "requirements.txt", "scaler.joblib", "metadata.json"]) writeFileSync(join(root, f), f);
      const app = { models: { files: [{ path: "models/bert/model.safetensors", lfsPointer: false }, { path: "scaler.joblib", lfsPointer: false }] } } as never;
      const { models } = modelsFromScan(root, app);
      expect(models.map((m) => [m.source, m.files.map((f) => f.path)])).toEqual([
        [".", ["metadata.json", "scaler.joblib"]],
        ["models/bert", ["models/bert/config.json", "models/bert/model.safetensors", "models/bert/vocab.txt"]],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
