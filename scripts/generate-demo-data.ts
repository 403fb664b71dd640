/**
 * Generates the demo organisation's data (examples/data/**): one file per ODCS contract in examples/org,
 * shaped by that contract's schema (column order, names and physical types), deterministic from a fixed
 * seed and a fixed snapshot time, clean except for the few problems planted on purpose and documented in
 * examples/README.md.
 *
 * Run: npx tsx scripts/generate-demo-data.ts [--out DIR]   (DIR defaults to examples/)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseAllDocuments } from 'yaml';

export const SEED = 20261101;
/** The moment the demo data describes: every timestamp is at or before it, every SLA is measured from it. */
export const SNAPSHOT = '2026-11-01T06:00:00Z';

const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../examples');
export const defaultOrgDir = join(examplesDir, 'org');

const NOW = Date.parse(SNAPSHOT);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WINDOW_START = Date.UTC(2026, 7, 1);

// ---------------------------------------------------------------------------------------------------
// Deterministic randomness and formatting
// ---------------------------------------------------------------------------------------------------

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32, one stream per entity set so that adding a dataset never reshuffles the others. */
class Rng {
  private state: number;
  constructor(stream: string) {
    this.state = (SEED ^ fnv1a(stream)) >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let r = this.next() * total;
    for (const [value, weight] of options) {
      r -= weight;
      if (r < 0) return value;
    }
    return options[options.length - 1]![0];
  }
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(0, 9));
    return out;
  }
  letters(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String.fromCharCode(65 + this.int(0, 25));
    return out;
  }
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += this.int(0, 15).toString(16);
    return out;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
  between(start: number, end: number): number {
    return start + Math.floor(this.next() * (end - start));
  }
  /** A moment on the given UTC day, more likely in the afternoon and evening than at night. */
  timeOnDay(dayStart: number): number {
    const hour = this.weighted(HOUR_WEIGHTS.map((w, h) => [h, w] as const));
    return dayStart + hour * HOUR + this.int(0, 59) * MINUTE + this.int(0, 59) * 1000;
  }
}

const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 10, 9, 9, 9, 9, 10, 11, 12, 12, 10, 7, 4];

const ts = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number, h = 0, mi = 0): number => Date.UTC(y, m - 1, d, h, mi);
const startOfDay = (ms: number): number => Math.floor(ms / DAY) * DAY;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Integer cents to a fixed two-decimal string. */
function dec(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${pad(abs % 100, 2)}`;
}

function asciiFold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function mod97(numeric: string): number {
  let rest = 0;
  for (const ch of numeric) rest = (rest * 10 + Number(ch)) % 97;
  return rest;
}

/** An IBAN with correct ISO 13616 check digits. */
function iban(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  return `${country}${pad(98 - mod97(numeric), 2)}${bban}`;
}

function ean13(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

// ---------------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------------

type Country = 'NL' | 'DE' | 'BE' | 'FR' | 'GB' | 'SE';
type Currency = 'EUR' | 'GBP' | 'SEK';

interface Market {
  currency: Currency;
  vatBp: number;
  weight: number;
  languages: readonly (readonly [string, number])[];
  first: readonly string[];
  last: readonly string[];
  streets: readonly string[];
  numberFirst: boolean;
  cities: readonly (readonly [string, (r: Rng) => string])[];
  phone: (r: Rng) => string;
}

const MARKETS: Record<Country, Market> = {
  NL: {
    currency: 'EUR',
    vatBp: 2100,
    weight: 30,
    languages: [['nl-NL', 1]],
    first: [
      'Daan',
      'Sem',
      'Lucas',
      'Milan',
      'Levi',
      'Finn',
      'Jesse',
      'Bram',
      'Thijs',
      'Ruben',
      'Emma',
      'Julia',
    ],
    last: ['de Vries', 'Jansen', 'de Jong', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'de Boer', 'Bos'],
    streets: ['Keizersgracht', 'Prinsengracht', 'Kerkstraat', 'Dorpsstraat', 'Stationsweg', 'Julianalaan'],
    numberFirst: false,
    cities: [
      ['Amsterdam', (r) => `10${r.int(11, 99)} ${r.letters(2)}`],
      ['Rotterdam', (r) => `30${r.int(11, 89)} ${r.letters(2)}`],
      ['Utrecht', (r) => `35${r.int(11, 85)} ${r.letters(2)}`],
      ['Den Haag', (r) => `25${r.int(11, 99)} ${r.letters(2)}`],
      ['Eindhoven', (r) => `56${r.int(11, 58)} ${r.letters(2)}`],
      ['Groningen', (r) => `97${r.int(11, 47)} ${r.letters(2)}`],
    ],
    phone: (r) => `+31 6 ${r.digits(4)} ${r.digits(4)}`,
  },
  DE: {
    currency: 'EUR',
    vatBp: 1900,
    weight: 25,
    languages: [['de-DE', 1]],
    first: [
      'Lukas',
      'Leon',
      'Jonas',
      'Felix',
      'Paul',
      'Elias',
      'Lena',
      'Hannah',
      'Anna',
      'Marie',
      'Tobias',
      'Nina',
    ],
    last: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schröder',
      'Koch',
    ],
    streets: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Lindenstraße', 'Bergstraße'],
    numberFirst: false,
    cities: [
      ['Berlin', (r) => `1${r.int(0, 4)}${r.digits(3)}`],
      ['Hamburg', (r) => `2${r.int(0, 2)}${r.digits(3)}`],
      ['München', (r) => `8${r.int(0, 1)}${r.digits(3)}`],
      ['Köln', (r) => `5${r.int(0, 1)}${r.digits(3)}`],
      ['Leipzig', (r) => `04${r.int(1, 3)}${r.digits(2)}`],
      ['Frankfurt am Main', (r) => `60${r.digits(3)}`],
    ],
    phone: (r) => `+49 15${r.int(1, 9)} ${r.digits(7)}`,
  },
  BE: {
    currency: 'EUR',
    vatBp: 2100,
    weight: 12,
    languages: [
      ['nl-BE', 6],
      ['fr-BE', 4],
    ],
    first: [
      'Arthur',
      'Louis',
      'Jules',
      'Victor',
      'Wout',
      'Lars',
      'Olivia',
      'Louise',
      'Elise',
      'Hanne',
      'Alice',
    ],
    last: [
      'Peeters',
      'Janssens',
      'Maes',
      'Jacobs',
      'Mertens',
      'Willems',
      'Claes',
      'Dubois',
      'Lambert',
      'Dupont',
    ],
    streets: [
      'Kerkstraat',
      'Stationsstraat',
      'Rue de la Station',
      'Avenue Louise',
      'Dorpsstraat',
      'Rue Haute',
    ],
    numberFirst: false,
    cities: [
      ['Brussel', () => '1000'],
      ['Antwerpen', (r) => r.pick(['2000', '2018', '2060'])],
      ['Gent', (r) => r.pick(['9000', '9050'])],
      ['Leuven', () => '3000'],
      ['Liège', () => '4000'],
      ['Namur', () => '5000'],
    ],
    phone: (r) => `+32 4${r.int(70, 99)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  },
  FR: {
    currency: 'EUR',
    vatBp: 2000,
    weight: 13,
    languages: [['fr-FR', 1]],
    first: [
      'Gabriel',
      'Léo',
      'Raphaël',
      'Hugo',
      'Théo',
      'Jade',
      'Louise',
      'Chloé',
      'Léa',
      'Manon',
      'Camille',
      'Inès',
    ],
    last: [
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Lefebvre',
    ],
    streets: [
      'rue de la République',
      'avenue Jean Jaurès',
      'rue Victor Hugo',
      'boulevard Voltaire',
      'rue Pasteur',
    ],
    numberFirst: true,
    cities: [
      ['Paris', (r) => `750${pad(r.int(1, 20), 2)}`],
      ['Lyon', (r) => `6900${r.int(1, 9)}`],
      ['Marseille', (r) => `130${pad(r.int(1, 16), 2)}`],
      ['Lille', () => '59000'],
      ['Bordeaux', () => '33000'],
      ['Nantes', () => '44000'],
    ],
    phone: (r) => `+33 6 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  },
  GB: {
    currency: 'GBP',
    vatBp: 2000,
    weight: 10,
    languages: [['en-GB', 1]],
    first: [
      'Oliver',
      'George',
      'Harry',
      'Jack',
      'Charlie',
      'James',
      'Olivia',
      'Amelia',
      'Isla',
      'Grace',
      'Ruby',
    ],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Davies', "O'Neill", 'Wright', 'Evans'],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Avenue', 'Mill Lane'],
    numberFirst: true,
    cities: [
      [
        'London',
        (r) => `${r.pick(['SW', 'SE', 'N', 'E', 'NW', 'W'])}${r.int(1, 19)} ${r.int(1, 9)}${r.letters(2)}`,
      ],
      ['Manchester', (r) => `M${r.int(1, 40)} ${r.int(1, 9)}${r.letters(2)}`],
      ['Birmingham', (r) => `B${r.int(1, 45)} ${r.int(1, 9)}${r.letters(2)}`],
      ['Leeds', (r) => `LS${r.int(1, 29)} ${r.int(1, 9)}${r.letters(2)}`],
      ['Bristol', (r) => `BS${r.int(1, 16)} ${r.int(1, 9)}${r.letters(2)}`],
      ['Edinburgh', (r) => `EH${r.int(1, 17)} ${r.int(1, 9)}${r.letters(2)}`],
    ],
    // Ofcom reserves 07700 900000–900999 for fiction.
    phone: (r) => `+44 7700 900${r.digits(3)}`,
  },
  SE: {
    currency: 'SEK',
    vatBp: 2500,
    weight: 10,
    languages: [['sv-SE', 1]],
    first: [
      'William',
      'Liam',
      'Oscar',
      'Axel',
      'Nils',
      'Sven',
      'Maja',
      'Elsa',
      'Astrid',
      'Wilma',
      'Ebba',
      'Saga',
    ],
    last: [
      'Andersson',
      'Johansson',
      'Karlsson',
      'Nilsson',
      'Eriksson',
      'Larsson',
      'Lindqvist',
      'Berg',
      'Holm',
    ],
    streets: ['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Vasagatan', 'Skolgatan', 'Parkvägen'],
    numberFirst: false,
    cities: [
      ['Stockholm', (r) => `11${r.int(1, 8)} ${r.digits(2)}`],
      ['Göteborg', (r) => `41${r.int(1, 7)} ${r.digits(2)}`],
      ['Malmö', (r) => `21${r.int(1, 8)} ${r.digits(2)}`],
      ['Uppsala', (r) => `753 ${r.digits(2)}`],
      ['Västerås', (r) => `722 ${r.digits(2)}`],
      ['Örebro', (r) => `702 ${r.digits(2)}`],
    ],
    phone: (r) => `+46 70 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  },
};
const COUNTRIES = Object.keys(MARKETS) as Country[];

/** Documentation-only address ranges (RFC 5737 / RFC 3849): realistic shape, never a real host. */
function ipAddress(r: Rng): string {
  if (r.chance(0.15)) return `2001:db8:${r.hex(4)}:${r.hex(4)}::${r.hex(3)}`;
  return `${r.pick(['192.0.2', '198.51.100', '203.0.113'])}.${r.int(1, 254)}`;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'NorthwindApp/6.4.0 (iOS 18.1; iPhone15,2)',
  'NorthwindApp/6.4.0 (Android 15; SM-S921B)',
];

// ---------------------------------------------------------------------------------------------------
// World: typed entities with their links; datasets are projections of it
// ---------------------------------------------------------------------------------------------------

interface FxRate {
  date: number;
  quote: string;
  rate: string;
  publishedAt: number;
}
interface Category {
  id: string;
  parentId: string | null;
  name: string;
  path: string;
  level: number;
  vatClass: string;
  active: boolean;
  leaf?: Leaf;
}
interface Leaf {
  items: readonly string[];
  price: readonly [number, number];
  weight: readonly [number, number];
}
interface Product {
  sku: string;
  name: string;
  brand: string;
  categoryId: string;
  description: string;
  color: string | null;
  weightGrams: number;
  active: boolean;
  launchedOn: number;
  gtin: string;
  updatedAt: number;
  basePriceCents: number;
  onSale: boolean;
}
interface Price {
  sku: string;
  market: Country;
  currency: Currency;
  listCents: number;
  saleCents: number | null;
  validFrom: number;
}
interface Customer {
  id: string;
  first: string;
  last: string;
  email: string;
  phone: string | null;
  birthDate: number;
  country: Country;
  language: string;
  channel: string;
  signedUpAt: number;
  tier: string;
  active: boolean;
  updatedAt: number;
  ips: string[];
  shippingAddressId: string;
}
interface Address {
  id: string;
  customerId: string;
  type: 'shipping' | 'billing';
  street: string;
  postalCode: string;
  city: string;
  country: Country;
  isDefault: boolean;
  validFrom: number;
}
interface OrderLine {
  lineNumber: number;
  sku: string;
  productName: string;
  quantity: number;
  unitCents: number;
  discountCents: number;
  vatBp: number;
  status: string;
}
interface Order {
  id: string;
  customer: Customer | null;
  channel: 'web' | 'app' | 'store';
  storeId: string | null;
  market: Country;
  currency: Currency;
  lines: OrderLine[];
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  promotionCode: string | null;
  placedAt: number;
  status: string;
  updatedAt: number;
  paid?: Payment;
  shipment?: Shipment;
  sessionId?: string;
}
interface Payment {
  id: string;
  order: Order;
  method: string;
  psp: string;
  status: 'captured' | 'failed' | 'cancelled';
  amountCents: number;
  amountEurCents: number;
  feeEurCents: number;
  createdAt: number;
  capturedAt: number | null;
  failureReason: string | null;
  cardToken: CardToken | null;
  ip: string | null;
}
interface CardToken {
  token: string;
  customerId: string | null;
  brand: 'visa' | 'mastercard' | 'amex';
  maskedPan: string;
  expiryMonth: number;
  expiryYear: number;
  holder: string;
  funding: string;
  issuerCountry: Country;
  createdAt: number;
  lastUsedAt: number;
}
interface Authorisation {
  id: string;
  payment: Payment;
  responseCode: string;
  threeDs: string;
  eci: string | null;
  latencyMs: number;
  acquirerReference: string;
  fraud: FraudScore | null;
}
interface FraudScore {
  id: string;
  score: number;
  band: string;
  decision: string;
  reason: string | null;
  device: string;
  scoredAt: number;
}
interface Shipment {
  id: string;
  order: Order;
  warehouseId: string;
  carrier: string;
  serviceLevel: string;
  trackingNumber: string | null;
  address: Address;
  parcels: number;
  weightGrams: number;
  status: string;
  labelAt: number;
  shippedAt: number;
  deliveredAt: number | null;
  promisedBy: number;
}
interface Return {
  id: string;
  order: Order;
  line: OrderLine;
  quantity: number;
  reason: string;
  condition: string;
  comment: string | null;
  requestedAt: number;
  receivedAt: number | null;
  refundId: string | null;
  status: string;
}
interface Refund {
  id: string;
  payment: Payment;
  returnId: string | null;
  amountCents: number;
  reason: string;
  status: string;
  requestedAt: number;
  processedAt: number | null;
  requestedBy: string;
}
interface Agent {
  id: string;
  name: string;
  email: string;
  team: string;
  languages: string;
  site: string;
  hiredOn: number;
  active: boolean;
}
interface Ticket {
  id: string;
  customer: Customer | null;
  order: Order | null;
  channel: string;
  category: string;
  priority: string;
  status: string;
  subject: string;
  description: string;
  email: string;
  agent: Agent | null;
  createdAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
}
interface Campaign {
  id: string;
  name: string;
  channel: string;
  objective: string;
  start: number;
  end: number;
  budgetCents: number;
  segment: string | null;
  utm: string;
}
interface Promotion {
  code: string;
  campaignId: string | null;
  description: string;
  type: 'percent' | 'fixed_amount' | 'free_shipping';
  value: number;
  minOrderCents: number | null;
  from: number;
  to: number;
  maxRedemptions: number | null;
}
interface Session {
  id: string;
  anonymousId: string;
  customer: Customer | null;
  startedAt: number;
  endedAt: number;
  landingPage: string;
  referrer: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  device: string;
  country: Country;
  events: ClickEvent[];
  converted: boolean;
  ip: string;
  userAgent: string;
  consent: boolean;
}
interface ClickEvent {
  id: string;
  type: string;
  at: number;
  url: string;
  sku: string | null;
  query: string | null;
}

type Value = string | number | boolean | null;
type Row = Record<string, Value>;

// ---------------------------------------------------------------------------------------------------
// Finance: FX rates
// ---------------------------------------------------------------------------------------------------

const FX_START: Record<string, number> = {
  USD: 1.085,
  GBP: 0.846,
  SEK: 11.42,
  DKK: 7.4605,
  NOK: 11.71,
  CHF: 0.936,
  PLN: 4.308,
  CZK: 25.19,
};
/** PLANTED: the ECB feed stopped after this day (see examples/README.md). */
const FX_LAST_DAY = utc(2026, 10, 27);

function buildFxRates(): FxRate[] {
  const r = new Rng('fx-rates');
  const out: FxRate[] = [];
  const level: Record<string, number> = { ...FX_START };
  for (let d = utc(2026, 5, 1); d <= FX_LAST_DAY; d += DAY) {
    const weekday = new Date(d).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const quote of Object.keys(FX_START)) {
      level[quote] = level[quote]! * (1 + (r.next() - 0.5) * 0.008);
      out.push({
        date: d,
        quote,
        rate: level[quote]!.toFixed(6),
        publishedAt: d + 14 * HOUR + r.int(2, 9) * MINUTE,
      });
    }
  }
  return out;
}

