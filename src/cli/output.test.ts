import { describe, expect, it } from 'vitest';
import { count, formatTable, WHOLE, wrap } from './output.js';

const rows = [
  { ref: 'dataset:payments/payment-transactions', title: 'Card and wallet payments, captured and refunded' },
  { ref: 'dataset:payments/refunds', title: 'Refunds' },
];

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('formatTable', () => {
  it('keeps every value whole when the width is unbounded', () => {
    const out = formatTable(
      rows,
      [
        { header: 'ref', value: (r) => r.ref },
        { header: 'title', value: (r) => r.title },
      ],
      { width: Number.POSITIVE_INFINITY },
    );
    expect(out.split('\n')).toEqual([
      'REF                                    TITLE',
      'dataset:payments/payment-transactions  Card and wallet payments, captured and refunded',
      'dataset:payments/refunds               Refunds',
    ]);
  });

  it('cuts flexible columns to fit the width, the indent counted in it', () => {
    const out = formatTable(
      rows,
      [
        { header: 'ref', value: (r) => r.ref, min: WHOLE },
        { header: 'title', value: (r) => r.title },
      ],
      { width: 60, indent: 2 },
    );
    expect(widest(out)).toBeLessThanOrEqual(60);
    const lines = out.split('\n');
    expect(lines.every((l) => l.startsWith('  '))).toBe(true);
    expect(lines[1]).toContain('dataset:payments/payment-transactions  Card and wallet');
    expect(lines[1]).toMatch(/…$/);
  });

  it('expands a table that cannot fit without cutting a value that must stay whole', () => {
    const out = formatTable(
      rows,
      [
        { header: 'ref', value: (r) => r.ref, min: WHOLE },
        { header: 'title', value: (r) => r.title, min: WHOLE },
        { header: 'version', value: () => 3, min: WHOLE },
      ],
      { width: 60, indent: 2 },
    );
    expect(out.split('\n')).toEqual([
      '  dataset:payments/payment-transactions',
      '    title: Card and wallet payments, captured and refunded',
      '    version: 3',
      '  dataset:payments/refunds',
      '    title: Refunds   version: 3',
    ]);
  });
});

describe('wrap', () => {
  it('wraps at spaces with a hanging indent, and leaves text that fits (or an unbounded width) alone', () => {
    const text = 'owner of dataset:payments/refunds; steward of dataset:payments/settlements (training)';
    expect(wrap(text, '  ', '    ', 40).split('\n')).toEqual([
      '  owner of dataset:payments/refunds;',
      '    steward of',
      '    dataset:payments/settlements',
      '    (training)',
    ]);
    expect(wrap(text, '  ', '    ', Number.POSITIVE_INFINITY)).toBe(`  ${text}`);
    expect(wrap('short', '- ', '  ', 40)).toBe('- short');
  });
});

describe('count', () => {
  it('groups thousands with commas whatever the locale, and leaves small counts as they are', () => {
    expect(count(100_051)).toBe('100,051');
    expect(count(1_234_567)).toBe('1,234,567');
    expect(count(999)).toBe('999');
    expect(count(0)).toBe('0');
  });
});
