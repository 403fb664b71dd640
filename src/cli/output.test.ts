import { afterEach, describe, expect, it, vi } from 'vitest';
import { count, formatTable, progress, WHOLE, wrap } from './output.js';

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

describe('progress', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });

  function capture(isTTY: boolean) {
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    vi.stubEnv('CI', '');
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  }

  it('shows each stage on a terminal and clears the line when a stage completes', () => {
    const written = capture(true);
    const bar = progress('Applying');
    bar(0, 12_000, 'checking documents');
    bar(12_000, 12_000, 'checking documents');
    bar(2_000, 12_000, 'storing');
    bar(12_000, 12_000, 'storing');
    expect(written).toEqual([
      '\rApplying: checking documents [....................] 0/12,000 (0%)\x1b[K',
      '\r\x1b[K',
      '\rApplying: storing [###.................] 2,000/12,000 (16%)\x1b[K',
      '\r\x1b[K',
    ]);
    bar.end();
    expect(written).toHaveLength(4);
  });

  it('clears an unfinished line on end, and writes nothing in a pipe', () => {
    const written = capture(true);
    const bar = progress('Checking');
    bar(1, 3);
    bar.end();
    expect(written).toEqual(['\rChecking [######..............] 1/3 (33%)\x1b[K', '\r\x1b[K']);
    written.length = 0;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const piped = progress('Applying');
    piped(1, 3, 'storing');
    piped.end();
    expect(written).toEqual([]);
  });
});
