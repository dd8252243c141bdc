/** The production registry: PostgreSQL (the app's own database works: tables are prefixed shipfit_). */
import type { Pool, PoolClient } from "pg";
import { SqlRegistry, type Sql } from "./sql.js";

/** `?` placeholders → `$1…`; the shared SQL never has a `?` inside a string literal. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PgSql implements Sql {
  readonly dialect = "postgres" as const;
  constructor(
    private readonly pool: Pool,
    private readonly client?: PoolClient,
  ) {}

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const r = await (this.client ?? this.pool).query(numbered(sql), params);
    return r.rows as T[];
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    const r = await (this.client ?? this.pool).query(numbered(sql), params);
    return r.rowCount ?? 0;
  }

  async tx<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const out = await fn(new PgSql(this.pool, client));
      await client.query("COMMIT");
      return out;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The URL shown to people: the password is never printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]+@/, "://$1:***@");
  }
}

/** Connects to the PostgreSQL registry at `url` (postgres:// or postgresql://), creating its tables. */
export async function openPostgresRegistry(url: string): Promise<SqlRegistry> {
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  pool.on("error", () => undefined); // an idle client's broken socket must not crash the CLI
  try {
    return await SqlRegistry.open(new PgSql(pool), redactUrl(url));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
