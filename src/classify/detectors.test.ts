/**
 * `detect` runs only the detectors a value's shape admits; this checks that the answer is exactly
 * the one of running every detector, on the seeded corpus and on generated strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from './corpus.js';
import {
  detect,
  hasPersonName,
  isCard,
  isDateOfBirth,
  isEmail,
  isIban,
  isIp,
  isNationalId,
  isPhone,
  type PiiCategory,
} from './detectors.js';

const NOW = new Date('2026-11-28T00:00:00Z');

/** Every detector on every value, no shortcut. */
function detectAll(value: string): PiiCategory[] {
  const v = value.trim();
  if (!v || v.length > 10_000) return [];
  const out: PiiCategory[] = [];
  if (v.length <= 254 && v.includes('@') && isEmail(v)) out.push('email');
  if (v.length <= 40) {
    if (isPhone(v)) out.push('phone');
    if (isIban(v)) out.push('iban');
    if (isCard(v)) out.push('card');
    if (isIp(v)) out.push('ip');
    if (isNationalId(v)) out.push('national-id');
    if (isDateOfBirth(v, NOW)) out.push('date-of-birth');
  }
  if (hasPersonName(v)) out.push('person-name');
  return out;
}

describe('detect', () => {
  it('answers as running every detector on the seeded corpus', () => {
    for (const seed of [1, 2, 3]) {
      for (const s of generateCorpus(seed, 400)) {
        for (const v of [s.value, ` ${s.value}\t`, s.value.toLowerCase(), s.value.replace(/ /g, '\u00a0')])
          expect(detect(v, NOW), JSON.stringify(v)).toEqual(detectAll(v));
      }
    }
  });

  it('answers as running every detector on generated strings', () => {
    const alphabet = fc.constantFrom(
      ...'0123456789 -./:+@,()AaBbEeFfNnZz\u00a0\u00c9\u00e9\t'.split(''),
      'Anna',
      'Jansen',
      'Louis',
      'Brouwer',
      'NL',
      '00',
      '::',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (parts) => {
        const v = parts.join('');
        expect(detect(v, NOW)).toEqual(detectAll(v));
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });
});
