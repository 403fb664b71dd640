/**
 * Deterministic, realistic-looking test organisations for the benchmarks: Users, Domains and ODCS
 * v3.1.0 data contracts built from a seeded PRNG, so every run applies the same bytes. Description
 * words follow a Zipf law, which gives search both very common and rare words.
 */
import type { SourceDoc } from '../src/catalog/parse.js';

export type Json = Record<string, unknown>;

/** mulberry32: small, fast and good enough to pick words. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += '0123456789abcdef'[this.int(16)];
    return out;
  }

  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
}

/** Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    s = 1.05,
  ) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / (r + 1) ** s;
      this.cumulative[r] = sum;
    }
    for (let r = 0; r < n; r++) this.cumulative[r]! /= sum;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export const DOMAIN_NAMES = [
  'sales',
  'marketing',
  'finance',
  'payments',
  'billing',
  'customer',
  'support',
  'logistics',
  'shipping',
  'inventory',
  'procurement',
  'supply-chain',
  'manufacturing',
  'quality',
  'hr',
  'payroll',
  'recruiting',
  'legal',
  'compliance',
  'risk',
  'fraud',
  'security',
  'identity',
  'product',
  'pricing',
  'catalog',
  'search',
  'recommendations',
  'ads',
  'growth',
  'partners',
  'crm',
  'loyalty',
  'subscriptions',
  'accounting',
  'treasury',
  'tax',
  'analytics',
  'data-platform',
  'ml-platform',
  'iot',
  'telemetry',
  'mobile',
  'web',
  'content',
  'media',
  'research',
  'facilities',
  'travel',
  'energy',
];

export const USER_NAMES = [
  'alice',
  'bob',
  'carol',
  'dan',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
];

const ENTITIES = [
  'customer',
  'order',
  'invoice',
  'payment',
  'refund',
  'shipment',
  'product',
  'supplier',
  'employee',
  'account',
  'subscription',
  'session',
  'event',
  'campaign',
  'lead',
  'ticket',
  'claim',
  'contract',
  'transaction',
  'device',
  'store',
  'warehouse',
  'vehicle',
  'booking',
  'review',
  'visit',
  'policy',
  'asset',
  'ledger',
  'budget',
];

const QUALIFIERS = [
  'daily',
  'hourly',
  'monthly',
  'raw',
  'clean',
  'curated',
  'enriched',
  'aggregated',
  'snapshot',
  'history',
  'latest',
  'staging',
  'gold',
  'silver',
  'bronze',
  'scd2',
  'deduplicated',
  'archived',
  'regional',
  'global',
];

interface Attribute {
  name: string;
  logicalType: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp';
  classification?: string;
  tags?: string[];
}

const ATTRIBUTES: Attribute[] = [
  { name: 'id', logicalType: 'string' },
  { name: 'email', logicalType: 'string', classification: 'restricted', tags: ['pii', 'gdpr'] },
  { name: 'phone_number', logicalType: 'string', classification: 'restricted', tags: ['pii'] },
  { name: 'first_name', logicalType: 'string', classification: 'confidential', tags: ['pii'] },
  { name: 'last_name', logicalType: 'string', classification: 'confidential', tags: ['pii'] },
  { name: 'birth_date', logicalType: 'date', classification: 'restricted', tags: ['pii', 'gdpr'] },
  { name: 'street_address', logicalType: 'string', classification: 'confidential', tags: ['pii'] },
  { name: 'postal_code', logicalType: 'string', classification: 'internal' },
  { name: 'city', logicalType: 'string' },
  { name: 'country_code', logicalType: 'string' },
  { name: 'iban', logicalType: 'string', classification: 'restricted', tags: ['pii', 'finance'] },
  { name: 'card_last4', logicalType: 'string', classification: 'confidential', tags: ['pci'] },
  { name: 'ip_address', logicalType: 'string', classification: 'confidential', tags: ['pii'] },
  { name: 'created_at', logicalType: 'timestamp' },
  { name: 'updated_at', logicalType: 'timestamp' },
  { name: 'deleted_at', logicalType: 'timestamp' },
  { name: 'event_date', logicalType: 'date' },
  { name: 'status', logicalType: 'string' },
  { name: 'type', logicalType: 'string' },
  { name: 'channel', logicalType: 'string' },
  { name: 'currency', logicalType: 'string' },
  { name: 'amount', logicalType: 'number', tags: ['finance'] },
  { name: 'total_amount', logicalType: 'number', tags: ['finance', 'kpi'] },
  { name: 'tax_amount', logicalType: 'number', tags: ['finance'] },
  { name: 'discount_rate', logicalType: 'number' },
  { name: 'quantity', logicalType: 'integer' },
  { name: 'score', logicalType: 'number', tags: ['derived'] },
  { name: 'rank', logicalType: 'integer', tags: ['derived'] },
  { name: 'is_active', logicalType: 'boolean' },
  { name: 'is_deleted', logicalType: 'boolean' },
  { name: 'consent_marketing', logicalType: 'boolean', classification: 'internal', tags: ['gdpr'] },
  { name: 'region', logicalType: 'string' },
  { name: 'segment', logicalType: 'string' },
  { name: 'source_system', logicalType: 'string', tags: ['lineage'] },
  { name: 'external_ref', logicalType: 'string' },
  { name: 'duration_seconds', logicalType: 'integer' },
  { name: 'latitude', logicalType: 'number', classification: 'confidential' },
  { name: 'longitude', logicalType: 'number', classification: 'confidential' },
  { name: 'revenue', logicalType: 'number', tags: ['finance', 'kpi'] },
  { name: 'margin', logicalType: 'number', classification: 'confidential', tags: ['finance', 'kpi'] },
];

const PHYSICAL: Record<Attribute['logicalType'], readonly string[]> = {
  string: ['varchar(255)', 'text', 'varchar(64)', 'string'],
  integer: ['bigint', 'integer', 'int'],
  number: ['decimal(18,2)', 'double', 'numeric(12,4)'],
  boolean: ['boolean'],
  date: ['date'],
  timestamp: ['timestamp', 'timestamptz', 'timestamp_ntz'],
};

const EXTRA_TAGS = [
  'kpi',
  'derived',
  'source-of-truth',
  'deprecated',
  'experimental',
  'certified',
  'sla-gold',
  'nightly',
];

/** Common English and business words, most frequent first (rank drives the Zipf draw). */
const COMMON_WORDS = `the of and to for in data with by from each record per used customer order daily value
report analysis current latest business team system events table source total key active reporting revenue
metrics tracking status process history account product change monthly internal quality records time level
identifier updated created reference view service platform pipeline batch stream audit finance operations
management marketing campaign sales region country market user users daily weekly model feature forecast
snapshot summary detail details transactions payments invoices orders shipments returns refunds inventory
stock supplier suppliers contract contracts policy policies claims tickets support sessions devices visits
bookings reviews ratings scores segments channels partners vendors employees payroll budget ledger entries
balances rates prices discounts taxes fees currency conversion settlement reconciliation dispute chargeback
fraud risk exposure compliance regulatory retention consent privacy masking lineage freshness completeness
accuracy latency throughput uptime incident escalation backlog churn cohort funnel conversion attribution
engagement acquisition activation lifetime loyalty subscription renewal cancellation upgrade downgrade trial`
  .split(/\s+/)
  .filter(Boolean);

