/**
 * A throwaway PostgreSQL database per benchmark run: created with CREATE DATABASE on the admin URL
 * and dropped afterwards. An unreachable server skips the PostgreSQL half with a printed notice.
 */
import pg from 'pg';

export const postgresAdminUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase {
  url: string;
  name: string;
  version: string;
  /**
   * After a bulk load: VACUUM (ANALYZE), CHECKPOINT, then waits (up to two minutes) until no
   * autovacuum worker is busy in this database, so the server's background work does not share
   * the CPUs with what is measured next. Returns the milliseconds it took.
   */
  settle(): Promise<number>;
  drop(): Promise<void>;
}

/** Returns undefined (after printing why) when PostgreSQL cannot be reached. */
export async function createTempDatabase(label: string): Promise<TempDatabase | undefined> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
  let version: string;
  const name = `charter_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin.connect();
    version = String((await admin.query('SHOW server_version')).rows[0]?.server_version ?? 'unknown');
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    console.warn(
      `NOTICE: PostgreSQL at ${postgresAdminUrl} is unreachable (${(error as Error).message}); the PostgreSQL runs are skipped`,
    );
    return undefined;
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    version,
    settle: async () => {
      const started = performance.now();
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        await c.query('VACUUM (ANALYZE)');
        // CHECKPOINT needs a superuser (or, from PostgreSQL 15, pg_checkpoint): without, the WAL is
        // left for the server's own checkpoints.
        await c.query('CHECKPOINT').catch((error: Error) => {
          console.warn(`NOTICE: CHECKPOINT refused (${error.message}); continuing without it`);
        });
        for (let waited = 0; waited < 120_000; waited += 500) {
          const busy = await c.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = $1",
            [name],
          );
          if (!busy.rows[0]?.n) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        await c.end();
      }
      return performance.now() - started;
    },
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
