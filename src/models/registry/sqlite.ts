/** The embedded registry: one SQLite file (WAL, busy timeout), readable by Python's sqlite3 module. */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { SqlRegistry, type Sql } from "./sql.js";

const require = createRequire(import.meta.url);

/**
 * Retries a statement that found the database locked, sleeping between tries. SQLite's own
 * busy_timeout would wait synchronously and block this thread, so a second connection in the same
 * process could never let the first one commit.
 */
async function busyRetry<T>(fn: () => T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== "SQLITE_BUSY" && code !== "SQLITE_LOCKED") || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}

class SqliteSql implements Sql {
  readonly dialect = "sqlite" as const;
  private chain: Promise<unknown> = Promise.resolve();
  private inTx = false;
  constructor(private readonly db: BetterSqlite3.Database) {}

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return busyRetry(() => {
      const st = this.db.prepare(sql);
      return (st.reader ? st.all(...params) : (st.run(...params), [])) as T[];
    });
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return busyRetry(() => this.db.prepare(sql).run(...params).changes);
  }

  tx<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    // better-sqlite3 is synchronous but `fn` awaits: chain transactions so two never interleave on
    // this connection; BEGIN IMMEDIATE takes the write lock so other processes wait (busy_timeout).
    const run = async () => {
      if (this.inTx) return fn(this);
      await busyRetry(() => this.db.exec("BEGIN IMMEDIATE"));
      this.inTx = true;
      try {
        const out = await fn(this);
        this.db.exec("COMMIT");
        return out;
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      } finally {
        this.inTx = false;
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (creating when missing) the SQLite registry at `path`. */
export async function openSqliteRegistry(path: string): Promise<SqlRegistry> {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 0"); // waits happen in busyRetry, asynchronously
  db.pragma("foreign_keys = ON");
  return SqlRegistry.open(new SqliteSql(db), `sqlite:${file}`);
}