/** Builds pronounceable invented words: the long, rare tail of the vocabulary. */
function inventedWords(rng: Rng, count: number): string[] {
  const onsets = [
    'b',
    'c',
    'd',
    'f',
    'g',
    'k',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'z',
    'br',
    'tr',
    'st',
    'pl',
    'gr',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
  const codas = ['', 'n', 'r', 'l', 's', 'x', 'nd', 'rt'];
  const seen = new Set(COMMON_WORDS);
  const out: string[] = [];
  while (out.length < count) {
    const syllables = 2 + rng.int(2);
    let w = '';
    for (let i = 0; i < syllables; i++)
      w += rng.pick(onsets) + rng.pick(vowels) + (i === syllables - 1 ? rng.pick(codas) : '');
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
}

export interface GenerateOptions {
  contracts: number;
  fieldsPerContract: number;
  domains: number;
  seed: number;
  /** Documents per source file (the YAML files hold this many contracts each). */
  perFile: number;
}

export interface Vocabulary {
  /** Description words by Zipf rank (0 = most common). */
  words: string[];
  /** Words of field names (split on `_`). */
  fieldWords: string[];
  entities: string[];
}

export interface Organisation {
  /** Users and Domains: applied first, in one apply. */
  setup: SourceDoc[];
  /** Contracts, each with the source file and index it has in the YAML rendering. */
  contracts: SourceDoc[];
  vocabulary: Vocabulary;
  options: GenerateOptions;
}

export function defaultOptions(env: NodeJS.ProcessEnv = process.env): GenerateOptions {
  return {
    contracts: Number(env.BENCH_CONTRACTS ?? 100_000),
    fieldsPerContract: Number(env.BENCH_FIELDS ?? 10),
    domains: Math.min(Number(env.BENCH_DOMAINS ?? 50), DOMAIN_NAMES.length),
    seed: Number(env.BENCH_SEED ?? 20_260_101),
    perFile: 2_000,
  };
}

export function contractFile(i: number, perFile: number): string {
  return `contracts-${String(Math.floor(i / perFile) + 1).padStart(3, '0')}.yaml`;
}

export function generateOrganisation(options: GenerateOptions): Organisation {
  const rng = new Rng(options.seed);
  const words = [...COMMON_WORDS, ...inventedWords(rng, 6_000)];
  const zipf = new Zipf(words.length);
  const sentence = (min: number, max: number) => {
    const n = min + rng.int(max - min + 1);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(words[zipf.sample(rng)]!);
    const text = out.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };

  const domains = DOMAIN_NAMES.slice(0, options.domains);
  const setup: SourceDoc[] = [];
  const push = (doc: Json) => setup.push({ source: 'organisation.yaml', index: setup.length, doc });
  for (const name of USER_NAMES)
    push({ apiVersion: 'charter/v1', kind: 'User', metadata: { name }, spec: {} });
  domains.forEach((name, i) => {
    push({
      apiVersion: 'charter/v1',
      kind: 'Domain',
      metadata: { name },
      spec: {
        owners: [`user:${USER_NAMES[i % USER_NAMES.length]}`],
        stewards: [`user:${USER_NAMES[(i + 5) % USER_NAMES.length]}`],
      },
    });
  });

  const contracts: SourceDoc[] = [];
  const fieldWords = new Set<string>();
  for (let i = 0; i < options.contracts; i++) {
    const entity = rng.pick(ENTITIES);
    const qualifier = rng.pick(QUALIFIERS);
    const table = `${qualifier}_${entity}_${rng.pick(['facts', 'events', 'details', 'records', 'daily', 'changes'])}`;
    const name = `${table}_${i.toString(36).padStart(4, '0')}`;
    const attrs = new Set<Attribute>();
    attrs.add(ATTRIBUTES[0]!);
    while (attrs.size < Math.min(options.fieldsPerContract, ATTRIBUTES.length))
      attrs.add(rng.pick(ATTRIBUTES));
    const properties = [...attrs].map((attr, k) => {
      const fieldName = k === 0 ? `${entity}_id` : rng.chance(0.3) ? `${entity}_${attr.name}` : attr.name;
      for (const w of fieldName.split('_')) fieldWords.add(w);
      const prop: Json = {
        name: fieldName,
        logicalType: attr.logicalType,
        physicalType: rng.pick(PHYSICAL[attr.logicalType]),
        description: sentence(4, 12),
      };
      const classification =
        attr.classification ?? (rng.chance(0.15) ? rng.pick(['public', 'internal']) : undefined);
      if (classification) prop.classification = classification;
      const tags = [...(attr.tags ?? []), ...(rng.chance(0.1) ? [rng.pick(EXTRA_TAGS)] : [])];
      if (tags.length) prop.tags = [...new Set(tags)];
      return prop;
    });
    const doc: Json = {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: rng.uuid(),
      name,
      version: '1.0.0',
      status: 'active',
      domain: domains[rng.int(domains.length)],
      description: {
        purpose: `${qualifier[0]!.toUpperCase()}${qualifier.slice(1)} ${entity} data. ${sentence(8, 20)}`,
      },
      schema: [{ name: table, physicalType: 'table', properties }],
    };
    contracts.push({ source: contractFile(i, options.perFile), index: i % options.perFile, doc });
  }
  return {
    setup,
    contracts,
    vocabulary: { words, fieldWords: [...fieldWords], entities: ENTITIES },
    options,
  };
}

/** Splits documents into consecutive batches. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
