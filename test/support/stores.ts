/**
 * Store factories for the contract suites: every test that takes a store runs once on SQLite and
 * once on PostgreSQL, each time on a fresh database. A missing PostgreSQL skips its half with a
 * printed notice, and fails the run when CI=true.
 */
import pg from 'pg';
import type { CatalogStore } from '../../src/store/catalog-store.js';
import { openStore } from '../../src/store/open-store.js';

export const postgresAdminUrl =
  process.env.CHARTER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let available: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (process.env.CI === 'true') {
        throw new Error(
          `PostgreSQL is required under CI=true but ${postgresAdminUrl} is unreachable: ${(error as Error).message}`,
        );
      }
      console.warn(`NOTICE: PostgreSQL at ${postgresAdminUrl} is unreachable; PostgreSQL tests are skipped`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return available;
}

function databaseUrl(name: string): string {
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty PostgreSQL database and returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `charter_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: databaseUrl(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface StoreHandle {
  store: CatalogStore;
  url?: string;
  dispose: () => Promise<void>;
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  available: () => Promise<boolean>;
  create: () => Promise<StoreHandle>;
}

export const storeFactories: StoreFactory[] = [
  {
    name: 'sqlite',
    available: async () => true,
    create: async () => {
      const store = await openStore({ memory: true });
      return { store, dispose: () => store.close() };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    create: async () => {
      const db = await createPostgresDatabase();
      const store = await openStore({ databaseUrl: db.url });
      return {
        store,
        url: db.url,
        dispose: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];
