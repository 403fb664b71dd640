/** What the CEL compiler tells about a rule besides its program. */
import { describe, expect, it } from 'vitest';
import { type CompiledRule, compileRule, isCompileError } from './cel.js';

function compiled(source: string): CompiledRule {
  const rule = compileRule(source);
  if (isCompileError(rule)) throw new Error(rule.message);
  return rule;
}

describe('a compiled rule', () => {
  it('says whether it reads the time (`now`), wherever in the rule', () => {
    expect(compiled('now > timestamp("2020-01-01T00:00:00Z")').readsNow).toBe(true);
    expect(
      compiled('asset.schema.all(t, has(t.name) || now < timestamp("2030-01-01T00:00:00Z"))').readsNow,
    ).toBe(true);
    // A key named now, a string holding it: not the variable.
    expect(compiled('has(asset.now) || asset.name == "now"').readsNow).toBe(false);
    expect(compiled('owners.size() > 0').readsNow).toBe(false);
  });
});
