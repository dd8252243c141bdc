/**
 * `models estimate`: what keeping the model files costs a month on each kind of storage, from the
 * plan catalog's prices (seed 003's comparison table, with today's figures and the sources).
 * Storage is billed per GB-month of 2^30 bytes, as AWS bills it; requests per 1,000.
 */
import type { Platform, StorageOffer } from "../catalog/schema.js";

export interface StorageInput {
  bytes: number;
  files: number;
  largestFile: number;
  /** Container starts a month: each start of a cold container pulls every file once. */
  startsPerMonth: number;
  /** Reads the app itself makes a month (seed 003: 1,000 predictions a day × 3 files). */
  appGetsPerMonth: number;
}

export interface StorageOption {
  id: string;
  name: string;
  /** Survives a restart and a redeploy. */
  persistent: boolean;
  storageMonthlyUSD: number;
  requestsMonthlyUSD: number;
  uploadOnceUSD: number;
  monthlyUSD: number;
  yearlyUSD: number;
  notes: string[];
  sources: string[];
}

const GiB = 2 ** 30;
const MULTIPART_THRESHOLD = 64 * 2 ** 20; // as the S3 driver: one PUT up to 64 MiB
const PART = 16 * 2 ** 20;

/** PUT-class requests to upload the files once (a multipart upload is create + parts + complete). */
export function putRequests(sizes: readonly number[]): number {
  return sizes.reduce((n, s) => n + (s <= MULTIPART_THRESHOLD ? 1 : 2 + Math.ceil(s / Math.max(PART, Math.ceil(s / 10_000)))), 0);
}

function objectStorage(offer: StorageOffer, platform: Platform, input: StorageInput, puts: number): StorageOption {
  const gb = input.bytes / GiB;
  const billedGB = Math.max(0, gb - (offer.freeGB?.value ?? 0));
  const storage = billedGB * offer.gbMonthUSD.value;
  const gets = input.startsPerMonth * input.files + input.appGetsPerMonth;
  const requests = (gets / 1000) * (offer.getPer1kUSD?.value ?? 0);
  const upload = (puts / 1000) * (offer.putPer1kUSD?.value ?? 0);
  const notes: string[] = [];
  if (offer.freeGB && gb <= offer.freeGB.value) notes.push(`inside the ${offer.freeGB.value} GB free allowance`);
  if (offer.egressGBUSD && offer.egressGBUSD.value > 0) notes.push(`egress $${offer.egressGBUSD.value}/GB beyond ${offer.freeEgressGB?.value ?? 0} GB free: pulls from another cloud pay it`);
  const sources = [offer.gbMonthUSD, offer.getPer1kUSD, offer.putPer1kUSD].filter((f) => f !== undefined).map((f) => `${f.source} (${f.date})`);
  return {
    id: offer.id,
    name: `${offer.name}`,
    persistent: true,
    storageMonthlyUSD: storage,
    requestsMonthlyUSD: requests,
    uploadOnceUSD: upload,
    monthlyUSD: storage + requests,
    yearlyUSD: (storage + requests) * 12,
    notes: [`${platform.name}`, ...notes],
    sources: [...new Set(sources)],
  };
}

/** An option billed only by stored size (no requests, no upload cost). */
function flat(id: string, name: string, storageMonthlyUSD: number, notes: string[], sources: string[]): StorageOption {
  return { id, name, persistent: true, storageMonthlyUSD, requestsMonthlyUSD: 0, uploadOnceUSD: 0, monthlyUSD: storageMonthlyUSD, yearlyUSD: storageMonthlyUSD * 12, notes, sources };
}

/** Every option, cheapest first among the persistent ones; the image option last but one. */
export function storageOptions(catalog: readonly Platform[], input: StorageInput, sizes: readonly number[]): StorageOption[] {
  const puts = sizes.length > 0 ? putRequests(sizes) : input.files;
  const out: StorageOption[] = [];
  for (const p of catalog) for (const offer of p.storage) out.push(objectStorage(offer, p, input, puts));
  const gb = input.bytes / GiB;
  const railway = catalog.find((p) => p.id === "railway");
  const hobby = railway?.plans.find((pl) => pl.id === "railway:hobby") ?? railway?.plans.find((pl) => pl.features.persistentDisk !== false);
  const disk = hobby && hobby.features.persistentDisk !== false ? hobby.features.persistentDisk.gbMonthUSD : undefined;
  if (railway && disk) {
    const storage = gb * disk.value;
    const sources = [`${disk.source} (${disk.date})`];
    out.push(flat("railway-volume", `Railway volume (${hobby?.name ?? "plan"})`, storage, ["one volume per service: a second replica or a worker cannot mount it", "files are copied in once by hand or by a start script"], sources));
    const pg = railway.datastores.find((d) => d.kind === "postgresql");
    out.push(
      flat("postgresql-blob", "PostgreSQL BLOB (bytea on Railway's Postgres volume)", storage, [
        "same volume price, but every load reads the whole model through the database: RAM and backups grow by the model size",
        input.largestFile > GiB ? "a bytea value cannot exceed 1 GB: the largest file does not fit in one row" : "bytea values are limited to 1 GB each",
        ...(pg ? [`${pg.name}: ${pg.notes[0] ?? ""}`.trim()] : []),
      ], sources),
    );
  }
  out.push(flat("image", "Baked into the image", 0, [`the image grows by ${gb.toFixed(2)} GB: slower builds and deploys, and a new image for every model change`, "no dynamic update: a new model means a redeploy"], []));
  return out.sort((a, b) => (a.id === "image" ? 1 : b.id === "image" ? -1 : a.monthlyUSD - b.monthlyUSD));
}