/** The latest published rate on or before the moment, as a number with six decimals. */
function rateAt(fx: FxRate[], quote: string, at: number): number {
  let best: FxRate | undefined;
  for (const rate of fx) if (rate.quote === quote && rate.publishedAt <= at) best = rate;
  return Number((best ?? fx.find((x) => x.quote === quote)!).rate);
}

function toEurCents(fx: FxRate[], cents: number, currency: Currency, at: number): number {
  return currency === 'EUR' ? cents : Math.round(cents / rateAt(fx, currency, at));
}

// ---------------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------------

const CATEGORY_TREE: readonly (readonly [
  string,
  readonly (readonly [string, Leaf | readonly (readonly [string, Leaf])[]])[],
])[] = [
  [
    'Home',
    [
      [
        'Kitchen',
        [
          [
            'Cookware',
            {
              items: [
                'Cast-iron skillet',
                'Non-stick frying pan',
                'Enamelled Dutch oven',
                'Saucepan set',
                'Carbon-steel wok',
              ],
              price: [25, 180],
              weight: [800, 6000],
            },
          ],
          [
            'Tableware',
            {
              items: [
                'Stoneware dinner plates (set of 4)',
                'Porcelain mug',
                'Linen napkins (set of 4)',
                'Glass tumblers (set of 6)',
                'Serving bowl',
              ],
              price: [9, 90],
              weight: [200, 4000],
            },
          ],
          [
            'Small appliances',
            {
              items: [
                'Electric kettle 1.7 l',
                'Two-slice toaster',
                'Hand blender',
                'Burr coffee grinder',
                'Milk frother',
              ],
              price: [25, 150],
              weight: [500, 3000],
            },
          ],
        ],
      ],
      [
        'Living',
        [
          [
            'Lighting',
            {
              items: [
                'Table lamp',
                'Floor lamp',
                'Rattan pendant light',
                'LED string lights 10 m',
                'Reading lamp',
              ],
              price: [15, 220],
              weight: [300, 8000],
            },
          ],
          [
            'Textiles',
            {
              items: ['Wool throw', 'Cushion cover 50x50', 'Jute rug 160x230', 'Linen curtain'],
              price: [12, 250],
              weight: [200, 9000],
            },
          ],
          [
            'Decoration',
            {
              items: [
                'Ceramic vase',
                'Round wall mirror',
                'Oak photo frame',
                'Scented candle',
                'Plant stand',
              ],
              price: [8, 120],
              weight: [150, 6000],
            },
          ],
        ],
      ],
      [
        'Bedroom',
        [
          [
            'Bedding',
            {
              items: [
                'Cotton duvet cover',
                'Down pillow',
                'Weighted blanket 7 kg',
                'Fitted sheet',
                'Mattress topper',
              ],
              price: [19, 220],
              weight: [400, 7500],
            },
          ],
          [
            'Storage',
            {
              items: ['Seagrass basket', 'Under-bed box', 'Clothes rail', 'Drawer organiser'],
              price: [9, 140],
              weight: [300, 9000],
            },
          ],
        ],
      ],
    ],
  ],
  [
    'Outdoor',
    [
      [
        'Garden',
        [
          [
            'Garden tools',
            {
              items: [
                'Bypass pruning shears',
                'Garden hose 25 m',
                'Border spade',
                'Leaf rake',
                'Watering can 10 l',
              ],
              price: [9, 160],
              weight: [300, 4000],
            },
          ],
          [
            'Garden furniture',
            {
              items: [
                'Folding bistro set',
                'Acacia garden bench',
                'Sun lounger',
                'Parasol 3 m',
                'Outdoor cushion',
              ],
              price: [25, 450],
              weight: [2000, 30000],
            },
          ],
          [
            'Plants and pots',
            {
              items: ['Terracotta pot 30 cm', 'Self-watering planter', 'Raised bed kit', 'Bird feeder'],
              price: [8, 120],
              weight: [500, 15000],
            },
          ],
        ],
      ],
      [
        'Camping',
        [
          [
            'Tents',
            {
              items: [
                'Two-person dome tent',
                'Four-person tunnel tent',
                'Ultralight trekking tent',
                'Family tent',
              ],
              price: [79, 549],
              weight: [1200, 18000],
            },
          ],
          [
            'Sleeping bags and mats',
            {
              items: ['Down sleeping bag', 'Synthetic sleeping bag', 'Self-inflating mat', 'Camping pillow'],
              price: [19, 260],
              weight: [300, 2500],
            },
          ],
          [
            'Camp kitchen',
            {
              items: ['Gas stove', 'Camping cookset', 'Insulated bottle 750 ml', 'Cool box 30 l'],
              price: [12, 150],
              weight: [300, 5000],
            },
          ],
        ],
      ],
      [
        'Cycling',
        [
          [
            'Bike accessories',
            {
              items: ['Bike light set', 'Folding frame lock', 'Pannier bag', 'Urban helmet', 'Mini pump'],
              price: [12, 120],
              weight: [150, 1500],
            },
          ],
        ],
      ],
    ],
  ],
  [
    'Sports and Leisure',
    [
      [
        'Fitness',
        {
          items: [
            'Yoga mat',
            'Adjustable dumbbells',
            'Resistance band set',
            'Foam roller',
            'Kettlebell 12 kg',
          ],
          price: [12, 260],
          weight: [300, 24000],
        },
      ],
      [
        'Water sports',
        {
          items: ['Inflatable paddle board', 'Swim goggles', 'Dry bag 20 l', 'Snorkel set'],
          price: [9, 499],
          weight: [100, 11000],
        },
      ],
    ],
  ],
  [
    'Kids',
    [
      [
        'Toys',
        {
          items: [
            'Wooden train set',
            'Building blocks (100 pieces)',
            'Plush fox',
            'Balance bike',
            'Jigsaw puzzle (500 pieces)',
          ],
          price: [9, 120],
          weight: [200, 4500],
        },
      ],
      [
        'Nursery',
        {
          items: ['Muslin baby blanket', 'Night light', 'Changing mat', 'Toy storage chest'],
          price: [12, 160],
          weight: [200, 9000],
        },
      ],
    ],
  ],
];

function buildCategories(): Category[] {
  const out: Category[] = [];
  let next = 1;
  const add = (name: string, parent: Category | null, leaf?: Leaf): Category => {
    const category: Category = {
      id: `CAT-${pad(next++, 3)}`,
      parentId: parent?.id ?? null,
      name,
      path: parent ? `${parent.path} > ${name}` : name,
      level: parent ? parent.level + 1 : 1,
      vatClass: 'standard',
      active: true,
      ...(leaf ? { leaf } : {}),
    };
    out.push(category);
    return category;
  };
  for (const [topName, children] of CATEGORY_TREE) {
    const top = add(topName, null);
    for (const [midName, content] of children) {
      if ('items' in content) {
        add(midName, top, content);
        continue;
      }
      const mid = add(midName, top);
      for (const [leafName, leaf] of content) add(leafName, mid, leaf);
    }
  }
  const seasonal = add('Seasonal', null);
  seasonal.active = false;
  add('Christmas decorations', seasonal).active = false;
  return out;
}

const BRANDS = [
  'Nordvik',
  'Hearth & Co',
  'Trailmark',
  'Lumo',
  'Kettle Bay',
  'Fjellstad',
  'Small Wonders',
  'Blue Harbour',
];
const COLORS = [
  'Natural',
  'Charcoal',
  'Sage green',
  'Terracotta',
  'Ocean blue',
  'Sand',
  'White',
  'Black',
  'Mustard',
];
const FEATURES = [
  'Designed in Amsterdam and built to last for years of daily use.',
  'Made from responsibly sourced materials with FSC-certified packaging.',
  'Easy to clean; a damp cloth is all it needs.',
  'Covered by a five-year Northwind quality guarantee.',
  'Tested by our product team through a full Scandinavian winter.',
  'Ships flat-packed and assembles in minutes without tools.',
  'Part of our low-waste range: plastic-free packaging.',
  'A customer favourite with an average rating above 4.5 stars.',
];

function buildProducts(categories: Category[]): Product[] {
  const r = new Rng('products');
  const leaves = categories.filter((c) => c.leaf);
  const out: Product[] = [];
  for (let i = 0; i < 400; i++) {
    const category = leaves[i % leaves.length]!;
    const leaf = category.leaf!;
    const item = r.pick(leaf.items);
    const brand = r.pick(BRANDS);
    const color = r.chance(0.8) ? r.pick(COLORS) : null;
    const features = [r.pick(FEATURES), r.pick(FEATURES)];
    const launchedOn = startOfDay(r.between(utc(2019, 3, 1), utc(2026, 10, 15)));
    out.push({
      sku: `SKU-${100001 + i * 7 + r.int(0, 6)}`,
      name: color ? `${brand} ${item}, ${color.toLowerCase()}` : `${brand} ${item}`,
      brand,
      categoryId: category.id,
      description: `${item} by ${brand}. ${features[0]}${features[1] !== features[0] ? ` ${features[1]}` : ''}`,
      color,
      weightGrams: r.int(leaf.weight[0], leaf.weight[1]),
      active: r.chance(0.95),
      launchedOn,
      gtin: ean13(`87${r.digits(10)}`),
      updatedAt: Math.max(launchedOn, r.between(NOW - 60 * DAY, NOW - HOUR)),
      basePriceCents: r.int(leaf.price[0], leaf.price[1]) * 100 - r.pick([1, 1, 5]),
      onSale: r.chance(0.15),
    });
  }
  return out;
}

const SALE_START = utc(2026, 10, 1);

function marketPrice(baseCents: number, currency: Currency): number {
  if (currency === 'GBP') return Math.ceil((baseCents * 0.87) / 100) * 100 - 1;
  if (currency === 'SEK') return Math.round((baseCents * 11.4) / 1000) * 1000 - 100;
  return baseCents;
}

