/**
 * A seeded, labelled corpus for measuring the detectors: valid values of every category, their
 * near-misses (failed checksums, impossible dates, wrong lengths, malformed addresses) and ordinary
 * business values (order ids, amounts, SKUs, product names, timestamps). Same seed, same corpus.
 */
import { CATEGORIES, FAMILY_NAMES, GIVEN_NAMES, ibanChecksum, luhn, type PiiCategory } from './detectors.js';

export interface Sample {
  value: string;
  labels: PiiCategory[];
  /** What the sample is, for reading failures. */
  kind: string;
}

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCorpus(seed = 42, perCategory = 300): Sample[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const given = [...GIVEN_NAMES];
  const family = [...FAMILY_NAMES].filter((f) => !f.includes('-'));
  const out: Sample[] = [];
  const add = (value: string, labels: PiiCategory[], kind: string) => out.push({ value, labels, kind });
  const flipLast = (s: string) => {
    const i = s.search(/\d(?=\D*$)/);
    return i < 0 ? `${s}0` : s.slice(0, i) + String((Number(s[i]) + int(1, 9)) % 10) + s.slice(i + 1);
  };

  for (let i = 0; i < perCategory; i++) {
    // e-mail
    const user = `${pick(given)}${pick(['.', '_', ''])}${pick(family)}${r() < 0.5 ? int(1, 99) : ''}`;
    const domain = pick(['example.com', 'mail.nl', 'post.de', 'northwind.example', 'web.co.uk']);
    add(`${user}@${domain}`, ['email'], 'email');
    add(
      pick([
        `${user}@${domain.split('.')[0]}`,
        `${user}.@${domain}`,
        `${user} at ${domain}`,
        `@${domain}`,
        `${user}@@${domain}`,
      ]),
      [],
      'email near-miss',
    );

    // phone (international)
    const phone = pick([
      () => `+31 6 ${digits(4)} ${digits(4)}`,
      () => `+49 30 ${digits(7)}`,
      () => `0044 20 ${digits(4)} ${digits(4)}`,
      () => `+1 (${int(201, 989)}) ${digits(3)}-${digits(4)}`,
      () => `+33${int(1, 9)}${digits(8)}`,
      () => `+32 ${int(470, 499)} ${digits(2)} ${digits(2)} ${digits(2)}`,
    ])();
    add(phone, ['phone'], 'phone');
    add(
      pick([`+31 6 ${digits(2)}`, `06 ${digits(8)}`, `+${digits(16)}`, `0${digits(9)}`]),
      [],
      'phone near-miss',
    );

    // IBAN with a valid checksum; its near-miss has one digit changed
    const [cc, len] = pick([
      ['NL', 18],
      ['DE', 22],
      ['FR', 27],
      ['BE', 16],
      ['ES', 24],
      ['GB', 22],
    ] as const);
    const bban =
      cc === 'NL'
        ? `${pick(['ABNA', 'INGB', 'RABO'])}${digits(10)}`
        : cc === 'GB'
          ? `NWBK${digits(14)}`
          : digits(len - 4);
    const check = String(98 - ibanChecksum(`${cc}00${bban}`)).padStart(2, '0');
    const iban = `${cc}${check}${bban}`;
    add(r() < 0.5 ? iban : iban.replace(/(.{4})(?=.)/g, '$1 '), ['iban'], 'iban');
    add(r() < 0.7 ? flipLast(iban) : iban.slice(0, -1), [], 'iban near-miss');

    // payment card with Luhn; near-miss fails Luhn
    const prefix = pick(['4', '51', '52', '55', '37', '6011', '2221']);
    const length = prefix === '37' ? 15 : 16;
    const body = prefix + digits(length - prefix.length - 1);
    let card = '';
    for (let d = 0; d <= 9; d++) if (luhn(body + d)) card = body + d;
    add(r() < 0.5 ? card : card.replace(/(\d{4})(?=\d)/g, '$1 '), ['card'], 'card');
    add(flipLast(card), [], 'card near-miss');

    // IP addresses
    const v4 = `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
    const v6 = Array.from({ length: 8 }, () => int(0, 65535).toString(16)).join(':');
    add(r() < 0.6 ? v4 : r() < 0.5 ? v6 : `2001:db8::${int(1, 65535).toString(16)}`, ['ip'], 'ip');
    add(
      pick([
        `${int(256, 999)}.${int(0, 255)}.1.1`,
        `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}`,
        `10.0.0.0${int(1, 9)}`,
        `${v6}:1`,
        '1:2:3',
      ]),
      [],
      'ip near-miss',
    );

    // national identifiers of seven countries, and near-misses
    const id = pick([
      () => {
        for (;;) {
          const b = String(int(1, 9)) + digits(7);
          let s = 0;
          for (let k = 0; k < 8; k++) s += Number(b[k]) * (9 - k);
          const last = s % 11;
          if (last <= 9) return { v: b + last, bad: b + ((last + 1) % 10) };
        }
      },
      () => {
        const v = `${int(1, 665)}`.padStart(3, '0');
        return {
          v: `${v}-${`${int(1, 99)}`.padStart(2, '0')}-${`${int(1, 9999)}`.padStart(4, '0')}`,
          bad: `000-${digits(2)}-${digits(4)}`,
        };
      },
      () => {
        const v = `${pick(['AB', 'CE', 'JK', 'PR', 'WX'])}${digits(6)}${pick(['A', 'B', 'C', 'D'])}`;
        return { v, bad: `${v.slice(0, 8)}E` };
      },
      () => {
        const b = `${int(1, 2)}${digits(2)}${`${int(1, 12)}`.padStart(2, '0')}${digits(8)}`;
        const key = 97 - Number(BigInt(b) % 97n);
        return {
          v: `${b}${String(key).padStart(2, '0')}`,
          bad: `${b}${String((key % 96) + 1).padStart(2, '0')}`,
        };
      },
      () => {
        for (;;) {
          const first = String(int(1, 9)) + digits(9);
          const counts = new Map<string, number>();
          for (const c of first) counts.set(c, (counts.get(c) ?? 0) + 1);
          const rep = [...counts.values()].filter((n) => n > 1);
          if (rep.length !== 1 || rep[0]! > 3) continue;
          let product = 10;
          for (let k = 0; k < 10; k++) {
            let sum = (Number(first[k]) + product) % 10;
            if (sum === 0) sum = 10;
            product = (sum * 2) % 11;
          }
          const c = (11 - product) % 10;
          return { v: `${first}${c}`, bad: `${first}${(c + 1) % 10}` };
        }
      },
      () => {
        const b = `${`${int(40, 99)}`}${`${int(1, 12)}`.padStart(2, '0')}${`${int(1, 28)}`.padStart(2, '0')}${digits(3)}`;
        const c = 97 - (Number(b) % 97);
        return {
          v: `${b}${String(c).padStart(2, '0')}`,
          bad: `${b}${String((c % 96) + 1).padStart(2, '0')}`,
        };
      },
      () => {
        const n = digits(8);
        const letter = 'TRWAGMYFPDXBNJZSQVHLCKE'[Number(n) % 23]!;
        const other = 'TRWAGMYFPDXBNJZSQVHLCKE'[(Number(n) + 1) % 23]!;
        return { v: `${n}${letter}`, bad: `${n}${other}` };
      },
    ])();
    add(id.v, ['national-id'], 'national-id');
    add(id.bad, [], 'national-id near-miss');

    // dates of birth; near-misses are impossible dates and recent (order) dates
    const y = int(1935, 2006);
    const m = int(1, 12);
    const d = int(1, 28);
    const pad = (n: number) => String(n).padStart(2, '0');
    add(
      r() < 0.6 ? `${y}-${pad(m)}-${pad(d)}` : `${pad(d)}.${pad(m)}.${y}`,
      ['date-of-birth'],
      'date-of-birth',
    );
    add(
      pick([
        `${y}-02-30`,
        `${int(2021, 2026)}-${pad(m)}-${pad(d)}`,
        `${pad(d)}/13/${y}`,
        `${y}-${pad(m)}-32`,
      ]),
      [],
      'date near-miss',
    );

    // person names, alone or in free text
    const name = `${cap(pick(given))} ${cap(pick(family))}`;
    add(
      pick([
        name,
        `Dear ${name}, your order has shipped.`,
        `Spoke with ${name} about the refund`,
        `${cap(pick(family))}, ${cap(pick(given))}`,
      ]),
      ['person-name'],
      'person-name',
    );
    add(
      pick([
        'Garden Chair',
        'Order Shipped',
        'Green Table Large',
        'Dear Customer, your order has shipped.',
        'Martin Luther King Day sale',
      ]),
      name.startsWith('Martin') ? [] : [],
      'name near-miss',
    );

    // ordinary business values
    add(
      pick([
        `ORD-${digits(7)}`,
        `${int(1, 999)}.${digits(2)}`,
        `SKU-${digits(5)}-${pick(['S', 'M', 'L'])}`,
        `${int(2023, 2026)}-${pad(m)}-${pad(d)}T${pad(int(0, 23))}:${pad(int(0, 59))}:00Z`,
        digits(int(4, 8)),
        digits(12),
        pick(['delivered', 'pending', 'NL', 'EUR', 'true', 'web', 'in_store']),
        `C${digits(7)}`,
        `v${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`,
      ]),
      [],
      'business value',
    );
  }
  // Random 9- and 11-digit numbers (order or account numbers): some pass an identifier checksum by
  // chance, as they would in real data; they stay labelled as not personal.
  for (let i = 0; i < perCategory / 6; i++) {
    add(String(int(1, 9)) + digits(8), [], 'random 9-digit number');
    add(String(int(1, 9)) + digits(10), [], 'random 11-digit number');
  }
  return out;
}

export interface DetectorScore {
  category: PiiCategory;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export function score(samples: readonly Sample[], detect: (v: string) => PiiCategory[]): DetectorScore[] {
  const predictions = samples.map((s) => new Set(detect(s.value)));
  return CATEGORIES.map((category) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    samples.forEach((s, i) => {
      const labelled = s.labels.includes(category);
      const predicted = predictions[i]!.has(category);
      if (labelled && predicted) tp++;
      else if (predicted) fp++;
      else if (labelled) fn++;
    });
    const round = (n: number) => Math.round(n * 10_000) / 10_000;
    return {
      category,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision: round(tp + fp ? tp / (tp + fp) : 1),
      recall: round(tp + fn ? tp / (tp + fn) : 1),
    };
  });
}
