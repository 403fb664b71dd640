/**
 * Prometheus metrics: HTTP requests and their latency, and the governance KPIs — live assets per kind
 * and domain, compliance, open approvals, open quality incidents, AI outcomes recorded, and webhook
 * deliveries by state (a dead one is an event no receiver got: worth an alert). Each KPI but the
 * compliance pair (this server's last evaluation) is counted in the store when scraped, so every
 * server sharing a database reports the same.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Catalog } from '../catalog/catalog.js';
import type { Governance } from '../policy/governance.js';
import type { LineageStore } from '../store/lineage-store.js';
import type { QualityStore } from '../store/quality-store.js';
import type { ResponseCache } from './response-cache.js';

/** The stores the KPIs beyond the catalog's are counted in. */
export interface KpiStores {
  quality?: QualityStore;
  lineage?: LineageStore;
}

export function registerMetrics(
  app: FastifyInstance,
  catalog: Catalog,
  governance?: Governance,
  responses?: ResponseCache,
  kpis: KpiStores = {},
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'charter_' });
  if (responses) {
    new Counter({
      name: 'charter_response_cache_reads_total',
      help: 'Asset reads answered from the response cache (hit) or by reading the store (miss)',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, responses.hits);
        this.inc({ result: 'miss' }, responses.misses);
      },
    });
  }
  const requests = new Counter({
    name: 'charter_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'charter_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'charter_assets',
    help: 'Live assets by kind and domain',
    labelNames: ['kind', 'domain'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await catalog.stats())
        this.set({ kind: row.kind, domain: row.domain ?? '' }, row.count);
    },
  });
  if (governance) {
    new Gauge({
      name: 'charter_compliance_assets',
      help: 'Assets by domain and compliance status (passing, failing, waived) at the last evaluation',
      labelNames: ['domain', 'status'],
      registers: [registry],
      collect() {
        this.reset();
        const report = governance.latestCompliance();
        for (const d of report?.byDomain ?? []) {
          for (const status of ['passing', 'failing', 'waived'] as const)
            this.set({ domain: d.domain, status }, d[status]);
        }
      },
    });
    new Gauge({
      name: 'charter_policy_failing_assets',
      help: 'Assets failing each policy at the last evaluation',
      labelNames: ['policy', 'enforcement'],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of governance.latestCompliance()?.byPolicy ?? []) {
          this.set({ policy: p.policy, enforcement: p.enforcement }, p.failing);
        }
      },
    });
    new Gauge({
      name: 'charter_approvals_open',
      help: 'Open approvals by type (pending changes, waivers)',
      labelNames: ['type'],
      registers: [registry],
      async collect() {
        this.reset();
        const open = await governance.approvals({ state: 'open' });
        for (const type of ['change', 'waiver'] as const)
          this.set({ type }, open.filter((a) => a.type === type).length);
      },
    });
  }
  const { quality, lineage } = kpis;
  if (quality) {
    new Gauge({
      name: 'charter_quality_incidents_open',
      help: 'Open quality incidents by domain (empty: an org-wide dataset)',
      labelNames: ['domain'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await quality.openIncidentCounts())
          this.set({ domain: row.domain ?? '' }, row.count);
      },
    });
  }
  if (lineage) {
    new Gauge({
      name: 'charter_ai_outcomes',
      help: 'AI outcomes recorded, by type and severity',
      labelNames: ['type', 'severity'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await lineage.outcomeTally())
          this.set({ type: row.type, severity: row.severity }, row.count);
      },
    });
    new Gauge({
      name: 'charter_webhook_deliveries',
      help: 'Webhook deliveries by state: pending (queued or retrying), delivered, dead (gave up; retry from the dead-letter list)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        // Every state, so that an alert on dead deliveries sees 0 rather than no series.
        for (const state of ['pending', 'delivered', 'dead']) this.set({ state }, 0);
        for (const row of await lineage.deliveryCounts()) this.set({ state: row.state }, row.count);
      },
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
