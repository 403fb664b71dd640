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
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
