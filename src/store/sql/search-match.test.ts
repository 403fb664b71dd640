import { describe, expect, it } from 'vitest';
import { matchExcerpt } from './search-match.js';

const text = {
  name: 'card-tokens c97f96ae',
  title: 'card_tokens',
  fields:
    'token_id Token key. card_number_hash SHA-256 of the card number. expiry_month Month the card expires.',
  tags: 'cards pii',
  description: 'Tokens standing in for card numbers.',
};

describe('matchExcerpt', () => {
  it('shows the column holding the most query terms, with the terms marked', () => {
    expect(matchExcerpt(text, ['card', 'number'])).toBe(
      'token_id Token key. «card»_«number»_hash SHA-256 of the «card» num…',
    );
  });
  it('matches word starts only, the last term as a prefix', () => {
    expect(matchExcerpt(text, ['toke'])).toBe('card-«tokens» c97f96ae');
    expect(
      matchExcerpt({ ...text, name: 'x', title: 'x', fields: 'backtracking', tags: '', description: '' }, [
        'tracking',
        'x',
      ]),
    ).toBe('«x»');
  });
  it('returns nothing when no column holds a term', () => {
    expect(matchExcerpt(text, ['zebra'])).toBe('');
  });
});
