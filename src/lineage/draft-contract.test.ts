/** A draft contract for a reported dataset names it so that, once applied, matching finds it again. */
import { describe, expect, it } from 'vitest';
import { draftContract } from './lineage-service.js';
import { contractDatasetNames } from './naming.js';

type Json = Record<string, unknown>;

describe('draftContract', () => {
  it.each([
    ['kafka://events.example:9092', 'psp.payment-events', { type: 'kafka', host: 'events.example:9092' }],
    [
      's3://northwind-ml',
      'ticket-router/train/2026-10-01',
      { type: 's3', location: 's3://northwind-ml/ticket-router/train/2026-10-01' },
    ],
    ['file', '/srv/data/orders.csv', { type: 'local', path: '/srv/data/orders.csv', format: 'csv' }],
    [
      'postgres://db.example:5432',
      'shop.public.orders',
      { type: 'postgres', host: 'db.example', port: 5432, database: 'shop', schema: 'public' },
    ],
    ['https://cms.example', 'help-centre/articles', { type: 'custom' }],
  ])('%s %s: an ODCS server that reads back to the same name', (namespace, name, server) => {
    const draft = draftContract(namespace, name, {});
    expect((draft.servers as Json[])[0]).toMatchObject({ server: 'reported', ...server });
    const names = contractDatasetNames(draft).map((n) => `${n.namespace} ${n.name}`);
    expect(names).toContain(`${namespace} ${name}`);
  });

  it.each([
    ['file', '/srv/data/raw/orders.csv', 'orders'],
    ['file', 'orders.csv', 'orders'],
    ['s3://northwind-ml', 'exports/orders/2026.parquet', '2026'],
    ['postgres://db.example:5432', 'shop.public.orders', 'orders'],
    ['kafka://events.example:9092', 'psp.payment-events', 'payment-events'],
  ])('%s %s: the schema object is named %s', (namespace, name, table) => {
    const draft = draftContract(namespace, name, {});
    expect((draft.schema as Json[])[0]).toMatchObject({ name: table });
  });
});
