/** Names numbered for a tracer's life, met once per report. */
import { describe, expect, it } from 'vitest';
import { Numbering } from './trace.js';

describe('Numbering', () => {
  it('numbers each name once, in the order first given; none is -1', () => {
    const n = new Numbering();
    expect([n.of('user:ada'), n.of('team:risk'), n.of('user:ada'), n.of(null)]).toEqual([0, 1, 0, -1]);
    expect(n.names).toEqual(['user:ada', 'team:risk']);
  });

  it('meets a number once per report, and again in the next report', () => {
    const n = new Numbering();
    const a = n.of('domain:cards');
    n.begin();
    expect([n.met(a), n.met(a)]).toEqual([true, false]);
    n.begin();
    expect(n.met(a)).toBe(true);
  });

  it('keeps what a report has met when names first seen mid-report grow its arrays', () => {
    const n = new Numbering();
    n.begin();
    const early = n.of('domain:0');
    expect(n.met(early)).toBe(true);
    n.pos[early] = 7;
    // Far past the initial capacity, as a report meeting a thousand new domains would.
    for (let i = 1; i < 1000; i++) expect(n.met(n.of(`domain:${i}`))).toBe(true);
    expect(n.met(early)).toBe(false);
    expect(n.pos[early]).toBe(7);
    expect(n.met(n.of('domain:999'))).toBe(false);
  });
});
