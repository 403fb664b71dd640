import { describe, expect, it } from 'vitest';
import { tsqueryText, tsvectorText } from './tsvector.js';

describe('PostgreSQL search vectors written by Charter', () => {
  it('numbers words across the parts, marks each with its part weight (D unmarked), and writes a repeat again', () => {
    expect(
      tsvectorText([
        ['Payment_ID', 'A'],
        ['', 'A'],
        ['pii', 'B'],
        ['Montant réglé, payment', 'C'],
        ['Zürich', 'D'],
      ]),
    ).toBe("'payment':1A 'id':2A 'pii':3B 'montant':4C 'regle':5C 'payment':6C 'zurich':7");
    expect(tsvectorText([['', 'A']])).toBe('');
  });

  it('stops numbering where PostgreSQL does and leaves out words it could not keep', () => {
    const many = tsvectorText([[Array.from({ length: 16_400 }, () => 'w').join(' '), 'C']]).split(' ');
    expect(many).toHaveLength(16_400);
    expect(many.at(-1)).toBe("'w':16383C");
    expect(tsvectorText([[`${'ж'.repeat(1_100)} ok`, 'A']])).toBe("'ok':2A");
  });

  it('leaves out the words past what PostgreSQL holds in one vector', () => {
    const text = Array.from({ length: 300_000 }, (_, i) => `w${i}`).join(' ');
    const vector = tsvectorText([
      ['first', 'A'],
      [text, 'D'],
    ]);
    const words = vector.split(' ').map((entry) => entry.slice(1, entry.lastIndexOf("'")));
    expect(words[0]).toBe('first');
    expect(words.length).toBeGreaterThan(90_000);
    expect(words.length).toBeLessThan(300_001);
    expect(Buffer.byteLength(words.join('')) + 5 * words.length).toBeLessThanOrEqual(1_048_575);
    // A text within the limit is written whole.
    expect(tsvectorText([[text.slice(0, 100_000), 'D']]).split(' ').length).toBe(
      text.slice(0, 100_000).split(' ').length,
    );
  });

  it('matches every term, the last as a prefix', () => {
    expect(tsqueryText(['daily', 'track'])).toBe("'daily' & 'track':*");
    expect(tsqueryText(["o'neil"])).toBe("'o''neil':*");
  });
});
