/**
 * Starts the servers the models tests need, once per `vitest run`: s3rver and PostgreSQL. Tests read
 * their addresses with inject("s3Endpoint") / inject("pgUrl").
 */
import type { TestProject } from "vitest/node";
import { startPostgres, startS3, type PgServer, type S3Server } from "./helpers/servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    s3Endpoint: string;
    s3Bucket: string;
    s3Dir: string;
    pgUrl: string;
  }
}

let s3: S3Server | undefined;
let pg: PgServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  [s3, pg] = await Promise.all([startS3(), startPostgres()]);
  project.provide("s3Endpoint", s3.endpoint);
  project.provide("s3Bucket", s3.bucket);
  project.provide("s3Dir", s3.dir);
  project.provide("pgUrl", pg.url);
}

export async function teardown(): Promise<void> {
  await Promise.all([s3?.stop(), pg?.stop()]);
}
