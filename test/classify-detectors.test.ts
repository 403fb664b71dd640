/**
 * The PII detectors: checksums and near-misses value by value, and precision / recall per detector
 * on the seeded labelled corpus (targets ≥ 0.95 precision, ≥ 0.9 recall; figures in docs/ai.md).
 */
import { describe, expect, it } from 'vitest';
import { generateCorpus, score } from '../src/classify/corpus.js';
import {
  detect,
  hintsFor,
  isBelgianNn,
  isBsn,
  isCard,
  isDateOfBirth,
  isDni,
  isIban,
  isIp,
  isNino,
  isNir,
  isPhone,
  isSsn,
  isSteuerId,
} from '../src/classify/detectors.js';

const NOW = new Date('2026-11-28T00:00:00Z');

describe('PII detectors', () => {
  it('validate checksums and reject near-misses', () => {
    expect(isIban('NL91ABNA0417164300')).toBe(true);
    expect(isIban('NL91 ABNA 0417 1643 00')).toBe(true);
    expect(isIban('NL92ABNA0417164300')).toBe(false);
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE89370400440532013001')).toBe(false);
    expect(isCard('4111 1111 1111 1111')).toBe(true);
    expect(isCard('4111 1111 1111 1112')).toBe(false);
    expect(isCard('378282246310005')).toBe(true);
    expect(isCard('1234567812345670')).toBe(false); // Luhn-valid, no issuer
    expect(isBsn('111222333')).toBe(true);
    expect(isBsn('111222334')).toBe(false);
    expect(isSsn('123-45-6789')).toBe(true);
    expect(isSsn('666-45-6789')).toBe(false);
    expect(isNino('AB123456C')).toBe(true);
    expect(isNino('BG123456C')).toBe(false);
    expect(isNir('185057800608491')).toBe(true);
    expect(isNir('185057800608492')).toBe(false);
    expect(isSteuerId('86095742719')).toBe(true);
    expect(isSteuerId('86095742718')).toBe(false);
    expect(isBelgianNn('85.07.30-033.28')).toBe(true);
    expect(isBelgianNn('85073003329')).toBe(false);
    expect(isDni('12345678Z')).toBe(true);
    expect(isDni('12345678A')).toBe(false);
    expect(isIp('192.168.1.20')).toBe(true);
    expect(isIp('192.168.01.20')).toBe(false);
    expect(isIp('2001:db8::1')).toBe(true);
    expect(isIp('256.1.1.1')).toBe(false);
    expect(isPhone('+31 6 1234 5678')).toBe(true);
    expect(isPhone('06 12345678')).toBe(false);
    expect(isDateOfBirth('1985-07-30', NOW)).toBe(true);
    expect(isDateOfBirth('1985-02-30', NOW)).toBe(false);
    expect(isDateOfBirth('2025-07-30', NOW)).toBe(false);
    expect(detect('Dear Anna Jansen, your order has shipped.')).toEqual(['person-name']);
    expect(detect('Dear Customer, your order has shipped.')).toEqual([]);
    expect(detect('ada@northwind.example')).toEqual(['email']);
  });

  it('read hints from field names', () => {
    expect(hintsFor('customer_email')).toEqual(['email']);
    expect(hintsFor('date_of_birth')).toEqual(['date-of-birth']);
    expect(hintsFor('iban')).toEqual(['iban']);
    expect(hintsFor('last_name')).toEqual(['person-name']);
    expect(hintsFor('order_total')).toEqual([]);
  });

  it('reach ≥ 0.95 precision and ≥ 0.9 recall per detector on the seeded corpus', () => {
    const corpus = generateCorpus(42, 300);
    expect(generateCorpus(42, 300)).toEqual(corpus);
    const figures = score(corpus, (v) => detect(v, NOW));
    console.log(
      figures
        .map(
          (f) =>
            `${f.category.padEnd(14)} P ${f.precision.toFixed(4)}  R ${f.recall.toFixed(4)}  (tp ${f.truePositives}, fp ${f.falsePositives}, fn ${f.falseNegatives})`,
        )
        .join('\n'),
    );
    for (const f of figures) {
      expect(f.precision, `${f.category} precision`).toBeGreaterThanOrEqual(0.95);
      expect(f.recall, `${f.category} recall`).toBeGreaterThanOrEqual(0.9);
      expect(f.truePositives).toBeGreaterThanOrEqual(250);
    }
  });
});