function buildPrices(products: Product[]): Price[] {
  const out: Price[] = [];
  for (const product of products) {
    for (const market of COUNTRIES) {
      const currency = MARKETS[market].currency;
      const listCents = marketPrice(product.basePriceCents, currency);
      const saleCents = product.onSale
        ? marketPrice(Math.round(product.basePriceCents * 0.8), currency)
        : null;
      out.push({
        sku: product.sku,
        market,
        currency,
        listCents,
        saleCents: saleCents !== null && saleCents < listCents ? saleCents : null,
        validFrom: product.onSale ? SALE_START : Math.max(utc(2026, 1, 1), product.launchedOn),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------------

/** PLANTED: this customer's e-mail has a comma where the dot belongs (see examples/README.md). */
const MALFORMED_EMAIL_CUSTOMER = 417;

function buildCustomers(): { customers: Customer[]; addresses: Address[] } {
  const r = new Rng('customers');
  const drafts: Omit<Customer, 'id' | 'shippingAddressId'>[] = [];
  const emails = new Set<string>();
  for (let i = 0; i < 1200; i++) {
    const country = r.weighted(COUNTRIES.map((c) => [c, MARKETS[c].weight] as const));
    const market = MARKETS[country];
    const first = r.pick(market.first);
    const last = r.pick(market.last);
    let local = `${asciiFold(first)}.${asciiFold(last)}`;
    if (r.chance(0.4) || emails.has(`${local}@`)) local += String(r.int(1, 99));
    while (emails.has(`${local}@`)) local += String(r.int(0, 9));
    emails.add(`${local}@`);
    const signedUpAt = utc(2019, 1, 1) + Math.floor(Math.sqrt(r.next()) * (NOW - 2 * DAY - utc(2019, 1, 1)));
    const born =
      utc(1946, 1, 1) + Math.floor(((r.next() + r.next()) / 2) * (utc(2006, 12, 31) - utc(1946, 1, 1)));
    // Accounts are for adults: nobody signs up before their eighteenth birthday.
    const birthDate = startOfDay(Math.min(born, signedUpAt - Math.round(18.1 * 365.25 * DAY)));
    const recent = r.chance(0.3);
    drafts.push({
      first,
      last,
      email: `${local}@${r.pick(['example.com', 'example.net', 'example.org'])}`,
      phone: r.chance(0.92) ? market.phone(r) : null,
      birthDate,
      country,
      language: r.weighted(market.languages),
      channel: r.weighted([
        ['web', 55],
        ['app', 30],
        ['store', 15],
      ]),
      signedUpAt,
      tier: 'none',
      active: r.chance(0.95),
      updatedAt: recent
        ? Math.max(signedUpAt, r.between(WINDOW_START, NOW - 10 * MINUTE))
        : signedUpAt + r.int(0, 20) * DAY,
      ips: [ipAddress(r), ipAddress(r)],
    });
  }
  drafts.sort((a, b) => a.signedUpAt - b.signedUpAt);
  const customers: Customer[] = [];
  const addresses: Address[] = [];
  const ar = new Rng('addresses');
  let addressNo = 1;
  drafts.forEach((draft, i) => {
    const id = `C${1000001 + i}`;
    const updatedAt = Math.min(draft.updatedAt, NOW - 5 * MINUTE);
    const market = MARKETS[draft.country];
    const makeAddress = (type: 'shipping' | 'billing'): Address => {
      const [city, postal] = ar.pick(market.cities);
      const street = ar.pick(market.streets);
      const number = `${ar.int(1, 240)}${ar.chance(0.1) ? ar.pick(['a', 'b', 'c']) : ''}`;
      return {
        id: `A${1000000 + addressNo++}`,
        customerId: id,
        type,
        street: market.numberFirst ? `${number} ${street}` : `${street} ${number}`,
        postalCode: postal(ar),
        city,
        country: draft.country,
        isDefault: true,
        validFrom: startOfDay(draft.signedUpAt),
      };
    };
    const shipping = makeAddress('shipping');
    addresses.push(shipping);
    if (ar.chance(0.25)) addresses.push(makeAddress('billing'));
    if (ar.chance(0.08)) {
      const moved = makeAddress('shipping');
      shipping.isDefault = false;
      moved.validFrom = startOfDay(ar.between(draft.signedUpAt, NOW - DAY));
      addresses.push(moved);
    }
    const email = i === MALFORMED_EMAIL_CUSTOMER ? draft.email.replace(/\.([a-z]+)$/, ',$1') : draft.email;
    const defaultShipping = addresses.filter(
      (a) => a.customerId === id && a.type === 'shipping' && a.isDefault,
    )[0]!;
    customers.push({ ...draft, id, email, updatedAt, shippingAddressId: defaultShipping.id });
  });
  return { customers, addresses };
}

function addressOf(addresses: Map<string, Address>, id: string): Address {
  return addresses.get(id)!;
}

// ---------------------------------------------------------------------------------------------------
// Marketing reference: campaigns and promotions
// ---------------------------------------------------------------------------------------------------

const CAMPAIGNS: readonly Campaign[] = [
  [
    'CMP-2026-004',
    'Welcome series',
    'email',
    'acquisition',
    utc(2026, 1, 1),
    utc(2026, 12, 31),
    1800000,
    'new',
    'welcome-series',
  ],
  [
    'CMP-2026-009',
    'Affiliate always-on',
    'affiliate',
    'acquisition',
    utc(2026, 1, 1),
    utc(2026, 12, 31),
    4200000,
    null,
    'affiliate-2026',
  ],
  [
    'CMP-2026-017',
    'Brand search always-on',
    'paid_search',
    'acquisition',
    utc(2026, 1, 1),
    utc(2026, 12, 31),
    9600000,
    null,
    'brand-search',
  ],
  [
    'CMP-2026-021',
    'Summer clearance',
    'email',
    'retention',
    utc(2026, 8, 1),
    utc(2026, 8, 20),
    350000,
    'active',
    'summer-clearance',
  ],
  [
    'CMP-2026-022',
    'Camping end of season',
    'paid_search',
    'acquisition',
    utc(2026, 8, 15),
    utc(2026, 9, 30),
    1500000,
    null,
    'camping-eos',
  ],
  [
    'CMP-2026-023',
    'Back to uni: room essentials',
    'paid_social',
    'acquisition',
    utc(2026, 8, 10),
    utc(2026, 9, 15),
    1200000,
    null,
    'back-to-uni',
  ],
  [
    'CMP-2026-024',
    'Autumn garden prep',
    'email',
    'retention',
    utc(2026, 9, 1),
    utc(2026, 9, 21),
    400000,
    'loyal',
    'autumn-garden',
  ],
  [
    'CMP-2026-025',
    'Cosy home lookbook',
    'paid_social',
    'awareness',
    utc(2026, 9, 15),
    utc(2026, 10, 31),
    2200000,
    null,
    'cosy-home',
  ],
  [
    'CMP-2026-026',
    'Loyalty double points',
    'email',
    'retention',
    utc(2026, 10, 1),
    utc(2026, 10, 14),
    250000,
    'loyal',
    'double-points',
  ],
  [
    'CMP-2026-027',
    'Autumn sale',
    'email',
    'retention',
    utc(2026, 10, 1),
    utc(2026, 10, 31),
    600000,
    null,
    'autumn-sale',
  ],
  [
    'CMP-2026-028',
    'Autumn sale display',
    'display',
    'awareness',
    utc(2026, 10, 1),
    utc(2026, 10, 31),
    1800000,
    null,
    'autumn-sale-display',
  ],
  [
    'CMP-2026-029',
    'Win back lapsed customers',
    'email',
    'reactivation',
    utc(2026, 10, 15),
    utc(2026, 10, 31),
    150000,
    'lapsed',
    'win-back',
  ],
  [
    'CMP-2026-030',
    'App install push',
    'push',
    'retention',
    utc(2026, 10, 5),
    utc(2026, 10, 25),
    80000,
    'active',
    'app-push-autumn',
  ],
  [
    'CMP-2026-031',
    'Black Friday early access',
    'email',
    'retention',
    utc(2026, 11, 20),
    utc(2026, 11, 30),
    500000,
    'vip',
    'bf-early-access',
  ],
  [
    'CMP-2026-032',
    'Holiday gift guide',
    'paid_social',
    'awareness',
    utc(2026, 11, 15),
    utc(2026, 12, 24),
    3000000,
    null,
    'gift-guide',
  ],
  [
    'CMP-2026-033',
    'Holiday gift guide search',
    'paid_search',
    'acquisition',
    utc(2026, 11, 15),
    utc(2026, 12, 24),
    2500000,
    null,
    'gift-guide-search',
  ],
].map(([id, name, channel, objective, start, end, budgetCents, segment, utm]) => ({
  id,
  name,
  channel,
  objective,
  start,
  end,
  budgetCents,
  segment,
  utm,
})) as Campaign[];

const PROMOTIONS: readonly Promotion[] = [
  {
    code: 'WELCOME10',
    campaignId: 'CMP-2026-004',
    description: '10% off your first order',
    type: 'percent',
    value: 10,
    minOrderCents: null,
    from: utc(2026, 1, 1),
    to: utc(2026, 12, 31),
    maxRedemptions: null,
  },
  {
    code: 'SUMMER15',
    campaignId: 'CMP-2026-021',
    description: '15% off summer clearance',
    type: 'percent',
    value: 15,
    minOrderCents: null,
    from: utc(2026, 8, 1),
    to: utc(2026, 8, 20),
    maxRedemptions: 5000,
  },
  {
    code: 'UNI10',
    campaignId: 'CMP-2026-023',
    description: '10% off room essentials for students',
    type: 'percent',
    value: 10,
    minOrderCents: 2000,
    from: utc(2026, 8, 10),
    to: utc(2026, 9, 15),
    maxRedemptions: 2000,
  },
  {
    code: 'CAMP25',
    campaignId: 'CMP-2026-022',
    description: 'EUR 25 off camping orders over EUR 150',
    type: 'fixed_amount',
    value: 25,
    minOrderCents: 15000,
    from: utc(2026, 8, 15),
    to: utc(2026, 9, 30),
    maxRedemptions: 1000,
  },
  {
    code: 'GARDEN20',
    campaignId: 'CMP-2026-024',
    description: '20% off garden orders over EUR 60',
    type: 'percent',
    value: 20,
    minOrderCents: 6000,
    from: utc(2026, 9, 1),
    to: utc(2026, 9, 21),
    maxRedemptions: 3000,
  },
  {
    code: 'FREESHIP',
    campaignId: null,
    description: 'Free standard shipping',
    type: 'free_shipping',
    value: 0,
    minOrderCents: null,
    from: utc(2026, 8, 1),
    to: utc(2026, 10, 31),
    maxRedemptions: null,
  },
  {
    code: 'AUTUMN20',
    campaignId: 'CMP-2026-027',
    description: '20% off orders over EUR 50',
    type: 'percent',
    value: 20,
    minOrderCents: 5000,
    from: utc(2026, 10, 1),
    to: utc(2026, 10, 31),
    maxRedemptions: 10000,
  },
  {
    code: 'COMEBACK15',
    campaignId: 'CMP-2026-029',
    description: 'EUR 15 off your next order over EUR 40',
    type: 'fixed_amount',
    value: 15,
    minOrderCents: 4000,
    from: utc(2026, 10, 15),
    to: utc(2026, 11, 15),
    maxRedemptions: 1500,
  },
  {
    code: 'BFEARLY25',
    campaignId: 'CMP-2026-031',
    description: '25% off for VIP early access',
    type: 'percent',
    value: 25,
    minOrderCents: null,
    from: utc(2026, 11, 20),
    to: utc(2026, 11, 30),
    maxRedemptions: 800,
  },
  {
    code: 'STAFF30',
    campaignId: null,
    description: 'Employee discount',
    type: 'percent',
    value: 30,
    minOrderCents: null,
    from: utc(2026, 1, 1),
    to: utc(2026, 12, 31),
    maxRedemptions: null,
  },
];

// ---------------------------------------------------------------------------------------------------
// Orders, payments, cards, fulfilment
// ---------------------------------------------------------------------------------------------------

const STORES: readonly (readonly [string, Country])[] = [
  ['ST-AMS1', 'NL'],
  ['ST-UTR1', 'NL'],
  ['ST-RTM1', 'NL'],
  ['ST-KLN1', 'DE'],
  ['ST-BER1', 'DE'],
  ['ST-ANR1', 'BE'],
];

const METHODS: Record<Country, readonly (readonly [string, number])[]> = {
  NL: [
    ['ideal', 50],
    ['card', 25],
    ['paypal', 15],
    ['klarna', 10],
  ],
  BE: [
    ['bancontact', 45],
    ['card', 30],
    ['paypal', 15],
    ['klarna', 10],
  ],
  DE: [
    ['paypal', 35],
    ['card', 25],
    ['klarna', 25],
    ['sepa_debit', 15],
  ],
  FR: [
    ['card', 70],
    ['paypal', 25],
    ['klarna', 5],
  ],
  GB: [
    ['card', 75],
    ['paypal', 25],
  ],
  SE: [
    ['card', 45],
    ['klarna', 45],
    ['paypal', 10],
  ],
};

function feeEurCents(method: string, amountEurCents: number): number {
  switch (method) {
    case 'card':
      return Math.round(amountEurCents * 0.014) + 25;
    case 'paypal':
      return Math.round(amountEurCents * 0.029) + 35;
    case 'klarna':
      return Math.round(amountEurCents * 0.0299) + 30;
    case 'ideal':
      return 29;
    case 'bancontact':
      return 39;
    default:
      return 35;
  }
}

/** PLANTED: the order whose row the CDC feed delivered twice (see examples/README.md). */
const DUPLICATED_ORDER = 1234;

interface Commerce {
  orders: Order[];
  payments: Payment[];
  tokens: CardToken[];
  authorisations: Authorisation[];
  shipments: Shipment[];
  returns: Return[];
  refunds: Refund[];
}

function buildCommerce(
  customers: Customer[],
  addresses: Map<string, Address>,
  products: Product[],
  prices: Price[],
  fx: FxRate[],
): Commerce {
  const r = new Rng('orders');
  const pr = new Rng('payments');
  const priceOf = new Map(prices.map((p) => [`${p.sku}|${p.market}`, p]));
  const sellable = products.filter((p) => p.active);
  const tokensByCustomer = new Map<string, CardToken[]>();
  const tokens: CardToken[] = [];
  const payments: Payment[] = [];
  const authorisations: Authorisation[] = [];

  // Order moments first, then ids in time order.
  const moments: number[] = [];
  const days = Math.round((NOW - WINDOW_START) / DAY);
  const dayWeights = Array.from({ length: days + 1 }, (_, d) => {
    const weekday = new Date(WINDOW_START + d * DAY).getUTCDay();
    return [d, (1 + (0.4 * d) / days) * (weekday === 0 || weekday === 6 ? 1.3 : 1)] as const;
  });
  while (moments.length < 2000) {
    const at = r.timeOnDay(WINDOW_START + r.weighted(dayWeights) * DAY);
    if (at < NOW - 2 * MINUTE) moments.push(at);
  }
  moments.sort((a, b) => a - b);

  const tokenFor = (customer: Customer | null, at: number): CardToken => {
    const existing = customer ? tokensByCustomer.get(customer.id) : undefined;
    if (existing && existing.length > 0 && pr.chance(0.85)) {
      const token = pr.pick(existing);
      token.lastUsedAt = Math.max(token.lastUsedAt, at);
      return token;
    }
    const brand = pr.weighted([
      ['visa', 55],
      ['mastercard', 38],
      ['amex', 7],
    ] as const);
    const bin =
      brand === 'visa'
        ? `4${pr.digits(5)}`
        : brand === 'mastercard'
          ? `5${pr.int(1, 5)}${pr.digits(4)}`
          : `37${pr.digits(4)}`;
    const length = brand === 'amex' ? 15 : 16;
    const token: CardToken = {
      token: `tok_${pr.hex(24)}`,
      customerId: customer?.id ?? null,
      brand,
      maskedPan: `${bin}${'*'.repeat(length - 10)}${pr.digits(4)}`,
      expiryMonth: pr.int(1, 12),
      expiryYear: pr.int(2027, 2031),
      holder: customer
        ? `${asciiFold(customer.first).toUpperCase()} ${customer.last.toUpperCase()}`
        : 'CARDHOLDER',
      funding: pr.weighted([
        ['credit', 55],
        ['debit', 42],
        ['prepaid', 3],
      ]),
      issuerCountry: customer?.country ?? 'NL',
      createdAt:
        customer && pr.chance(0.5) ? pr.between(Math.max(customer.signedUpAt, at - 400 * DAY), at) : at,
      lastUsedAt: at,
    };
    tokens.push(token);
    if (customer) tokensByCustomer.set(customer.id, [...(existing ?? []), token]);
    return token;
  };

  const orders: Order[] = [];
  moments.forEach((placedAt, i) => {
    const channel = r.weighted([
      ['web', 55],
      ['app', 30],
      ['store', 15],
    ] as const);
    let customer: Customer | null = null;
    let storeId: string | null = null;
    let market: Country;
    if (channel === 'store') {
      const [store, country] = r.pick(STORES);
      storeId = store;
      market = country;
      if (r.chance(0.6)) {
        for (let tries = 0; tries < 40 && !customer; tries++) {
          const c = r.pick(customers);
          if (c.country === country && c.signedUpAt < placedAt && c.active) customer = c;
        }
      }
    } else {
      for (let tries = 0; tries < 60 && !customer; tries++) {
        const c = customers[Math.floor(Math.sqrt(r.next()) * customers.length)]!;
        if (c.signedUpAt < placedAt && c.active) customer = c;
      }
      customer ??= customers[0]!;
      market = customer.country;
    }
    const currency = MARKETS[market].currency;
    const vatBp = MARKETS[market].vatBp;
    const lineCount = r.weighted([
      [1, 70],
      [2, 20],
      [3, 10],
    ] as const);
    const lines: OrderLine[] = [];
    const used = new Set<string>();
    for (let n = 1; n <= lineCount; n++) {
      let product = r.pick(sellable);
      while (used.has(product.sku)) product = r.pick(sellable);
      used.add(product.sku);
      const price = priceOf.get(`${product.sku}|${market}`)!;
      const unitCents =
        price.saleCents !== null && placedAt >= SALE_START ? price.saleCents : price.listCents;
      lines.push({
        lineNumber: n,
        sku: product.sku,
        productName: product.name,
        quantity: r.weighted([
          [1, 80],
          [2, 15],
          [3, 5],
        ]),
        unitCents,
        discountCents: 0,
        vatBp,
        status: 'pending',
      });
    }
    const subtotalCents = lines.reduce((s, l) => s + l.quantity * l.unitCents, 0);
    let promotionCode: string | null = null;
    let discountCents = 0;
    let freeShipping = false;
    if (channel !== 'store' && r.chance(0.18)) {
      const eligible = PROMOTIONS.filter(
        (p) =>
          p.from <= placedAt &&
          placedAt < p.to + DAY &&
          (p.minOrderCents ?? 0) <= subtotalCents &&
          p.code !== 'STAFF30',
      );
      if (eligible.length > 0) {
        const promotion = r.pick(eligible);
        promotionCode = promotion.code;
        if (promotion.type === 'percent') discountCents = Math.round((subtotalCents * promotion.value) / 100);
        else if (promotion.type === 'fixed_amount')
          discountCents = marketPrice(promotion.value * 100, currency) + (currency === 'EUR' ? 0 : 1);
        else freeShipping = true;
        discountCents = Math.min(discountCents, subtotalCents);
      }
    }
    // Spread the order discount over the lines so that line totals add up to the order.
    let left = discountCents;
    lines.forEach((line, n) => {
      const gross = line.quantity * line.unitCents;
      const share = n === lines.length - 1 ? left : Math.floor((discountCents * gross) / subtotalCents);
      line.discountCents = share;
      left -= share;
    });
    const threshold = currency === 'GBP' ? 4500 : currency === 'SEK' ? 50000 : 5000;
    const shippingCents =
      channel === 'store' || freeShipping || subtotalCents >= threshold
        ? 0
        : currency === 'GBP'
          ? 395
          : currency === 'SEK'
            ? 4900
            : 495;
    const totalCents = subtotalCents - discountCents + shippingCents;
    const taxCents = Math.round((totalCents * vatBp) / (10000 + vatBp));
    orders.push({
      id: `NW${1204000 + i * 3 + r.int(0, 2)}`,
      customer,
      channel,
      storeId,
      market,
      currency,
      lines,
      subtotalCents,
      discountCents,
      shippingCents,
      taxCents,
      totalCents,
      promotionCode,
      placedAt,
      status: 'placed',
      updatedAt: placedAt,
    });
  });

  // Payments: a first attempt, sometimes a retry; card attempts carry an authorisation and a fraud score.
  let paymentNo = 0;
  const attempt = (order: Order, method: string, createdAt: number): Payment => {
    const amountEurCents = toEurCents(fx, order.totalCents, order.currency, createdAt);
    const online = order.channel !== 'store';
    const payment: Payment = {
      id: `pt_${pad(++paymentNo, 6)}${pr.hex(14)}`,
      order,
      method,
      psp: method === 'paypal' ? 'paypal' : 'payrail',
      status: 'captured',
      amountCents: order.totalCents,
      amountEurCents,
      feeEurCents: feeEurCents(method, amountEurCents),
      createdAt,
      capturedAt: null,
      failureReason: null,
      cardToken: null,
      ip: online && order.customer ? pr.pick(order.customer.ips) : null,
    };
    if (method === 'card') {
      const token = tokenFor(order.customer, createdAt);
      payment.cardToken = token;
      const score = online ? Number((pr.next() * pr.next() * pr.next() * 1.6).toFixed(4)) : null;
      const fraud: FraudScore | null =
        score === null
          ? null
          : {
              id: `fs_${pr.hex(16)}`,
              score: Math.min(score, 0.9987),
              band: score < 0.3 ? 'low' : score < 0.7 ? 'medium' : 'high',
              decision: score < 0.7 ? 'accept' : score < 0.9 ? 'review' : 'reject',
              reason:
                score < 0.3
                  ? null
                  : pr.pick([
                      'velocity_card',
                      'ip_country_mismatch',
                      'new_device',
                      'high_basket_value',
                      'billing_shipping_mismatch',
                    ]),
              device: sha256(`device|${order.customer?.id ?? order.id}`).slice(0, 40),
              scoredAt: createdAt - pr.int(150, 900),
            };
      let responseCode = '00';
      if (fraud?.decision === 'reject') responseCode = '59';
      else if (pr.chance(0.05)) responseCode = pr.pick(['05', '51', '54']);
      const threeDs = online
        ? pr.weighted([
            ['authenticated', 78],
            ['attempted', 8],
            ['exempted', 10],
            ['failed', 2],
            ['not_enrolled', 2],
          ] as const)
        : 'not_applicable';
      if (threeDs === 'failed') responseCode = '05';
      const eci = !online
        ? null
        : token.brand === 'mastercard'
          ? threeDs === 'authenticated'
            ? '02'
            : threeDs === 'attempted'
              ? '01'
              : '00'
          : threeDs === 'authenticated'
            ? '05'
            : threeDs === 'attempted'
              ? '06'
              : '07';
      authorisations.push({
        id: `au_${pr.hex(20)}`,
        payment,
        responseCode,
        threeDs,
        eci,
        latencyMs: pr.int(90, 1400),
        acquirerReference: `74${pr.digits(20)}`,
        fraud,
      });
      if (responseCode !== '00') {
        payment.status = 'failed';
        payment.failureReason = {
          '05': 'do_not_honour',
          '51': 'insufficient_funds',
          '54': 'expired_card',
          '59': 'suspected_fraud',
        }[responseCode]!;
      }
    } else if (pr.chance(0.04)) {
      payment.status = 'cancelled';
      payment.failureReason = 'shopper_cancelled';
    }
    if (payment.status === 'captured') payment.capturedAt = createdAt + pr.int(1, 12) * 1000;
    payments.push(payment);
    return payment;
  };

  for (const order of orders) {
    const method = order.channel === 'store' ? 'card' : pr.weighted(METHODS[order.market]);
    let payment = attempt(order, method, order.placedAt + pr.int(20, 150) * 1000);
    if (payment.status !== 'captured' && pr.chance(0.7)) {
      const retryMethod = order.channel === 'store' ? 'card' : pr.weighted(METHODS[order.market]);
      payment = attempt(order, retryMethod, payment.createdAt + pr.int(1, 9) * MINUTE);
    }
    if (payment.status === 'captured') order.paid = payment;
  }

  // Fulfilment: stores hand over at once; online orders ship from the warehouse serving the country.
  const sr = new Rng('shipments');
  const shipments: Shipment[] = [];
  const carriers: Record<Country, readonly string[]> = {
    NL: ['postnl', 'postnl', 'dhl'],
    DE: ['dhl', 'dhl', 'dpd'],
    BE: ['bpost', 'dpd'],
    FR: ['colissimo', 'ups'],
    GB: ['royal_mail', 'dpd'],
    SE: ['postnord'],
  };
  const tracking = (carrier: string): string => {
    switch (carrier) {
      case 'postnl':
        return `3SNWC${sr.digits(9)}`;
      case 'dhl':
        return `JVGL${sr.digits(10)}`;
      case 'dpd':
        return `0${sr.digits(13)}`;
      case 'bpost':
        return `3232${sr.digits(10)}`.slice(0, 14);
      case 'colissimo':
        return `6A${sr.digits(11)}`;
      case 'ups':
        return `1Z${sr.hex(6).toUpperCase()}${sr.digits(10)}`;
      case 'royal_mail':
        return `${sr.letters(2)}${sr.digits(9)}GB`;
      default:
        return `00${sr.digits(11)}SE`;
    }
  };
  for (const order of orders) {
    if (!order.paid) {
      order.status = 'cancelled';
      for (const line of order.lines) line.status = 'cancelled';
      order.updatedAt = order.placedAt + 15 * MINUTE;
      continue;
    }
    order.updatedAt = order.paid.capturedAt!;
    if (order.channel === 'store') {
      order.status = 'delivered';
      for (const line of order.lines) line.status = 'delivered';
      continue;
    }
    const customer = order.customer!;
    const serviceLevel = sr.weighted([
      ['standard', 80],
      ['express', 15],
      ['next_day', 5],
    ] as const);
    const labelAt = order.placedAt + sr.int(20, 180) * MINUTE;
    // Carriers collect at 20:00; a label printed later goes with the next day's collection.
    const collection = startOfDay(labelAt) + 20 * HOUR;
    const shippedAt = (labelAt < collection ? collection : collection + DAY) + sr.int(0, 50) * MINUTE;
    const promisedDays = serviceLevel === 'next_day' ? 1 : serviceLevel === 'express' ? 2 : 4;
    const transitDays =
      serviceLevel === 'next_day'
        ? 1
        : serviceLevel === 'express'
          ? sr.weighted([
              [1, 70],
              [2, 30],
            ] as const)
          : sr.weighted([
              [1, 35],
              [2, 40],
              [3, 17],
              [4, 8],
            ] as const);
    const delay = sr.chance(0.05) ? sr.int(1, 3) : 0;
    const deliveredAt =
      startOfDay(shippedAt) + (transitDays + delay) * DAY + sr.int(9, 19) * HOUR + sr.int(0, 59) * MINUTE;
    if (labelAt > NOW) {
      order.status = 'paid';
      continue;
    }
    const carrier = sr.pick(carriers[order.market]);
    const shipment: Shipment = {
      id: `SH${pad(shipments.length + 500001, 7)}`,
      order,
      warehouseId: order.market === 'SE' ? 'WH-NRK' : order.market === 'DE' ? 'WH-DUI' : 'WH-TIL',
      carrier,
      serviceLevel,
      trackingNumber: tracking(carrier),
      address: addressOf(addresses, customer.shippingAddressId),
      parcels: order.lines.length > 1 && sr.chance(0.4) ? 2 : 1,
      weightGrams: 0,
      status: 'label_created',
      labelAt,
      shippedAt,
      deliveredAt: null,
      promisedBy: startOfDay(shippedAt) + promisedDays * DAY,
    };
    shipment.weightGrams = order.lines.reduce(
      (s, l) => s + l.quantity * (products.find((p) => p.sku === l.sku)?.weightGrams ?? 500),
      0,
    );
    order.shipment = shipment;
    shipments.push(shipment);
    order.status = 'paid';
    order.updatedAt = Math.max(order.updatedAt, labelAt);
    if (shippedAt <= NOW) {
      shipment.status = 'in_transit';
      order.status = 'shipped';
      order.updatedAt = shippedAt;
      for (const line of order.lines) line.status = 'shipped';
      if (deliveredAt <= NOW) {
        const lost = sr.chance(0.004);
        shipment.status = lost ? 'lost' : 'delivered';
        shipment.deliveredAt = lost ? null : deliveredAt;
        if (!lost) {
          order.status = 'delivered';
          order.updatedAt = deliveredAt;
          for (const line of order.lines) line.status = 'delivered';
        }
      }
    }
  }
  // PLANTED: one delivered shipment lost its tracking number in the carrier hand-off (see examples/README.md).
  const delivered = shipments.filter((s) => s.status === 'delivered');
  delivered[Math.floor(delivered.length / 2)]!.trackingNumber = null;

  // Returns and refunds.
  const rr = new Rng('returns');
  const returns: Return[] = [];
  const refunds: Refund[] = [];
  const RETURN_COMMENTS: Record<string, readonly string[]> = {
    wrong_size: ['Too small for our balcony, sadly.', 'Bigger than it looked in the pictures.'],
    damaged: ['Arrived with a crack in the glaze.', 'Box was crushed and one leg is bent.'],
    not_as_described: [
      'The colour is much darker than on the website.',
      'Not solid oak as the description says.',
    ],
    changed_mind: ['Bought a different one in store.', 'No longer needed, unopened.'],
    late_delivery: [
      'Arrived after the event I needed it for.',
      'Took nine days, I had already bought one elsewhere.',
    ],
  };
  for (const order of orders) {
    const shipment = order.shipment;
    if (!shipment?.deliveredAt || !rr.chance(0.075)) continue;
    const requestedAt = shipment.deliveredAt + rr.int(1, 14) * DAY + rr.int(0, 600) * MINUTE;
    if (requestedAt > NOW) continue;
    const line = rr.pick(order.lines);
    const reason = rr.pick(Object.keys(RETURN_COMMENTS));
    const receivedAt = requestedAt + rr.int(2, 6) * DAY + rr.int(0, 480) * MINUTE;
    const ret: Return = {
      id: `RT${pad(returns.length + 70001, 6)}`,
      order,
      line,
      quantity: rr.int(1, line.quantity),
      reason,
      condition: reason === 'damaged' ? 'damaged' : rr.pick(['unopened', 'opened', 'opened']),
      comment: rr.chance(0.6) ? rr.pick(RETURN_COMMENTS[reason]!) : null,
      requestedAt,
      receivedAt: receivedAt <= NOW ? receivedAt : null,
      refundId: null,
      status: receivedAt <= NOW ? 'received' : rr.chance(0.5) ? 'in_transit' : 'requested',
    };
    returns.push(ret);
    if (ret.receivedAt !== null) {
      if (rr.chance(0.05) && ret.condition !== 'damaged') {
        ret.status = 'rejected';
        continue;
      }
      const processedAt = ret.receivedAt + rr.int(1, 2) * DAY + rr.int(0, 300) * MINUTE;
      const perUnit = Math.round((line.quantity * line.unitCents - line.discountCents) / line.quantity);
      const refund: Refund = {
        id: `rf_${pad(refunds.length + 1, 5)}${rr.hex(8)}`,
        payment: order.paid!,
        returnId: ret.id,
        amountCents: perUnit * ret.quantity,
        reason: 'return',
        status: processedAt <= NOW ? 'succeeded' : 'pending',
        requestedAt: ret.receivedAt + rr.int(5, 90) * MINUTE,
        processedAt: processedAt <= NOW ? processedAt : null,
        requestedBy: 'returns-portal',
      };
      refunds.push(refund);
      ret.refundId = refund.id;
      ret.status = refund.status === 'succeeded' ? 'refunded' : 'received';
      line.status = 'returned';
    }
  }
  for (const order of orders) {
    if (order.status !== 'delivered') continue;
    const returned = order.lines.filter((l) => l.status === 'returned').length;
    if (returned > 0) {
      order.status = returned === order.lines.length ? 'returned' : 'partially_returned';
      const lastReturn = returns
        .filter((x) => x.order === order)
        .reduce((m, x) => Math.max(m, x.receivedAt ?? 0), 0);
      order.updatedAt = Math.max(order.updatedAt, lastReturn);
    }
  }
  // Goodwill refunds for late deliveries and a couple of duplicate charges.
  const late = shipments.filter((s) => s.deliveredAt !== null && s.deliveredAt > s.promisedBy + DAY);
  for (const shipment of late) {
    if (!rr.chance(0.35)) continue;
    const requestedAt = shipment.deliveredAt! + rr.int(2, 48) * HOUR;
    if (requestedAt > NOW - 3 * HOUR) continue;
    const currency = shipment.order.currency;
    refunds.push({
      id: `rf_${pad(refunds.length + 1, 5)}${rr.hex(8)}`,
      payment: shipment.order.paid!,
      returnId: null,
      amountCents: currency === 'SEK' ? rr.pick([5000, 10000]) : rr.pick([500, 1000, 1500]),
      reason: 'late_delivery',
      status: 'succeeded',
      requestedAt,
      processedAt: requestedAt + rr.int(10, 120) * MINUTE,
      requestedBy: `agent:AG${rr.int(101, 136)}`,
    });
  }
  const captured = payments.filter((p) => p.status === 'captured' && p.capturedAt! < NOW - 10 * DAY);
  for (let k = 0; k < 3; k++) {
    const payment = captured[rr.int(0, captured.length - 1)]!;
    const requestedAt = payment.capturedAt! + rr.int(1, 6) * DAY;
    refunds.push({
      id: `rf_${pad(refunds.length + 1, 5)}${rr.hex(8)}`,
      payment,
      returnId: null,
      amountCents: payment.amountCents,
      reason: 'duplicate_charge',
      status: 'succeeded',
      requestedAt,
      processedAt: requestedAt + rr.int(1, 24) * HOUR,
      requestedBy: 'system',
    });
  }
  refunds.sort((a, b) => a.requestedAt - b.requestedAt);
  // PLANTED: an agent tool booked a goodwill refund with a minus sign (see examples/README.md).
  const goodwill = refunds.filter((x) => x.reason === 'late_delivery');
  const negative = goodwill[Math.floor(goodwill.length / 3)]!;
  negative.reason = 'goodwill';
  negative.amountCents = -negative.amountCents;

  return { orders, payments, tokens, authorisations, shipments, returns, refunds };
}

interface Chargeback {
  id: string;
  payment: Payment;
  brand: 'visa' | 'mastercard';
  reasonCode: string;
  category: string;
  stage: string;
  status: string;
  openedAt: number;
  respondBy: number;
  closedAt: number | null;
  notes: string;
}

const CHARGEBACK_REASONS: readonly (readonly [string, string, string])[] = [
  ['fraud', '10.4', '4837'],
  ['product_not_received', '13.1', '4855'],
  ['not_as_described', '13.3', '4853'],
  ['duplicate_processing', '12.6.1', '4834'],
  ['credit_not_processed', '13.6', '4860'],
];

function buildChargebacks(commerce: Commerce): Chargeback[] {
  const r = new Rng('chargebacks');
  const out: Chargeback[] = [];
  const candidates = commerce.payments.filter(
    (p) =>
      p.status === 'captured' &&
      p.cardToken &&
      p.cardToken.brand !== 'amex' &&
      p.order.channel !== 'store' &&
      p.capturedAt! < NOW - 20 * DAY,
  );
  for (const payment of candidates) {
    if (!r.chance(0.08)) continue;
    const openedAt = payment.capturedAt! + r.int(20, 75) * DAY + r.int(0, 600) * MINUTE;
    if (openedAt > NOW - HOUR) continue;
    const [category, visa, mastercard] = r.pick(CHARGEBACK_REASONS);
    const age = NOW - openedAt;
    const status =
      age < 25 * DAY
        ? 'open'
        : r.weighted([
            ['won', 50],
            ['lost', 25],
            ['accepted', 25],
          ] as const);
    const tracking = payment.order.shipment?.trackingNumber;
    const notes =
      category === 'fraud'
        ? `3-D Secure ${r.pick(['authenticated', 'frictionless'])} at checkout; device seen on ${r.int(2, 9)} earlier orders from this customer. Evidence pack submitted.`
        : category === 'product_not_received'
          ? `Carrier confirms delivery${tracking ? ` (tracking ${tracking})` : ''}; proof of delivery with GPS scan attached.`
          : category === 'duplicate_processing'
            ? 'Duplicate capture confirmed by payments ops; refund already issued, chargeback accepted.'
            : category === 'credit_not_processed'
              ? 'Return received at the Venlo returns centre; refund issued before the dispute was opened.'
              : 'Customer contacted support about the colour; offered exchange, no reply. Photos from the product page attached.';
    out.push({
      id: `cb_${pad(out.length + 1, 4)}${r.hex(8)}`,
      payment,
      brand: payment.cardToken!.brand as 'visa' | 'mastercard',
      reasonCode: payment.cardToken!.brand === 'visa' ? visa : mastercard,
      category,
      stage: status === 'open' && r.chance(0.2) ? 'pre_arbitration' : 'first_chargeback',
      status,
      openedAt,
      respondBy: startOfDay(openedAt) + 20 * DAY,
      closedAt: status === 'open' ? null : Math.min(openedAt + r.int(10, 24) * DAY, NOW - HOUR),
      notes,
    });
  }
  return out;
}

interface Settlement {
  id: string;
  psp: string;
  date: number;
  grossCents: number;
  feeCents: number;
  refundCents: number;
  chargebackCents: number;
  count: number;
  payoutReference: string;
  receivedAt: number;
}

const NORTHWIND_IBAN = iban('NL', 'ABNA0417164300');

function buildSettlements(commerce: Commerce, chargebacks: Chargeback[], fx: FxRate[]): Settlement[] {
  const r = new Rng('settlements');
  const out: Settlement[] = [];
  for (let d = WINDOW_START + DAY; d + 11 * HOUR <= NOW; d += DAY) {
    for (const psp of ['payrail', 'paypal']) {
      const prior = d - DAY;
      const inDay = (t: number | null): boolean => t !== null && t >= prior && t < d;
      const captures = commerce.payments.filter(
        (p) => p.psp === psp && p.status === 'captured' && inDay(p.capturedAt),
      );
      if (captures.length === 0) continue;
      const refunds = commerce.refunds.filter(
        (x) => x.payment.psp === psp && x.status === 'succeeded' && inDay(x.processedAt),
      );
      const disputes = chargebacks.filter((c) => c.payment.psp === psp && inDay(c.openedAt));
      const tag = psp === 'payrail' ? 'PR' : 'PP';
      out.push({
        id: `STL-${tag}-${day(d).replace(/-/g, '')}`,
        psp,
        date: d,
        grossCents: captures.reduce((s, p) => s + p.amountEurCents, 0),
        feeCents: captures.reduce((s, p) => s + p.feeEurCents, 0),
        refundCents: refunds.reduce(
          (s, x) => s + Math.abs(toEurCents(fx, x.amountCents, x.payment.order.currency, x.processedAt!)),
          0,
        ),
        chargebackCents: disputes.reduce((s, c) => s + c.payment.amountEurCents, 0),
        count: captures.length,
        payoutReference: `${tag}${r.hex(16).toUpperCase()}`,
        receivedAt: d + 9 * HOUR + r.int(0, 90) * MINUTE,
      });
    }
  }
  return out;
}

interface JournalLine {
  journalId: string;
  line: number;
  date: number;
  account: string;
  costCenter: string;
  debitCents: number;
  creditCents: number;
  source: string;
  reference: string;
  description: string;
}

const ACCOUNTS: Record<string, string> = {
  '1020': 'Bank - ABN operating account',
  '1100': 'Receivable from payment service providers',
  '2100': 'VAT payable',
  '4000': 'Revenue - merchandise',
  '4090': 'Revenue - returns and goodwill',
  '6100': 'Payment processing fees',
  '6150': 'Chargeback losses',
};

function buildJournal(commerce: Commerce, settlements: Settlement[], fx: FxRate[]): JournalLine[] {
  const out: JournalLine[] = [];
  let journalNo = 0;
  const post = (
    date: number,
    source: string,
    reference: string,
    description: string,
    entries: readonly (readonly [string, string, number])[],
  ): void => {
    const journalId = `JE-2026-${pad(++journalNo, 6)}`;
    let line = 0;
    for (const [account, costCenter, cents] of entries) {
      if (cents === 0) continue;
      out.push({
        journalId,
        line: ++line,
        date,
        account,
        costCenter,
        debitCents: Math.max(cents, 0),
        creditCents: cents < 0 ? -cents : 0,
        source,
        reference,
        description,
      });
    }
  };
  for (let d = WINDOW_START; d < NOW; d += DAY) {
    const sales = commerce.payments.filter(
      (p) => p.status === 'captured' && p.capturedAt! >= d && p.capturedAt! < d + DAY,
    );
    if (sales.length > 0) {
      const gross = sales.reduce((s, p) => s + p.amountEurCents, 0);
      const vat = sales.reduce(
        (s, p) => s + toEurCents(fx, p.order.taxCents, p.order.currency, p.capturedAt!),
        0,
      );
      post(d, 'oms', `SALES-${day(d)}`, `Daily sales ${day(d)}`, [
        ['1100', 'cc-410', gross],
        ['4000', 'cc-300', -(gross - vat)],
        ['2100', 'cc-400', -vat],
      ]);
    }
    for (const s of settlements.filter((x) => x.date === d)) {
      const net = s.grossCents - s.feeCents - s.refundCents - s.chargebackCents;
      post(d, s.psp, s.id, `${s.psp === 'paypal' ? 'PayPal' : 'Payrail'} settlement ${day(d)}`, [
        ['1020', 'cc-400', net],
        ['6100', 'cc-410', s.feeCents],
        ['4090', 'cc-300', s.refundCents],
        ['6150', 'cc-410', s.chargebackCents],
        ['1100', 'cc-410', -s.grossCents],
      ]);
    }
  }
  return out;
}

interface Mandate {
  id: string;
  customer: Customer;
  holder: string;
  iban: string;
  bic: string;
  type: string;
  sequence: string;
  signedAt: number;
  status: string;
  lastCollection: number | null;
}

const BANKS: Record<'NL' | 'DE' | 'BE', readonly (readonly [string, string])[]> = {
  NL: [
    ['ABNA', 'ABNANL2A'],
    ['INGB', 'INGBNL2A'],
    ['RABO', 'RABONL2U'],
    ['TRIO', 'TRIONL2U'],
    ['SNSB', 'SNSBNL2A'],
  ],
  DE: [
    ['10010010', 'PBNKDEFFXXX'],
    ['37040044', 'COBADEFFXXX'],
    ['50010517', 'INGDDEFFXXX'],
    ['43060967', 'GENODEM1GLS'],
  ],
  BE: [
    ['001', 'GEBABEBB'],
    ['068', 'GKCCBEBB'],
    ['363', 'BBRUBEBB'],
    ['733', 'KREDBEBB'],
  ],
};

function buildMandates(customers: Customer[], commerce: Commerce): Mandate[] {
  const r = new Rng('mandates');
  const sepaPayers = new Set(
    commerce.payments
      .filter((p) => p.method === 'sepa_debit' && p.order.customer)
      .map((p) => p.order.customer!.id),
  );
  const out: Mandate[] = [];
  for (const customer of customers) {
    if (customer.country !== 'NL' && customer.country !== 'DE' && customer.country !== 'BE') continue;
    const plus = r.chance(0.33);
    if (!plus && !sepaPayers.has(customer.id)) continue;
    const [bank, bic] = r.pick(BANKS[customer.country]);
    let bban: string;
    if (customer.country === 'NL') bban = `${bank}0${r.digits(9)}`;
    else if (customer.country === 'DE') bban = `${bank}${r.digits(10)}`;
    else {
      const body = `${bank}${r.digits(7)}`;
      bban = `${body}${pad(mod97(body) || 97, 2)}`;
    }
    const signedAt = startOfDay(r.between(customer.signedUpAt, NOW - 3 * DAY));
    const status = customer.active
      ? r.weighted([
          ['active', 88],
          ['revoked', 8],
          ['expired', 4],
        ] as const)
      : 'revoked';
    const collected = status === 'active' && signedAt < utc(2026, 10, 1);
    out.push({
      id: `NWC-MND-${pad(out.length + 104001, 6)}`,
      customer,
      holder: r.chance(0.9)
        ? `${customer.first} ${customer.last}`
        : `${r.pick(MARKETS[customer.country].first)} ${customer.last}`,
      iban: iban(customer.country, bban),
      bic,
      type: 'CORE',
      sequence: collected ? 'RCUR' : status === 'active' ? 'FRST' : r.pick(['RCUR', 'FRST']),
      signedAt,
      status,
      lastCollection: collected ? utc(2026, 10, 1) : null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Customer analytics, consents and loyalty
// ---------------------------------------------------------------------------------------------------

interface Consent {
  id: string;
  customer: Customer;
  purpose: string;
  status: string;
  legalBasis: string;
  capturedAt: number;
  channel: string;
  ip: string | null;
  policyVersion: string;
}

function policyVersion(at: number): string {
  if (at >= utc(2025, 3, 1)) return '2025-03';
  if (at >= utc(2023, 6, 1)) return '2023-06';
  return '2021-01';
}

function buildConsents(customers: Customer[]): Consent[] {
  const r = new Rng('consents');
  const out: Consent[] = [];
  for (const customer of customers) {
    const purposes: (readonly [string, string])[] = [['email_marketing', 'consent']];
    if (r.chance(0.5)) purposes.push(['personalisation', 'consent']);
    if (r.chance(0.12)) purposes.push(['sms_marketing', 'consent']);
    if (r.chance(0.15)) purposes.push(['third_party_sharing', 'consent']);
    if (r.chance(0.2)) purposes.push(['profiling', 'legitimate_interest']);
    for (const [purpose, legalBasis] of purposes) {
      // The customer with the malformed address did opt in: their sends bounce (see examples/README.md).
      const optedIn = purpose === 'email_marketing' && customer.email.includes(',');
      const status = optedIn
        ? 'granted'
        : legalBasis === 'legitimate_interest'
          ? r.chance(0.9)
            ? 'granted'
            : 'withdrawn'
          : r.weighted([
              ['granted', purpose === 'email_marketing' ? 58 : 45],
              ['denied', 30],
              ['withdrawn', 12],
            ] as const);
      const capturedAt =
        status === 'withdrawn'
          ? r.between(customer.signedUpAt + DAY, WINDOW_START)
          : customer.signedUpAt + r.int(0, 600) * 1000;
      const channel = status === 'withdrawn' ? r.pick(['web', 'app', 'email']) : customer.channel;
      out.push({
        id: `CNS-${pad(out.length + 1, 7)}`,
        customer,
        purpose,
        status,
        legalBasis,
        capturedAt: Math.min(capturedAt, NOW - HOUR),
        channel,
        ip: channel === 'store' ? null : r.pick(customer.ips),
        policyVersion: policyVersion(capturedAt),
      });
    }
  }
  return out;
}

interface Loyalty {
  id: string;
  customer: Customer;
  tier: string;
  balance: number;
  lifetime: number;
  enrolledOn: number;
  expiresOn: number;
}

function buildLoyalty(customers: Customer[]): Loyalty[] {
  const r = new Rng('loyalty');
  const out: Loyalty[] = [];
  for (const customer of customers) {
    if (!customer.active || !r.chance(0.55)) continue;
    const lifetime = Math.floor(r.next() * r.next() * 24000);
    const tier =
      lifetime < 1000 ? 'bronze' : lifetime < 5000 ? 'silver' : lifetime < 15000 ? 'gold' : 'platinum';
    customer.tier = tier;
    out.push({
      id: `L${pad(out.length + 300001, 6)}`,
      customer,
      tier,
      balance: Math.floor(lifetime * r.next() * 0.6),
      lifetime,
      enrolledOn: startOfDay(Math.min(customer.signedUpAt + r.int(0, 30) * DAY, NOW - DAY)),
      expiresOn: utc(2027, r.int(1, 12), 1) - DAY,
    });
  }
  return out;
}

interface Segment {
  customer: Customer;
  segment: string;
  recency: number;
  frequency: number;
  monetaryCents: number;
  clvCents: number;
  churn: string;
}

function buildSegments(customers: Customer[], orders: Order[], fx: FxRate[]): Segment[] {
  const r = new Rng('segments');
  const byCustomer = new Map<string, Order[]>();
  for (const order of orders) {
    if (!order.customer || !order.paid) continue;
    byCustomer.set(order.customer.id, [...(byCustomer.get(order.customer.id) ?? []), order]);
  }
  return customers.map((customer) => {
    const own = byCustomer.get(customer.id) ?? [];
    const tenureDays = Math.floor((NOW - customer.signedUpAt) / DAY);
    const history = Math.min(r.int(0, 5), Math.floor(tenureDays / 90));
    const lastOrder = own.length > 0 ? own[own.length - 1]!.placedAt : null;
    const recency =
      lastOrder !== null ? Math.floor((NOW - lastOrder) / DAY) : Math.min(tenureDays, r.int(93, 900));
    const frequency = own.length + history;
    const monetaryCents =
      own.reduce((s, o) => s + toEurCents(fx, o.totalCents, o.currency, o.placedAt), 0) +
      history * r.int(2500, 9000);
    const segment =
      tenureDays < 60
        ? 'new'
        : monetaryCents > 150000
          ? 'vip'
          : frequency >= 4 && recency <= 120
            ? 'loyal'
            : recency <= 90
              ? 'active'
              : recency <= 180
                ? 'at_risk'
                : 'lapsed';
    const churn = Math.min(
      0.97,
      0.04 + recency / 500 + (customer.active ? 0 : 0.5) - Math.min(frequency, 8) * 0.02,
    );
    return {
      customer,
      segment,
      recency,
      frequency,
      monetaryCents,
      clvCents: Math.round(monetaryCents * (1.4 + r.next())),
      churn: Math.max(0.01, churn).toFixed(4),
    };
  });
}

interface EmailSend {
  id: string;
  campaign: Campaign;
  customer: Customer;
  template: string;
  sentAt: number;
  delivered: boolean;
  openedAt: number | null;
  clickedAt: number | null;
  unsubscribed: boolean;
  bounce: string | null;
}

const EMAIL_WAVES: readonly (readonly [string, number, string])[] = [
  ['CMP-2026-021', utc(2026, 8, 4, 7, 30), 'tpl-summer-01'],
  ['CMP-2026-024', utc(2026, 9, 3, 7, 0), 'tpl-garden-02'],
  ['CMP-2026-027', utc(2026, 10, 2, 6, 45), 'tpl-autumn-01'],
  ['CMP-2026-029', utc(2026, 10, 16, 8, 0), 'tpl-winback-03'],
];

function buildEmailSends(consents: Consent[], segments: Segment[]): EmailSend[] {
  const r = new Rng('email-sends');
  const segmentOf = new Map(segments.map((s) => [s.customer.id, s.segment]));
  const out: EmailSend[] = [];
  for (const [campaignId, sentBase, template] of EMAIL_WAVES) {
    const campaign = CAMPAIGNS.find((c) => c.id === campaignId)!;
    for (const consent of consents) {
      const customer = consent.customer;
      if (consent.purpose !== 'email_marketing' || consent.status !== 'granted' || !customer.active) continue;
      if (consent.capturedAt >= sentBase) continue;
      const segment = segmentOf.get(customer.id);
      if (campaign.segment === 'lapsed' && segment !== 'lapsed' && segment !== 'at_risk') continue;
      if (campaign.segment === 'loyal' && customer.tier === 'none' && r.chance(0.4)) continue;
      const sentAt = sentBase + r.int(0, 5400) * 1000;
      const hard = customer.email.includes(',');
      const bounce = hard ? 'hard' : r.chance(0.012) ? 'soft' : null;
      const opened = !bounce && r.chance(0.38) ? sentAt + r.int(2, 4000) * MINUTE : null;
      const openedAt = opened !== null && opened < NOW ? opened : null;
      const clickedAt = openedAt !== null && r.chance(0.22) ? openedAt + r.int(5, 300) * 1000 : null;
      const unsubscribed = openedAt !== null && r.chance(0.008);
      out.push({
        id: `es_${pad(out.length + 1, 6)}${r.hex(10)}`,
        campaign,
        customer,
        template,
        sentAt,
        delivered: bounce === null,
        openedAt,
        clickedAt,
        unsubscribed,
        bounce,
      });
      if (unsubscribed) {
        // The unsubscribe link withdraws the consent; the consent register shows the latest state.
        consent.status = 'withdrawn';
        consent.capturedAt = openedAt! + r.int(10, 120) * 1000;
        consent.channel = 'email';
        consent.ip = r.pick(customer.ips);
        consent.policyVersion = policyVersion(consent.capturedAt);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Web analytics and attribution
// ---------------------------------------------------------------------------------------------------

const SESSIONS_FROM = utc(2026, 10, 22);

const SEARCHES = [
  'cast iron pan',
  'garden bench',
  'tent 4 person',
  'wool throw',
  'kettle',
  'yoga mat',
  'rattan lamp',
  'balance bike',
  'dutch oven',
  'planter',
];

function buildSessions(orders: Order[], customers: Customer[], products: Product[]): Session[] {
  const r = new Rng('web-sessions');
  const sessions: Session[] = [];
  const pathFor = (country: Country): string => `https://www.northwind.example/${country.toLowerCase()}`;
  const make = (startedAt: number, customer: Customer | null, order: Order | null): Session => {
    const country =
      order?.market ?? customer?.country ?? r.weighted(COUNTRIES.map((c) => [c, MARKETS[c].weight] as const));
    const running = CAMPAIGNS.filter(
      (c) => c.start <= startedAt && startedAt < c.end + DAY && c.channel !== 'push',
    );
    const source = r.weighted([
      ['direct', 30],
      ['organic', 30],
      ['campaign', 40],
    ] as const);
    const campaign = source === 'campaign' && running.length > 0 ? r.pick(running) : null;
    const base = pathFor(country);
    const device =
      order?.channel === 'app'
        ? 'mobile'
        : r.weighted([
            ['desktop', 40],
            ['mobile', 52],
            ['tablet', 8],
          ] as const);
    const events: ClickEvent[] = [];
    let at = startedAt;
    const push = (
      type: string,
      url: string,
      sku: string | null = null,
      query: string | null = null,
    ): void => {
      events.push({ id: r.uuid(), type, at, url, sku, query });
      at += r.int(8, 140) * 1000;
    };
    const landingProduct = r.pick(products);
    const landing = r.chance(0.5) ? `${base}/p/${landingProduct.sku.toLowerCase()}` : `${base}/`;
    push('page_view', landing);
    if (r.chance(0.3)) {
      const query = r.pick(SEARCHES);
      push('search', `${base}/search?q=${encodeURIComponent(query)}`, null, query);
    }
    const views = order ? r.int(1, 2) : r.int(0, 2);
    for (let v = 0; v < views; v++) {
      const product = r.pick(products);
      push('product_view', `${base}/p/${product.sku.toLowerCase()}`, product.sku);
    }
    if (order) {
      for (const line of order.lines) push('add_to_cart', `${base}/p/${line.sku.toLowerCase()}`, line.sku);
      push('begin_checkout', `${base}/checkout`);
      at = Math.max(at, order.placedAt);
      push('purchase', `${base}/checkout/confirmation/${order.id.toLowerCase()}`);
    } else if (r.chance(0.15)) {
      const product = r.pick(products);
      push('add_to_cart', `${base}/p/${product.sku.toLowerCase()}`, product.sku);
    }
    const ip = customer && r.chance(0.7) ? r.pick(customer.ips) : ipAddress(r);
    return {
      id: `ws_${r.hex(20)}`,
      anonymousId: r.uuid(),
      customer,
      startedAt,
      endedAt: events[events.length - 1]!.at + r.int(5, 60) * 1000,
      landingPage: landing,
      referrer:
        source === 'direct'
          ? null
          : source === 'organic'
            ? r.pick(['google.com', 'bing.com', 'duckduckgo.com'])
            : campaign?.channel === 'email'
              ? 'newsletter.northwind.example'
              : campaign?.channel === 'paid_social'
                ? r.pick(['instagram.com', 'facebook.com', 'pinterest.com'])
                : r.pick(['google.com', 'bing.com', 'partner.example']),
      utmSource: campaign
        ? campaign.channel === 'email'
          ? 'newsletter'
          : campaign.channel === 'paid_social'
            ? 'social'
            : campaign.channel === 'affiliate'
              ? 'affiliate'
              : 'search'
        : null,
      utmMedium: campaign ? campaign.channel : null,
      utmCampaign: campaign ? campaign.utm : null,
      device,
      country,
      events,
      converted: order !== null,
      ip,
      userAgent: order?.channel === 'app' ? r.pick(USER_AGENTS.slice(5)) : r.pick(USER_AGENTS.slice(0, 5)),
      consent: order !== null || r.chance(0.85),
    };
  };
  for (const order of orders) {
    if (order.channel === 'store' || order.placedAt < SESSIONS_FROM || !order.paid) continue;
    const session = make(order.placedAt - r.int(3, 25) * MINUTE, order.customer, order);
    order.sessionId = session.id;
    sessions.push(session);
  }
  const target = sessions.length + 440;
  while (sessions.length < target) {
    const startedAt = r.timeOnDay(SESSIONS_FROM + r.int(0, Math.floor((NOW - SESSIONS_FROM) / DAY)) * DAY);
    if (startedAt > NOW - 20 * MINUTE) continue;
    const customer = r.chance(0.35) ? r.pick(customers) : null;
    sessions.push(make(startedAt, customer && customer.signedUpAt < startedAt ? customer : null, null));
  }
  sessions.sort((a, b) => a.startedAt - b.startedAt);
  return sessions;
}

interface Attribution {
  id: string;
  order: Order;
  campaign: Campaign | null;
  channel: string;
  touchpointAt: number;
  revenueCents: number;
}

function buildAttribution(orders: Order[], sessions: Session[]): Attribution[] {
  const r = new Rng('attribution');
  const sessionOf = new Map(sessions.map((s) => [s.id, s]));
  const out: Attribution[] = [];
  for (const order of orders) {
    if (order.channel === 'store' || !order.paid) continue;
    const session = order.sessionId ? sessionOf.get(order.sessionId) : undefined;
    let campaign: Campaign | null = null;
    let channel: string;
    if (session) {
      campaign = session.utmCampaign ? (CAMPAIGNS.find((c) => c.utm === session.utmCampaign) ?? null) : null;
      channel = campaign ? campaign.channel : session.referrer ? 'organic' : 'direct';
    } else {
      const running = CAMPAIGNS.filter(
        (c) => c.start <= order.placedAt && order.placedAt < c.end + DAY && c.channel !== 'push',
      );
      const source = r.weighted([
        ['direct', 28],
        ['organic', 30],
        ['campaign', 42],
      ] as const);
      campaign = source === 'campaign' && running.length > 0 ? r.pick(running) : null;
      channel = campaign ? campaign.channel : source === 'campaign' ? 'organic' : source;
    }
    out.push({
      id: `at_${pad(out.length + 1, 6)}`,
      order,
      campaign,
      channel,
      touchpointAt: session ? session.startedAt : order.placedAt - r.int(5, 4320) * MINUTE,
      revenueCents: order.paid.amountEurCents,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Support
// ---------------------------------------------------------------------------------------------------

const AGENT_NAMES = [
  'Sanne Kuipers',
  'Mehmet Yilmaz',
  'Joana Ferreira',
  'Pieter van Dam',
  'Aisha Bello',
  'Tom Hendriks',
  'Rita Sousa',
  'Kevin Maes',
  'Laura Schulte',
  'Youssef Amrani',
  'Marta Nowak',
  'Ricardo Lopes',
  'Eva Lindgren',
  'Dirk Janssen',
  'Beatriz Santos',
  'Noor El Idrissi',
  'Frank Vermeer',
  'Carla Pinto',
  'Stefan Braun',
  'Ingrid Dahl',
  'Ahmed Karim',
  'Lotte Verbeek',
  'Miguel Costa',
  'Femke Bos',
  'Lukas Hartmann',
  'Sofia Almeida',
  'Jeroen Smits',
  'Olivia Grant',
  'Hanna Berg',
  'Rui Marques',
  'Claire Dubois',
  'Bart Claes',
  'Nadia Haddou',
  'Pedro Neves',
  'Emma Schou',
  'Ruben Oliveira',
];

function buildAgents(): Agent[] {
  const r = new Rng('agents');
  return AGENT_NAMES.map((name, i) => {
    const site = r.weighted([
      ['Amsterdam', 45],
      ['Lisbon', 40],
      ['remote', 15],
    ] as const);
    const languages =
      site === 'Lisbon'
        ? r.pick(['en,pt', 'en,fr', 'en,de', 'en,es'])
        : r.pick(['en,nl', 'en,nl,de', 'en,de', 'en,fr', 'en,sv']);
    return {
      id: `AG${101 + i}`,
      name,
      email: `${name.split(' ').map(asciiFold).join('.')}@northwind.example`,
      team: r.weighted([
        ['tier1', 50],
        ['tier2', 20],
        ['payments_desk', 15],
        ['returns', 15],
      ] as const),
      languages,
      site,
      hiredOn: startOfDay(r.between(utc(2019, 2, 1), utc(2026, 9, 1))),
      active: i < 33,
    };
  });
}

interface ChatMessage {
  conversationId: string;
  seq: number;
  ticket: Ticket | null;
  sender: 'customer' | 'agent' | 'bot';
  agent: Agent | null;
  sentAt: number;
  text: string;
  language: string;
  redacted: boolean;
}

const TICKET_TEMPLATES: Record<string, readonly (readonly [string, string])[]> = {
  delivery: [
    [
      'Where is my order {order}?',
      'Hi, I ordered on {date} (order {order}) and the tracking page has not changed for three days. Can you tell me when it will arrive? Thanks, {first}',
    ],
    [
      'Parcel marked delivered but not received',
      'Hello, the tracking for order {order} says delivered but there is nothing at my door or with the neighbours. Could you check with the carrier? {first}',
    ],
    [
      'Delivery later than promised',
      'My order {order} was promised for {date} and it still has not arrived. I needed it for the weekend. Regards, {first} {last}',
    ],
  ],
  returns: [
    [
      'Return for {product}',
      'Hi, I would like to return the {product} from order {order}. It is unused. How do I get a return label?',
    ],
    [
      'Refund not received yet',
      'I sent my return for order {order} back more than a week ago and have not seen the refund yet. Can you check? Thanks, {first}',
    ],
  ],
  payment: [
    [
      'Charged twice for order {order}',
      'Hello, my bank statement shows two payments for order {order}. Please refund one of them. {first} {last}',
    ],
    [
      'Payment failed but money was taken',
      'The checkout said the payment failed, but the amount is reserved on my account. What happens now?',
    ],
    [
      'Card keeps getting declined',
      'I tried to pay three times and my card is declined each time, although it works everywhere else. Can you help?',
    ],
  ],
  product: [
    [
      'Question about {product}',
      'Hi, is the {product} suitable for outdoor use in winter? I could not find it in the description.',
    ],
    [
      'Missing parts in {product}',
      'The {product} from order {order} arrived without the screws for the legs. Can you send them? {first}',
    ],
  ],
  account: [
    [
      'Please delete my account',
      'Hello, please delete my Northwind account and all personal data you hold about me. Regards, {first} {last}',
    ],
    [
      'Change my e-mail address',
      'I would like to change the e-mail address on my account. How can I do that?',
    ],
    [
      'Stop sending me newsletters',
      'I keep receiving newsletters although I unsubscribed last month. Please remove me from all lists.',
    ],
  ],
  other: [
    [
      'Invoice for order {order}',
      'Could you send me a VAT invoice for order {order} with my company name on it? Thanks, {first}',
    ],
    [
      'Feedback on the {city} store',
      'Just wanted to say the staff in the store were very helpful this weekend.',
    ],
  ],
};

const AGENT_REPLIES: Record<string, readonly string[]> = {
  delivery: [
    'I have checked with the carrier: your parcel is at the local depot and will be delivered tomorrow.',
    'The carrier has opened an investigation; if the parcel is not found within 48 hours we send a replacement free of charge.',
  ],
  returns: [
    'I have e-mailed you a prepaid return label. Once the item reaches our returns centre the refund follows within two working days.',
    'Your return was received on our side; the refund has been released and should show on your statement within 3 to 5 days.',
  ],
  payment: [
    'I can see one captured payment and one authorisation that was released automatically; the reservation disappears within a few days.',
    'I have refunded the duplicate payment. You will receive a confirmation e-mail shortly.',
  ],
  product: [
    'Good question: this product is rated for outdoor use but we recommend storing it indoors over winter.',
    'I have asked the warehouse to send the missing parts today; they ship by letter post.',
  ],
  account: [
    'I have raised a request with our privacy team; your account and personal data will be erased within 30 days and you will get a confirmation.',
    'You can change it under Account > Personal details. I have also sent you a link to verify the new address.',
  ],
  other: [
    'I have attached the invoice to this conversation and sent it by e-mail as well.',
    'Thank you, I will pass this on to the store team!',
  ],
};

const CHAT_CUSTOMER_CARD_LINES = [
  'It is the card ending in {last4}, the same one I always use.',
  'my card number is [PAN REDACTED], can you see what went wrong?',
];

/** PLANTED: the redaction step missed a card number typed with spaces (see examples/README.md). */
const UNREDACTED_PAN_MESSAGE =
  'I tried again with my other card 4111 1111 1111 1111 exp 08/28 and it still fails';

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

function buildSupport(
  customers: Customer[],
  commerce: Commerce,
  agents: Agent[],
): { tickets: Ticket[]; messages: ChatMessage[] } {
  const r = new Rng('support');
  const ordersOf = new Map<string, Order[]>();
  for (const order of commerce.orders) {
    if (!order.customer) continue;
    ordersOf.set(order.customer.id, [...(ordersOf.get(order.customer.id) ?? []), order]);
  }
  const tickets: Ticket[] = [];
  const messages: ChatMessage[] = [];
  const activeAgents = agents.filter((a) => a.active);
  const days = Math.floor((NOW - WINDOW_START) / DAY);
  let plantedPan = false;
  for (let i = 0; i < 900; i++) {
    const createdAt = r.timeOnDay(WINDOW_START + r.int(0, days) * DAY);
    if (createdAt > NOW - 30 * MINUTE) continue;
    const customer = r.chance(0.88) ? r.pick(customers) : null;
    const known = customer && customer.signedUpAt < createdAt ? customer : null;
    const candidates = known
      ? (ordersOf.get(known.id) ?? []).filter((o) => o.placedAt < createdAt - HOUR)
      : [];
    const order = candidates.length > 0 ? r.pick(candidates) : null;
    let category = r.weighted([
      ['delivery', 32],
      ['returns', 20],
      ['payment', 14],
      ['product', 14],
      ['account', 12],
      ['other', 8],
    ] as const);
    if (!order && category !== 'account' && category !== 'product')
      category = r.pick(['account', 'product'] as const);
    const [subjectTemplate, bodyTemplate] = r.pick(TICKET_TEMPLATES[category]!);
    const first = known?.first ?? r.pick(MARKETS.NL.first);
    const last = known?.last ?? r.pick(MARKETS.NL.last);
    const values = {
      order: order?.id ?? 'my last order',
      date: day(order?.placedAt ?? createdAt),
      product: (order ? order.lines[0]!.productName : r.pick(commerce.orders).lines[0]!.productName).replace(
        /^\S+ (& Co |Bay |Wonders |Harbour )?/,
        '',
      ),
      first,
      last,
      city: r.pick(['Amsterdam', 'Utrecht', 'Rotterdam', 'Köln', 'Berlin', 'Antwerpen']),
    };
    const channel = r.weighted([
      ['email', 35],
      ['chat', 35],
      ['web_form', 15],
      ['phone', 10],
      ['social', 5],
    ] as const);
    const priority =
      category === 'payment'
        ? r.pick(['high', 'normal'])
        : r.weighted([
            ['low', 15],
            ['normal', 65],
            ['high', 17],
            ['urgent', 3],
          ] as const);
    const age = NOW - createdAt;
    const responseAt = createdAt + (channel === 'chat' ? r.int(20, 240) * 1000 : r.int(10, 600) * MINUTE);
    const firstResponseAt = responseAt <= NOW - 15 * MINUTE ? responseAt : null;
    const solved = age > 3 * DAY ? r.chance(0.96) : age > 6 * HOUR ? r.chance(0.5) : false;
    const resolvedAt =
      solved && firstResponseAt !== null
        ? Math.min(firstResponseAt + r.int(5, 2880) * MINUTE, NOW - 10 * MINUTE)
        : null;
    const status =
      resolvedAt !== null
        ? NOW - resolvedAt > 7 * DAY
          ? 'closed'
          : 'solved'
        : firstResponseAt !== null
          ? r.pick(['open', 'pending'])
          : 'new';
    const agent = firstResponseAt !== null ? r.pick(activeAgents) : null;
    const ticket: Ticket = {
      id: `TCK-${pad(tickets.length + 240001, 7)}`,
      customer: known,
      order,
      channel,
      category,
      priority,
      status,
      subject: fill(subjectTemplate, values),
      description: fill(bodyTemplate, values),
      email: known?.email ?? `${asciiFold(first)}.${asciiFold(last)}${r.int(1, 99)}@example.com`,
      agent,
      createdAt,
      firstResponseAt,
      resolvedAt,
    };
    tickets.push(ticket);
    if (channel !== 'chat') continue;
    // A chat conversation: the bot greets, the customer explains, an agent takes over.
    const conversationId = `CONV-${pad(messages.length + 1, 6)}${r.hex(4)}`;
    const language = known?.language ?? 'en-GB';
    let at = createdAt - r.int(60, 300) * 1000;
    let seq = 0;
    const say = (sender: ChatMessage['sender'], text: string, redacted = false): void => {
      messages.push({
        conversationId,
        seq: ++seq,
        ticket,
        sender,
        agent: sender === 'agent' ? agent : null,
        sentAt: at,
        text,
        language,
        redacted,
      });
      at += r.int(15, 150) * 1000;
    };
    say('bot', "Hi! I'm Nora, Northwind's virtual assistant. What can I help you with today?");
    say('customer', ticket.description);
    say(
      'bot',
      'Thanks! I am connecting you with a colleague from Customer Care, usually within two minutes.',
    );
    at = Math.max(at, ticket.firstResponseAt ?? at);
    if (agent) {
      say(
        'agent',
        `Hi ${first}, this is ${agent.name.split(' ')[0]} from Northwind Customer Care. Let me look into this for you.`,
      );
      if (category === 'payment') {
        const token = order?.paid?.cardToken;
        if (!plantedPan && ticket.subject === 'Card keeps getting declined') {
          say('customer', UNREDACTED_PAN_MESSAGE);
          plantedPan = true;
        } else {
          const line = r.pick(CHAT_CUSTOMER_CARD_LINES);
          say(
            'customer',
            fill(line, { last4: token ? token.maskedPan.slice(-4) : r.digits(4) }),
            line.includes('REDACTED'),
          );
        }
      }
      say('agent', r.pick(AGENT_REPLIES[category]!));
      say(
        'customer',
        r.pick([
          'Great, thank you!',
          'Ok, thanks for the quick help.',
          'Perfect, that solves it.',
          'Thanks. Hope it works this time.',
        ]),
      );
      if (r.chance(0.7)) say('agent', 'You are welcome! Is there anything else I can help you with?');
      if (r.chance(0.5)) say('customer', 'No, that was all. Have a nice day!');
    }
  }
  // Conversations the bot solved on its own: no ticket, no agent.
  const BOT_FAQ: readonly (readonly [string, string])[] = [
    [
      'What are your opening hours in Utrecht?',
      'Our Utrecht store is open Monday to Saturday 09:30-18:00 and Sunday 12:00-17:00.',
    ],
    [
      'How long do I have to return something?',
      'You can return items within 30 days of delivery, free of charge. Start a return under My orders.',
    ],
    [
      'Do you ship to Norway?',
      'We currently ship to the Netherlands, Belgium, Germany, France, the United Kingdom and Sweden.',
    ],
    [
      'Can I change my delivery address?',
      'You can change the address until the order is packed: open My orders and choose Change address.',
    ],
    [
      'Is there a discount for students?',
      'Students get 10% off room essentials with code UNI10 until 15 September.',
    ],
  ];
  for (let i = 0; i < 90; i++) {
    const startedAt = r.timeOnDay(WINDOW_START + r.int(0, days) * DAY);
    if (startedAt > NOW - 30 * MINUTE) continue;
    const [question, answer] = r.pick(BOT_FAQ);
    const conversationId = `CONV-${pad(messages.length + 1, 6)}${r.hex(4)}`;
    const language = r.pick(['en-GB', 'nl-NL', 'de-DE']);
    const base = { conversationId, ticket: null, agent: null, language, redacted: false };
    messages.push({
      ...base,
      seq: 1,
      sender: 'bot',
      sentAt: startedAt,
      text: "Hi! I'm Nora, Northwind's virtual assistant. What can I help you with today?",
    });
    messages.push({ ...base, seq: 2, sender: 'customer', sentAt: startedAt + 40_000, text: question });
    messages.push({ ...base, seq: 3, sender: 'bot', sentAt: startedAt + 43_000, text: answer });
    messages.push({ ...base, seq: 4, sender: 'customer', sentAt: startedAt + 75_000, text: 'Thanks!' });
  }
  messages.sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
  if (!plantedPan)
    throw new Error('The planted card number found no payment chat; adjust the support generator');
  return { tickets, messages };
}

interface Csat {
  id: string;
  ticket: Ticket;
  score: number;
  nps: number | null;
  comment: string | null;
  submittedAt: number;
  channel: string;
}

const CSAT_COMMENTS: Record<number, readonly string[]> = {
  5: ['Super fast and friendly, thank you!', 'Problem solved in one message.', 'Sanne was great.'],
  4: ['Good help, took a day longer than I hoped.', 'Friendly, but I had to explain twice.'],
  3: ['Solved eventually.', 'OK, but the return label process is clumsy.'],
  2: ['Slow answer and the parcel is still missing.', 'Had to chase three times.'],
  1: ['Nobody read my message properly.', 'Still no refund after two weeks. Very disappointed.'],
};

function buildCsat(tickets: Ticket[]): Csat[] {
  const r = new Rng('csat');
  const out: Csat[] = [];
  for (const ticket of tickets) {
    if (ticket.resolvedAt === null || !r.chance(0.5)) continue;
    const submittedAt = ticket.resolvedAt + r.int(10, 2880) * MINUTE;
    if (submittedAt > NOW) continue;
    const score = r.weighted([
      [5, 45],
      [4, 25],
      [3, 12],
      [2, 8],
      [1, 10],
    ] as const);
    out.push({
      id: `CS${pad(out.length + 88001, 6)}`,
      ticket,
      score,
      nps: r.chance(0.7) ? Math.min(10, Math.max(0, score * 2 + r.int(-2, 0))) : null,
      comment: r.chance(0.4) ? r.pick(CSAT_COMMENTS[score]!) : null,
      submittedAt,
      channel: ticket.channel === 'chat' ? 'in_chat' : 'email',
    });
  }
  return out;
}

const KB_ARTICLES: readonly (readonly [string, string, string, string])[] = [
  [
    'returns',
    'customer',
    'How do I return an item?',
    'You can return most items within 30 days of delivery, free of charge. Go to My orders, choose the order and select Return items. Print the prepaid label or show the QR code at a PostNL, DHL or bpost point. Large items such as garden furniture are collected from your home; choose a pick-up day when you start the return.',
  ],
  [
    'returns',
    'customer',
    'When will I receive my refund?',
    'We refund within two working days after your return reaches our returns centre in Venlo. Your bank or card issuer may take another 3 to 5 working days to show the amount. Refunds always go back to the original payment method; gift card payments are refunded as a new gift card.',
  ],
  [
    'returns',
    'agent',
    'Handling damaged returns',
    'If a returned item arrives damaged and the customer did not report transport damage, ask for photos within 7 days. Approve a partial refund of up to 30% without escalation; anything above needs a team lead. Never ask the customer for bank details: refunds go to the original payment method.',
  ],
  [
    'delivery',
    'customer',
    'Delivery times and costs',
    'Standard delivery takes 1 to 4 working days and is free for orders over EUR 50 (GBP 45, SEK 500). Express delivery takes 1 to 2 working days. Next-day delivery is available in the Netherlands and Belgium for orders placed before 22:00.',
  ],
  [
    'delivery',
    'customer',
    'My parcel is marked as delivered but I did not receive it',
    'Check with your neighbours and your building reception first. If you cannot find the parcel, contact us within 14 days; we open an investigation with the carrier and send a replacement or refund if it is not found within 48 hours.',
  ],
  [
    'delivery',
    'agent',
    'Carrier investigations',
    'Open a carrier investigation for any parcel without a scan for 3 working days or marked delivered but not received. Use the carrier portal and paste the tracking number from the shipment record. If the shipment has no tracking number, escalate to the logistics data team; do not guess from the order.',
  ],
  [
    'payment',
    'customer',
    'Which payment methods can I use?',
    'We accept Visa, Mastercard and American Express, iDEAL in the Netherlands, Bancontact in Belgium, PayPal, Klarna (pay later) and SEPA Direct Debit for Northwind Plus members. In our stores you can pay by card or contactless.',
  ],
  [
    'payment',
    'customer',
    'My payment failed',
    'If your payment fails, no money is taken. Your bank may show a temporary reservation that disappears within a few days. Try again or choose another payment method. For card payments, make sure 3-D Secure is enabled with your bank.',
  ],
  [
    'payment',
    'agent',
    'Never take card numbers in chat',
    'Never ask a customer for a full card number, expiry date or security code. If a customer types one, the chat redaction masks it; if you still see a full number, delete the message with the Redact button and report it to the payments desk. We only need the last four digits to find a payment.',
  ],
  [
    'payment',
    'agent',
    'Duplicate charges',
    'A second authorisation is usually released automatically within 7 days. Only refund when the payment record shows two captured transactions for the same order; use the Refund duplicate charge action so that finance can reconcile it.',
  ],
  [
    'product',
    'customer',
    'Caring for cast-iron cookware',
    'Rinse with hot water, dry straight away and rub with a thin layer of oil. Avoid the dishwasher. If rust appears, scrub it off and season the pan again in the oven at 200 degrees for an hour.',
  ],
  [
    'product',
    'customer',
    'Garden furniture in winter',
    'Acacia and teak furniture can stay outside, but lasts longer under a breathable cover. Store cushions indoors. Treat wood with oil once a year, in spring.',
  ],
  [
    'product',
    'customer',
    'Choosing a tent',
    'Check the pack size and weight for trekking, and the standing height for family camping. A hydrostatic head of 3000 mm or more keeps you dry in heavy rain.',
  ],
  [
    'account',
    'customer',
    'How do I delete my account?',
    'Go to Account > Privacy and choose Delete my account. We erase your personal data within 30 days, except what we must keep by law, such as invoices (7 years).',
  ],
  [
    'account',
    'customer',
    'Managing newsletters and consents',
    'Change your preferences under Account > Privacy, or use the unsubscribe link at the bottom of every newsletter. Changes take effect immediately.',
  ],
  [
    'account',
    'agent',
    'Data subject requests',
    'Forward every request to see, correct or delete personal data to the privacy team via the DSR form within one working day. Do not export customer data yourself, and never send personal data by e-mail attachment.',
  ],
  [
    'loyalty',
    'customer',
    'Northwind Rewards tiers',
    'You earn one point per euro spent. Silver starts at 1,000 lifetime points, Gold at 5,000 and Platinum at 15,000. Points expire after 24 months without a purchase.',
  ],
  [
    'loyalty',
    'customer',
    'Northwind Plus membership',
    'Northwind Plus costs EUR 4.99 a month, collected by SEPA Direct Debit on the first of the month. Members get free express delivery and early access to sales. Cancel any time under Account > Membership.',
  ],
  [
    'stores',
    'customer',
    'Store opening hours',
    'Our stores in Amsterdam, Utrecht, Rotterdam, Köln, Berlin and Antwerpen are open Monday to Saturday 09:30-18:00; Sunday hours vary by city.',
  ],
  [
    'stores',
    'customer',
    'Click and collect',
    'Order online before 14:00 and collect the same day in any store, free of charge. Bring your order confirmation.',
  ],
  [
    'returns',
    'customer',
    'Hoe stuur ik een artikel terug?',
    'Je kunt de meeste artikelen binnen 30 dagen na levering gratis retourneren. Ga naar Mijn bestellingen, kies de bestelling en selecteer Artikelen retourneren.',
  ],
  [
    'delivery',
    'customer',
    'Levertijden en verzendkosten',
    'Standaardlevering duurt 1 tot 4 werkdagen en is gratis vanaf EUR 50. Bestel je voor 22:00, dan bezorgen we in Nederland en België de volgende dag.',
  ],
  [
    'returns',
    'customer',
    'Wie sende ich einen Artikel zurück?',
    'Die meisten Artikel kannst du innerhalb von 30 Tagen nach Lieferung kostenlos zurücksenden. Gehe zu Meine Bestellungen und wähle Artikel zurücksenden.',
  ],
  [
    'payment',
    'customer',
    'Welche Zahlungsarten gibt es?',
    'Wir akzeptieren Kreditkarten, PayPal, Klarna und SEPA-Lastschrift für Northwind-Plus-Mitglieder.',
  ],
  [
    'delivery',
    'customer',
    'Nightly warehouse cut-off (draft)',
    'Draft: from December the Tilburg warehouse moves its cut-off for next-day delivery to 23:00.',
  ],
  [
    'payment',
    'customer',
    'Old payment methods (archived)',
    'Sofort is no longer available as a payment method.',
  ],
];

// ---------------------------------------------------------------------------------------------------
// The datasets: one builder per contract, keyed by `<domain>/<contract name>`
// ---------------------------------------------------------------------------------------------------

export interface World {
  fx: FxRate[];
  categories: Category[];
  products: Product[];
  prices: Price[];
  customers: Customer[];
  addresses: Address[];
  consents: Consent[];
  loyalty: Loyalty[];
  segments: Segment[];
  commerce: Commerce;
  chargebacks: Chargeback[];
  settlements: Settlement[];
  journal: JournalLine[];
  mandates: Mandate[];
  emailSends: EmailSend[];
  sessions: Session[];
  attribution: Attribution[];
  agents: Agent[];
  tickets: Ticket[];
  messages: ChatMessage[];
  csat: Csat[];
}

export function buildWorld(): World {
  const fx = buildFxRates();
  const categories = buildCategories();
  const products = buildProducts(categories);
  const prices = buildPrices(products);
  const { customers, addresses } = buildCustomers();
  const loyalty = buildLoyalty(customers);
  const commerce = buildCommerce(customers, new Map(addresses.map((a) => [a.id, a])), products, prices, fx);
  const chargebacks = buildChargebacks(commerce);
  const settlements = buildSettlements(commerce, chargebacks, fx);
  const journal = buildJournal(commerce, settlements, fx);
  const mandates = buildMandates(customers, commerce);
  const consents = buildConsents(customers);
  const segments = buildSegments(customers, commerce.orders, fx);
  const emailSends = buildEmailSends(consents, segments);
  const sessions = buildSessions(
    commerce.orders,
    customers,
    products.filter((p) => p.active),
  );
  const attribution = buildAttribution(commerce.orders, sessions);
  const agents = buildAgents();
  const { tickets, messages } = buildSupport(customers, commerce, agents);
  const csat = buildCsat(tickets);
  return {
    fx,
    categories,
    products,
    prices,
    customers,
    addresses,
    consents,
    loyalty,
    segments,
    commerce,
    chargebacks,
    settlements,
    journal,
    mandates,
    emailSends,
    sessions,
    attribution,
    agents,
    tickets,
    messages,
    csat,
  };
}

const WAREHOUSES: readonly Row[] = [
  {
    warehouse_id: 'WH-TIL',
    name: 'Tilburg fulfilment centre',
    city: 'Tilburg',
    country_code: 'NL',
    warehouse_type: 'fulfilment_centre',
    capacity_units: 180000,
    opened_on: '2019-04-01',
    manager_email: 'marloes.van.der.heijden@northwind.example',
  },
  {
    warehouse_id: 'WH-DUI',
    name: 'Duisburg fulfilment centre',
    city: 'Duisburg',
    country_code: 'DE',
    warehouse_type: 'fulfilment_centre',
    capacity_units: 140000,
    opened_on: '2021-09-15',
    manager_email: 'andreas.kowalski@northwind.example',
  },
  {
    warehouse_id: 'WH-NRK',
    name: 'Norrköping fulfilment centre',
    city: 'Norrköping',
    country_code: 'SE',
    warehouse_type: 'fulfilment_centre',
    capacity_units: 60000,
    opened_on: '2024-03-01',
    manager_email: 'karin.sjoberg@northwind.example',
  },
  {
    warehouse_id: 'WH-VNL',
    name: 'Venlo returns centre',
    city: 'Venlo',
    country_code: 'NL',
    warehouse_type: 'returns_centre',
    capacity_units: 25000,
    opened_on: '2022-01-10',
    manager_email: 'koen.peeters@northwind.example',
  },
  {
    warehouse_id: 'WH-AMS',
    name: 'Amsterdam store backroom',
    city: 'Amsterdam',
    country_code: 'NL',
    warehouse_type: 'store_backroom',
    capacity_units: 4000,
    opened_on: '2018-11-01',
    manager_email: 'yara.benali@northwind.example',
  },
];

const orderRef = (order: Order): string => order.id;

export const DATASETS: Record<string, (w: World) => Row[]> = {
  'finance/fx-rates': (w) =>
    w.fx.map((x) => ({
      rate_date: day(x.date),
      base_currency: 'EUR',
      quote_currency: x.quote,
      rate: x.rate,
      source: 'ECB',
      published_at: ts(x.publishedAt),
    })),
  'finance/gl-journal-entries': (w) =>
    w.journal.map((j) => ({
      journal_id: j.journalId,
      line_number: j.line,
      posting_date: day(j.date),
      account_code: j.account,
      account_name: ACCOUNTS[j.account]!,
      cost_center: j.costCenter,
      debit_eur: dec(j.debitCents),
      credit_eur: dec(j.creditCents),
      source_system: j.source,
      source_reference: j.reference,
      description: j.description,
    })),
  'catalog/categories': (w) =>
    w.categories.map((c) => ({
      category_id: c.id,
      parent_category_id: c.parentId,
      category_name: c.name,
      category_path: c.path,
      level: c.level,
      default_vat_class: c.vatClass,
      is_active: c.active,
    })),
  'catalog/products': (w) =>
    w.products.map((p) => ({
      sku: p.sku,
      product_name: p.name,
      brand: p.brand,
      category_id: p.categoryId,
      description: p.description,
      color: p.color,
      weight_kg: (p.weightGrams / 1000).toFixed(3),
      gtin: p.gtin,
      is_active: p.active,
      launched_on: day(p.launchedOn),
      updated_at: ts(p.updatedAt),
    })),
  'catalog/product-prices': (w) =>
    w.prices.map((p) => ({
      sku: p.sku,
      market: p.market,
      currency: p.currency,
      price_list: p.saleCents !== null ? 'autumn-sale' : 'standard',
      list_price: dec(p.listCents),
      sale_price: p.saleCents === null ? null : dec(p.saleCents),
      vat_rate: (MARKETS[p.market].vatBp / 10000).toFixed(4),
      valid_from: day(p.validFrom),
      valid_to: p.saleCents !== null ? '2026-10-31' : null,
    })),
  'customer/customers': (w) =>
    w.customers.map((c) => ({
      customer_id: c.id,
      first_name: c.first,
      last_name: c.last,
      email: c.email,
      phone: c.phone,
      date_of_birth: day(c.birthDate),
      country_code: c.country,
      preferred_language: c.language,
      signup_channel: c.channel,
      signed_up_at: ts(c.signedUpAt),
      loyalty_tier: c.tier,
      is_active: c.active,
      updated_at: ts(c.updatedAt),
    })),
  'customer/customer-addresses': (w) =>
    w.addresses.map((a) => ({
      address_id: a.id,
      customer_id: a.customerId,
      address_type: a.type,
      street_line: a.street,
      postal_code: a.postalCode,
      city: a.city,
      country_code: a.country,
      is_default: a.isDefault,
      valid_from: day(a.validFrom),
    })),
  'customer/customer-consents': (w) =>
    w.consents.map((c) => ({
      consent_id: c.id,
      customer_id: c.customer.id,
      purpose: c.purpose,
      status: c.status,
      legal_basis: c.legalBasis,
      captured_at: ts(c.capturedAt),
      capture_channel: c.channel,
      ip_address: c.ip,
      policy_version: c.policyVersion,
    })),
  'customer/loyalty-members': (w) =>
    w.loyalty.map((l) => ({
      loyalty_id: l.id,
      customer_id: l.customer.id,
      tier: l.tier,
      points_balance: l.balance,
      lifetime_points: l.lifetime,
      enrolled_on: day(l.enrolledOn),
      tier_expires_on: day(l.expiresOn),
      card_number_hash: sha256(`loyalty-card|${l.id}`),
    })),
  'customer/customer-segments': (w) =>
    w.segments.map((s) => ({
      customer_id: s.customer.id,
      segment: s.segment,
      recency_days: s.recency,
      frequency_12m: s.frequency,
      monetary_12m_eur: dec(s.monetaryCents),
      predicted_clv_eur: dec(s.clvCents),
      churn_probability: s.churn,
      model_version: 'clv-rfm-2.3.1',
      scored_at: '2026-11-01 02:00:00',
    })),
  'commerce/orders': (w) => {
    const rows = w.commerce.orders.map((o) => ({
      order_id: orderRef(o),
      customer_id: o.customer?.id ?? null,
      sales_channel: o.channel,
      store_id: o.storeId,
      order_status: o.status,
      currency: o.currency,
      items_subtotal: dec(o.subtotalCents),
      discount_total: dec(o.discountCents),
      shipping_fee: dec(o.shippingCents),
      tax_total: dec(o.taxCents),
      order_total: dec(o.totalCents),
      promotion_code: o.promotionCode,
      shipping_address_id: o.channel === 'store' ? null : o.customer!.shippingAddressId,
      placed_at: ts(o.placedAt),
      updated_at: ts(Math.min(o.updatedAt, NOW - MINUTE)),
    }));
    // PLANTED: the change-data-capture feed delivered one order twice (see examples/README.md).
    rows.splice(DUPLICATED_ORDER + 1, 0, { ...rows[DUPLICATED_ORDER]! });
    return rows;
  },
  'commerce/order-lines': (w) =>
    w.commerce.orders.flatMap((o) =>
      o.lines.map((l) => ({
        order_id: o.id,
        line_number: l.lineNumber,
        sku: l.sku,
        product_name: l.productName,
        quantity: l.quantity,
        unit_price: dec(l.unitCents),
        discount_amount: dec(l.discountCents),
        line_total: dec(l.quantity * l.unitCents - l.discountCents),
        vat_rate: (l.vatBp / 10000).toFixed(4),
        fulfilment_status: l.status,
      })),
    ),
  'commerce/returns': (w) =>
    w.commerce.returns.map((x) => ({
      return_id: x.id,
      order_id: x.order.id,
      line_number: x.line.lineNumber,
      sku: x.line.sku,
      quantity: x.quantity,
      reason: x.reason,
      item_condition: x.condition,
      customer_comment: x.comment,
      requested_at: ts(x.requestedAt),
      received_at: x.receivedAt === null ? null : ts(x.receivedAt),
      refund_id: x.refundId,
      return_status: x.status,
    })),
  'payments/payment-transactions': (w) =>
    w.commerce.payments.map((p) => ({
      transaction_id: p.id,
      order_id: p.order.id,
      customer_id: p.order.customer?.id ?? null,
      payment_method: p.method,
      psp: p.psp,
      status: p.status,
      amount: dec(p.amountCents),
      currency: p.order.currency,
      amount_eur: dec(p.amountEurCents),
      fee_eur: p.status === 'captured' ? dec(p.feeEurCents) : '0.00',
      created_at: ts(p.createdAt),
      captured_at: p.capturedAt === null ? null : ts(p.capturedAt),
      failure_reason: p.failureReason,
      card_token: p.cardToken?.token ?? null,
      ip_address: p.ip,
    })),
  'payments/refunds': (w) =>
    w.commerce.refunds.map((x) => ({
      refund_id: x.id,
      transaction_id: x.payment.id,
      order_id: x.payment.order.id,
      return_id: x.returnId,
      amount: dec(x.amountCents),
      currency: x.payment.order.currency,
      reason: x.reason,
      status: x.status,
      requested_at: ts(x.requestedAt),
      processed_at: x.processedAt === null ? null : ts(x.processedAt),
      requested_by: x.requestedBy,
    })),
  'payments/chargebacks': (w) =>
    w.chargebacks.map((c) => ({
      chargeback_id: c.id,
      transaction_id: c.payment.id,
      order_id: c.payment.order.id,
      card_brand: c.brand,
      reason_code: c.reasonCode,
      reason_category: c.category,
      amount: dec(c.payment.amountCents),
      currency: c.payment.order.currency,
      stage: c.stage,
      status: c.status,
      opened_at: ts(c.openedAt),
      respond_by: day(c.respondBy),
      closed_at: c.closedAt === null ? null : ts(c.closedAt),
      merchant_notes: c.notes,
    })),
  'payments/settlements': (w) =>
    w.settlements.map((s) => ({
      settlement_id: s.id,
      psp: s.psp,
      settlement_date: day(s.date),
      currency: 'EUR',
      gross_amount: dec(s.grossCents),
      fee_amount: dec(s.feeCents),
      refund_amount: dec(s.refundCents),
      chargeback_amount: dec(s.chargebackCents),
      net_amount: dec(s.grossCents - s.feeCents - s.refundCents - s.chargebackCents),
      transaction_count: s.count,
      payout_reference: s.payoutReference,
      payout_iban: NORTHWIND_IBAN,
      received_at: ts(s.receivedAt),
    })),
  'payments/sepa-mandates': (w) =>
    w.mandates.map((m) => ({
      mandate_id: m.id,
      customer_id: m.customer.id,
      account_holder_name: m.holder,
      iban: m.iban,
      bic: m.bic,
      mandate_type: m.type,
      sequence_type: m.sequence,
      signed_on: day(m.signedAt),
      status: m.status,
      last_collection_on: m.lastCollection === null ? null : day(m.lastCollection),
      creditor_id: 'NL98ZZZ999999990000',
    })),
  'cards/card-tokens': (w) =>
    w.commerce.tokens.map((t) => ({
      card_token: t.token,
      customer_id: t.customerId,
      card_brand: t.brand,
      masked_pan: t.maskedPan,
      expiry_month: t.expiryMonth,
      expiry_year: t.expiryYear,
      cardholder_name: t.holder,
      funding_type: t.funding,
      issuer_country: t.issuerCountry,
      created_at: ts(t.createdAt),
      last_used_at: ts(t.lastUsedAt),
    })),
  'cards/card-authorisations': (w) =>
    w.commerce.authorisations.map((a) => ({
      authorisation_id: a.id,
      transaction_id: a.payment.id,
      card_token: a.payment.cardToken!.token,
      card_brand: a.payment.cardToken!.brand,
      masked_pan: a.payment.cardToken!.maskedPan,
      amount: dec(a.payment.amountCents),
      currency: a.payment.order.currency,
      response_code: a.responseCode,
      decision: a.responseCode === '00' ? 'approved' : 'declined',
      three_ds_status: a.threeDs,
      eci: a.eci,
      issuer_country: a.payment.cardToken!.issuerCountry,
      entry_mode: a.payment.order.channel === 'store' ? 'contactless' : 'ecommerce',
      requested_at: ts(a.payment.createdAt),
      latency_ms: a.latencyMs,
      acquirer_reference: a.acquirerReference,
    })),
  'cards/fraud-scores': (w) =>
    w.commerce.authorisations
      .filter((a) => a.fraud)
      .map((a) => ({
        score_id: a.fraud!.id,
        authorisation_id: a.id,
        transaction_id: a.payment.id,
        customer_id: a.payment.order.customer?.id ?? null,
        model_name: 'fraud-scorer',
        model_version: '4.2.0',
        score: a.fraud!.score.toFixed(4),
        risk_band: a.fraud!.band,
        decision: a.fraud!.decision,
        top_reason_code: a.fraud!.reason,
        device_fingerprint: a.fraud!.device,
        scored_at: ts(a.fraud!.scoredAt),
      })),
  'fulfilment/warehouses': () => WAREHOUSES.map((w) => ({ ...w })),
  'fulfilment/inventory-levels': (w) => {
    const r = new Rng('inventory');
    return ['WH-TIL', 'WH-DUI', 'WH-NRK'].flatMap((warehouse) =>
      w.products.map((p) => {
        const onHand = p.active ? (r.chance(0.05) ? 0 : r.int(1, 420)) : r.int(0, 12);
        const reserved = Math.min(onHand, r.chance(0.4) ? r.int(0, 25) : 0);
        return {
          snapshot_date: '2026-10-31',
          warehouse_id: warehouse,
          sku: p.sku,
          on_hand: onHand,
          reserved,
          available: onHand - reserved,
          reorder_point: r.int(10, 60),
          inbound_units: r.chance(0.3) ? r.int(50, 300) : 0,
          last_counted_at: ts(r.between(NOW - 45 * DAY, NOW - 8 * HOUR)),
        };
      }),
    );
  },
  'fulfilment/shipments': (w) =>
    w.commerce.shipments.map((s) => ({
      shipment_id: s.id,
      order_id: s.order.id,
      warehouse_id: s.warehouseId,
      carrier: s.carrier,
      service_level: s.serviceLevel,
      tracking_number: s.trackingNumber,
      recipient_name: `${s.order.customer!.first} ${s.order.customer!.last}`,
      destination_postal_code: s.address.postalCode,
      destination_country: s.address.country,
      parcel_count: s.parcels,
      weight_kg: (s.weightGrams / 1000).toFixed(3),
      shipment_status: s.status,
      label_created_at: ts(s.labelAt),
      shipped_at: s.status === 'label_created' ? null : ts(s.shippedAt),
      delivered_at: s.deliveredAt === null ? null : ts(s.deliveredAt),
      promised_by: day(s.promisedBy),
    })),
  'fulfilment/shipment-events': (w) => {
    const r = new Rng('shipment-events');
    const rows: Row[] = [];
    const hubs: Record<string, readonly (readonly [string, string])[]> = {
      'WH-TIL': [
        ['Tilburg', 'NL'],
        ['Nieuwegein', 'NL'],
        ['Mechelen', 'BE'],
        ['Roissy', 'FR'],
        ['Coventry', 'GB'],
      ],
      'WH-DUI': [
        ['Duisburg', 'DE'],
        ['Hannover', 'DE'],
        ['Köln', 'DE'],
      ],
      'WH-NRK': [
        ['Norrköping', 'SE'],
        ['Jönköping', 'SE'],
      ],
    };
    for (const s of w.commerce.shipments) {
      if (s.labelAt < utc(2026, 10, 18)) continue;
      const destination = s.address;
      const events: (readonly [string, number, string, string])[] = [
        ['LABEL_CREATED', s.labelAt, ...r.pick(hubs[s.warehouseId]!)],
      ];
      if (s.status !== 'label_created') {
        events.push(['PICKED_UP', s.shippedAt, ...hubs[s.warehouseId]![0]!]);
        events.push(['IN_TRANSIT', s.shippedAt + r.int(4, 10) * HOUR, ...r.pick(hubs[s.warehouseId]!)]);
        if (s.deliveredAt !== null) {
          if (s.deliveredAt - DAY > s.shippedAt + 12 * HOUR && r.chance(0.06)) {
            events.push(['DELIVERY_FAILED', s.deliveredAt - DAY, destination.city, destination.country]);
          }
          events.push([
            'OUT_FOR_DELIVERY',
            s.deliveredAt - r.int(2, 6) * HOUR,
            destination.city,
            destination.country,
          ]);
          events.push(['DELIVERED', s.deliveredAt, destination.city, destination.country]);
        }
      }
      for (const [code, at, city, country] of events) {
        if (at > NOW - 10 * MINUTE) continue;
        rows.push({
          event_id: `ev_${r.hex(16)}`,
          shipment_id: s.id,
          carrier: s.carrier,
          event_code: code,
          event_time: ts(at),
          location_city: city,
          location_country: country,
          received_at: ts(Math.min(at + r.int(1, 20) * MINUTE, NOW - MINUTE)),
        });
      }
    }
    return rows;
  },
  'support/support-agents': (w) =>
    w.agents.map((a) => ({
      agent_id: a.id,
      display_name: a.name,
      work_email: a.email,
      team: a.team,
      languages: a.languages,
      site: a.site,
      hired_on: day(a.hiredOn),
      is_active: a.active,
    })),
  'support/support-tickets': (w) =>
    w.tickets.map((t) => ({
      ticket_id: t.id,
      customer_id: t.customer?.id ?? null,
      order_id: t.order?.id ?? null,
      channel: t.channel,
      category: t.category,
      priority: t.priority,
      status: t.status,
      subject: t.subject,
      description: t.description,
      requester_email: t.email,
      assigned_agent_id: t.agent?.id ?? null,
      created_at: ts(t.createdAt),
      first_response_at: t.firstResponseAt === null ? null : ts(t.firstResponseAt),
      resolved_at: t.resolvedAt === null ? null : ts(t.resolvedAt),
    })),
  'support/chat-transcripts': (w) =>
    w.messages.map((m) => ({
      conversation_id: m.conversationId,
      message_seq: m.seq,
      ticket_id: m.ticket?.id ?? null,
      sender_type: m.sender,
      agent_id: m.agent?.id ?? null,
      sent_at: ts(m.sentAt),
      message_text: m.text,
      language: m.language,
      redaction_applied: m.redacted,
    })),
  'support/csat-responses': (w) =>
    w.csat.map((c) => ({
      response_id: c.id,
      ticket_id: c.ticket.id,
      score: c.score,
      nps_score: c.nps,
      comment: c.comment,
      submitted_at: ts(c.submittedAt),
      survey_channel: c.channel,
    })),
  'support/kb-articles': () => {
    const r = new Rng('kb-articles');
    return KB_ARTICLES.map(([category, audience, title, body], i) => {
      const locale = /^(Hoe|Levertijden)/.test(title) ? 'nl' : /^(Wie|Welche)/.test(title) ? 'de' : 'en';
      return {
        article_id: `KB-${1001 + i}`,
        title,
        body,
        locale,
        category,
        audience,
        article_status: title.includes('(draft)')
          ? 'draft'
          : title.includes('(archived)')
            ? 'archived'
            : 'published',
        version: r.int(1, 7),
        updated_at: ts(r.between(utc(2025, 6, 1), NOW - DAY)),
        author_agent_id: `AG${r.int(101, 133)}`,
      };
    });
  },
  'marketing/campaigns': () =>
    CAMPAIGNS.map((c) => {
      const elapsed = Math.max(0, Math.min(1, (NOW - c.start) / (c.end + DAY - c.start)));
      return {
        campaign_id: c.id,
        campaign_name: c.name,
        channel: c.channel,
        objective: c.objective,
        start_date: day(c.start),
        end_date: day(c.end),
        budget_eur: dec(c.budgetCents),
        spend_eur: dec(Math.round(c.budgetCents * elapsed * (0.85 + (fnv1a(c.id) % 100) / 1000))),
        target_segment: c.segment,
        utm_campaign: c.utm,
        campaign_status: c.start > NOW ? 'planned' : c.end + DAY <= NOW ? 'completed' : 'running',
      };
    }),
  'marketing/promotions': (w) =>
    PROMOTIONS.map((p) => ({
      promotion_code: p.code,
      campaign_id: p.campaignId,
      description: p.description,
      discount_type: p.type,
      discount_value: p.type === 'free_shipping' ? null : `${p.value}.00`,
      min_order_eur: p.minOrderCents === null ? null : dec(p.minOrderCents),
      valid_from: day(p.from),
      valid_to: day(p.to),
      max_redemptions: p.maxRedemptions,
      redemptions: w.commerce.orders.filter((o) => o.promotionCode === p.code && o.paid).length,
    })),
  'marketing/email-sends': (w) =>
    w.emailSends.map((e) => ({
      send_id: e.id,
      campaign_id: e.campaign.id,
      customer_id: e.customer.id,
      email_address: e.customer.email,
      template_id: e.template,
      sent_at: ts(e.sentAt),
      delivered: e.delivered,
      opened_at: e.openedAt === null ? null : ts(e.openedAt),
      clicked_at: e.clickedAt === null ? null : ts(e.clickedAt),
      unsubscribed: e.unsubscribed,
      bounce_type: e.bounce,
    })),
  'marketing/campaign-attribution': (w) =>
    w.attribution.map((a) => ({
      attribution_id: a.id,
      order_id: a.order.id,
      customer_id: a.order.customer?.id ?? null,
      campaign_id: a.campaign?.id ?? null,
      channel: a.channel,
      attribution_model: 'last_click',
      touchpoint_at: ts(a.touchpointAt),
      converted_at: ts(a.order.placedAt),
      attributed_revenue_eur: dec(a.revenueCents),
      session_id: a.order.sessionId ?? null,
    })),
  'web-analytics/web-sessions': (w) =>
    w.sessions.map((s) => ({
      session_id: s.id,
      anonymous_id: s.anonymousId,
      customer_id: s.customer?.id ?? null,
      started_at: ts(s.startedAt),
      ended_at: ts(s.endedAt),
      landing_page: s.landingPage,
      referrer_domain: s.referrer,
      utm_source: s.utmSource,
      utm_medium: s.utmMedium,
      utm_campaign: s.utmCampaign,
      device_type: s.device,
      country_code: s.country,
      page_views: s.events.filter((e) => e.type !== 'add_to_cart' && e.type !== 'begin_checkout').length,
      converted: s.converted,
    })),
  'web-analytics/clickstream-events': (w) =>
    w.sessions
      .flatMap((s) =>
        s.events.map((e) => ({
          event_id: e.id,
          session_id: s.id,
          anonymous_id: s.anonymousId,
          customer_id: s.customer?.id ?? null,
          event_type: e.type,
          event_time: ts(e.at),
          page_url: e.url,
          sku: e.sku,
          search_query: e.query,
          ip_address: s.consent ? s.ip : null,
          user_agent: s.userAgent,
          consent_analytics: s.consent,
        })),
      )
      .filter((e) => e.event_time <= ts(NOW - MINUTE))
      .sort((a, b) => (a.event_time < b.event_time ? -1 : a.event_time > b.event_time ? 1 : 0)),
};

// ---------------------------------------------------------------------------------------------------
// Contracts in, files out
// ---------------------------------------------------------------------------------------------------

export interface ContractColumn {
  name: string;
  physicalType: string;
  logicalType: string;
}

export interface ContractFile {
  key: string;
  path: string;
  format: 'csv' | 'parquet';
  columns: ContractColumn[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** The data file each ODCS contract in the org promises, with its columns in contract order. */
export function readContractFiles(orgDir = defaultOrgDir): ContractFile[] {
  const out: ContractFile[] = [];
  for (const file of yamlFiles(orgDir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const json = doc.toJS() as Record<string, unknown> | null;
      if (json?.kind !== 'DataContract') continue;
      const key = `${json.domain}/${json.name}`;
      const servers = json.servers as { type: string; path: string; format: string }[];
      const server = servers.find((s) => s.type === 'local');
      if (!server || (server.format !== 'csv' && server.format !== 'parquet')) {
        throw new Error(`Contract '${key}' has no local csv or parquet server`);
      }
      const schema = json.schema as { properties: Record<string, string>[] }[];
      if (schema.length !== 1) throw new Error(`Contract '${key}' must describe exactly one object`);
      const columns = schema[0]!.properties.map((p) => ({
        name: p.physicalName ?? p.name!,
        physicalType: p.physicalType!,
        logicalType: p.logicalType!,
      }));
      out.push({ key, path: server.path, format: server.format, columns });
    }
  }
  return out;
}

function csvField(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(columns: string[], rows: Row[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c] ?? null)).join(','));
  return `${lines.join('\n')}\n`;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export interface GeneratedFile {
  key: string;
  path: string;
  rows: number;
}

/** Writes every contract's data file under outDir (paths as in the contracts, relative to examples/). */
export async function generateDemoData(outDir: string, orgDir = defaultOrgDir): Promise<GeneratedFile[]> {
  const contracts = readContractFiles(orgDir);
  const world = buildWorld();
  const unused = new Set(Object.keys(DATASETS));
  const staging = mkdtempSync(join(tmpdir(), 'charter-demo-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const written: GeneratedFile[] = [];
  try {
    for (const contract of contracts) {
      const build = DATASETS[contract.key];
      if (!build) throw new Error(`No generator for contract '${contract.key}'`);
      unused.delete(contract.key);
      const rows = build(world);
      const names = contract.columns.map((c) => c.name);
      for (const row of rows) {
        const extra = Object.keys(row).filter((k) => !names.includes(k));
        const missing = names.filter((n) => !(n in row));
        if (extra.length > 0 || missing.length > 0) {
          throw new Error(
            `Generator for '${contract.key}' disagrees with its contract: extra [${extra}] missing [${missing}]`,
          );
        }
      }
      const target = join(outDir, contract.path);
      mkdirSync(dirname(target), { recursive: true });
      const csv = toCsv(names, rows);
      if (contract.format === 'csv') {
        writeFileSync(target, csv);
      } else {
        const staged = join(staging, `${contract.key.replace('/', '__')}.csv`);
        writeFileSync(staged, csv);
        const columnTypes = contract.columns.map((c) => `${quoteLiteral(c.name)}: 'VARCHAR'`).join(', ');
        const select = contract.columns
          .map((c) => `CAST(${quoteIdent(c.name)} AS ${c.physicalType}) AS ${quoteIdent(c.name)}`)
          .join(', ');
        rmSync(target, { force: true });
        await connection.run(
          `COPY (SELECT ${select} FROM read_csv(${quoteLiteral(staged)}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columnTypes}})) TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      }
      written.push({ key: contract.key, path: contract.path, rows: rows.length });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(staging, { recursive: true, force: true });
  }
  if (unused.size > 0) throw new Error(`Generators without a contract: ${[...unused].join(', ')}`);
  return written;
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? '') : examplesDir;
  const files = await generateDemoData(outDir);
  for (const file of files) console.log(`${file.path.padEnd(48)} ${String(file.rows).padStart(5)} rows`);
  console.log(
    `${files.length} files, ${files.reduce((s, f) => s + f.rows, 0)} rows, written under ${outDir}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
