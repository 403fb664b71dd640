/**
 * Personal-data detectors over single values (and field names): each recognises one category with
 * its own validation — checksums where the identifier has one (IBAN mod 97, Luhn, BSN 11-proof,
 * NIR key, Steuer-ID ISO 7064, Belgian national number mod 97, DNI letter) — so near-misses are not
 * reported. Pure functions: no value leaves them.
 */
import { isIPv4, isIPv6 } from 'node:net';

export const CATEGORIES = [
  'email',
  'phone',
  'iban',
  'card',
  'ip',
  'national-id',
  'date-of-birth',
  'person-name',
] as const;
export type PiiCategory = (typeof CATEGORIES)[number];

/** The charter category and DPV `pd:` term each detection maps to, and the classification proposed. */
export const CATEGORY_INFO: Record<PiiCategory, { pd: string; charter: string; classification: string }> = {
  email: { pd: 'pd:EmailAddress', charter: 'contact', classification: 'confidential' },
  phone: { pd: 'pd:TelephoneNumber', charter: 'contact', classification: 'confidential' },
  iban: { pd: 'pd:BankAccount', charter: 'financial', classification: 'restricted' },
  card: { pd: 'pd:CreditCardNumber', charter: 'financial', classification: 'restricted' },
  ip: { pd: 'pd:IPAddress', charter: 'online-identifier', classification: 'confidential' },
  'national-id': { pd: 'pd:OfficialID', charter: 'identifying', classification: 'restricted' },
  'date-of-birth': { pd: 'pd:DateOfBirth', charter: 'demographic', classification: 'restricted' },
  'person-name': { pd: 'pd:Name', charter: 'identifying', classification: 'confidential' },
};

const EMAIL =
  /^[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

export function isEmail(v: string): boolean {
  return v.length <= 254 && EMAIL.test(v) && !v.includes('..');
}

/** International format: `+` or `00`, a country code, 8–15 digits in all (E.164), common separators. */
export function isPhone(v: string): boolean {
  if (!/^(\+|00)[1-9][\d ()./-]{6,20}$/.test(v)) return false;
  if (/[ ./-]{2}/.test(v)) return false;
  // Written with 00 instead of +, a number is grouped; a bare 00-run of digits is more often an id.
  if (v.startsWith('00') && !/[ ()./-]/.test(v)) return false;
  const digits = v.replace(/^00/, '').replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15;
}

/** IBAN lengths per country (SEPA and neighbours). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
};

export function ibanChecksum(iban: string): number {
  // The country and check digits move to the end; letters count as 10..35 (two digits).
  let rest = 0;
  const len = iban.length;
  for (let k = 0; k < len; k++) {
    const c = iban.charCodeAt((k + 4) % len);
    const n = c >= 65 && c <= 90 ? c - 55 : c - 48;
    rest = n > 9 ? (rest * 100 + n) % 97 : (rest * 10 + n) % 97;
  }
  return rest;
}

export function isIban(v: string): boolean {
  const s = v.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  if (v !== s && !/^[A-Z]{2}\d{2}( [A-Z0-9]{4})+( [A-Z0-9]{1,4})?$/i.test(v)) return false;
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  return len === s.length && ibanChecksum(s) === 1;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Payment card numbers: a known issuer prefix, 13–19 digits (grouped by spaces or dashes), Luhn. */
export function isCard(v: string): boolean {
  if (!/^\d{4}([ -]?\d{2,6}){2,4}$|^\d{13,19}$/.test(v)) return false;
  const d = v.replace(/\D/g, '');
  if (d.length < 13 || d.length > 19) return false;
  const issuer =
    /^4/.test(d) ||
    /^5[1-5]/.test(d) ||
    /^2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)/.test(d) ||
    /^3[47]/.test(d) ||
    /^(6011|65|64[4-9])/.test(d) ||
    /^35(2[89]|[3-8]\d)/.test(d);
  return issuer && luhn(d);
}

export function isIp(v: string): boolean {
  if (isIPv4(v)) return !/(^|\.)0\d/.test(v);
  return isIPv6(v);
}

/** Netherlands BSN: 9 digits, 11-proof. */
export function isBsn(v: string): boolean {
  if (!/^\d{9}$/.test(v) || v === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (v.charCodeAt(i) - 48) * (9 - i);
  sum -= v.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** United States SSN: AAA-GG-SSSS with the SSA's never-issued ranges excluded (no checksum exists). */
export function isSsn(v: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(v);
  if (!m) return false;
  const [, a, g, s] = m;
  return a !== '000' && a !== '666' && a![0] !== '9' && g !== '00' && s !== '0000';
}

/** United Kingdom National Insurance number (format rules; no checksum exists). */
export function isNino(v: string): boolean {
  const s = v.replace(/ /g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(s)) return false;
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(s.slice(0, 2));
}

/** France NIR (numéro de sécurité sociale): 13 digits and a key = 97 − (number mod 97). */
export function isNir(v: string): boolean {
  const s = v.replace(/ /g, '');
  if (!/^[12]\d{2}(0[1-9]|1[0-2]|[2-9]\d)\d{8}\d{2}$/.test(s)) return false;
  const key = Number(s.slice(13));
  return 97 - Number(BigInt(s.slice(0, 13)) % 97n) === key;
}

/** Germany Steuer-ID: 11 digits, first not 0, one digit repeated in the first ten, ISO 7064 MOD 11,10. */
export function isSteuerId(v: string): boolean {
  if (!/^[1-9]\d{10}$/.test(v)) return false;
  const counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 10; i++) counts[v.charCodeAt(i) - 48]!++;
  const repeated = counts.filter((n) => n > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (v.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === Number(v[10]);
}

/** Belgium national register number: YYMMDD, a serial, a mod 97 check (with the 2000s rule). */
export function isBelgianNn(v: string): boolean {
  const s = v.replace(/[ .-]/g, '');
  if (!/^\d{11}$/.test(s)) return false;
  const month = Number(s.slice(2, 4));
  const day = Number(s.slice(4, 6));
  if (month > 12 || day > 31) return false;
  const body = Number(s.slice(0, 9));
  const check = Number(s.slice(9));
  return 97 - (body % 97) === check || 97 - ((2_000_000_000 + body) % 97) === check;
}

/** Spain DNI: 8 digits and the control letter. */
export function isDni(v: string): boolean {
  const m = /^(\d{8})-?([A-Z])$/i.exec(v);
  return !!m && 'TRWAGMYFPDXBNJZSQVHLCKE'[Number(m[1]) % 23] === m[2]!.toUpperCase();
}

export const NATIONAL_IDS = {
  NL: isBsn,
  US: isSsn,
  GB: isNino,
  FR: isNir,
  DE: isSteuerId,
  BE: isBelgianNn,
  ES: isDni,
} as const;

const NATIONAL_ID_CHECKS = Object.values(NATIONAL_IDS);

export function isNationalId(v: string): boolean {
  for (const check of NATIONAL_ID_CHECKS) if (check(v)) return true;
  return false;
}

/**
 * The national-id checks a value's digit count admits (each check's own pattern fixes its digits:
 * BSN and SSN 9, NINO 6, NIR 15, Steuer-ID and the Belgian number 11, DNI 8), so a scan runs one or
 * two checks instead of seven.
 */
function isNationalIdByShape(v: string, digits: number): boolean {
  switch (digits) {
    case 6:
      return isNino(v);
    case 8:
      return isDni(v);
    case 9:
      return isBsn(v) || isSsn(v);
    case 11:
      return isSteuerId(v) || isBelgianNn(v);
    case 15:
      return isNir(v);
    default:
      return false;
  }
}

/** A calendar date a living adult could be born on: 1900 to 16 years before `now`. */
export function isDateOfBirth(v: string, now = new Date()): boolean {
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{2})[./](\d{2})[./](\d{4})$/.exec(v);
    if (!match) return false;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return y >= 1900 && y <= now.getUTCFullYear() - 16;
}

/** A small dictionary of given names and family names common in Northwind's markets. */
export const GIVEN_NAMES = new Set(
  `anna emma julia lisa laura sophie marie eva sara lena mia lotte fleur sanne noor ines chloe camille lea manon
  clara hannah lucia elena paula maria carmen sofia olga ada grace kemi devi liam noah lucas daan sem jan pieter
  thomas max paul felix leon lukas jonas elias louis hugo arthur jules gabriel raphael pablo javier carlos diego
  alejandro mateo james john robert michael david william richard joseph charles oliver jack harry george farid
  ben omar ali yusuf mohamed ahmed hassan ivan dmitri sergei anton piotr tomasz marek eric peter henrik lars`
    .split(/\s+/)
    .filter(Boolean),
);
export const FAMILY_NAMES = new Set(
  `jansen janssen de-vries devries bakker visser smit meijer mulder bos vos peters hendriks dekker brouwer muller
  schmidt schneider fischer weber meyer wagner becker schulz hoffmann martin bernard dubois thomas robert richard
  petit durand leroy moreau garcia martinez lopez sanchez perez gonzalez rodriguez fernandez smith johnson williams
  brown jones miller davis wilson taylor anderson peeters maes jacobs claes wouters goossens novak raman rossi
  russo ferrari esposito bianchi romano nowak kowalski wisniewski andersson johansson karlsson nilsson eriksson`
    .split(/\s+/)
    .filter(Boolean),
);

const capitalised = /^\p{Lu}[\p{Ll}'-]+$/u;
const separators = /[\s,]+/;

/** `^\p{Lu}[\p{Ll}'-]+$` with an ASCII fast path (the regular expression only beyond ASCII). */
function isCapitalised(w: string): boolean {
  const first = w.charCodeAt(0);
  if (first < 128 && !(first >= 65 && first <= 90)) return false;
  if (w.length < 2) return false;
  for (let i = 1; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c > 127) return capitalised.test(w);
    if (!((c >= 97 && c <= 122) || c === 39 || c === 45)) return false;
  }
  return first < 128 || capitalised.test(w);
}

/** "Given Family" (or "Family, Given") in a value, or a given + family name pair inside free text. */
export function hasPersonName(v: string): boolean {
  const words = v.split(separators);
  let prev: string | undefined;
  for (const raw of words) {
    if (!raw) continue;
    const w = /[.:;!?]$/.test(raw) ? raw.slice(0, -1) : raw;
    const word = isCapitalised(w) ? w.toLowerCase() : undefined;
    if (
      prev &&
      word &&
      ((GIVEN_NAMES.has(prev) && FAMILY_NAMES.has(word)) || (FAMILY_NAMES.has(prev) && GIVEN_NAMES.has(word)))
    )
      return true;
    prev = word;
  }
  return false;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Detects every category a value belongs to. One pass over the characters counts their kinds, and
 * only the detectors whose own patterns admit that shape run (a card has 13–19 digits and nothing
 * but spaces and dashes besides, an IPv4 address digits and three dots …): the answer is the same as
 * running all of them, at a fraction of the cost when a scan feeds millions of values.
 */
export function detect(value: string, now?: Date): PiiCategory[] {
  const v = value.trim();
  const n = v.length;
  if (!n || n > 10_000) return [];
  const out: PiiCategory[] = [];
  if (n <= 254 && v.includes('@') && isEmail(v)) out.push('email');
  // Letters that may start a capitalised word (ASCII capitals, anything beyond ASCII) and breaks.
  let capitals = 0;
  let breaks = 0;
  if (n <= 40) {
    let digits = 0;
    let letters = 0;
    let dots = 0;
    let colons = 0;
    let other = 0;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (isDigit(c)) digits++;
      else if (isAsciiLetter(c)) {
        letters++;
        if (c <= 90) capitals++;
      } else if (c === 32) breaks++;
      else if (c === 45) {
        // A dash: allowed in cards, phones and ids, and no break between words.
      } else if (c === 46) dots++;
      else if (c === 58) colons++;
      else {
        other++;
        // Beyond ASCII a character may be a capital or a space (NBSP …): count it as both.
        if (c > 127) {
          capitals++;
          breaks++;
        } else if (c === 44 || (c >= 9 && c <= 13)) breaks++;
      }
    }
    const c0 = v.charCodeAt(0);
    if ((c0 === 43 || (c0 === 48 && v.charCodeAt(1) === 48)) && digits >= 8 && isPhone(v)) out.push('phone');
    if (
      n >= 15 &&
      isAsciiLetter(c0) &&
      isAsciiLetter(v.charCodeAt(1)) &&
      isDigit(v.charCodeAt(2)) &&
      isDigit(v.charCodeAt(3)) &&
      isIban(v)
    )
      out.push('iban');
    if (isDigit(c0) && digits >= 13 && digits <= 19 && letters + dots + colons + other === 0 && isCard(v))
      out.push('card');
    if (((dots === 3 && digits + dots === n) || colons >= 2) && isIp(v)) out.push('ip');
    if (digits >= 6 && isNationalIdByShape(v, digits)) out.push('national-id');
    if (n === 10 && digits === 8 && isDateOfBirth(v, now)) out.push('date-of-birth');
  } else {
    for (let i = 0; i < n && (capitals < 2 || !breaks); i++) {
      const c = v.charCodeAt(i);
      if (c >= 65 && c <= 90) capitals++;
      else if (c > 127) {
        capitals++;
        breaks++;
      } else if (c === 32 || c === 44 || (c >= 9 && c <= 13)) breaks++;
    }
  }
  // A name is two capitalised words: two capitals and a break between words at least.
  if (capitals >= 2 && breaks >= 1 && hasPersonName(v)) out.push('person-name');
  return out;
}

/** Categories a column name suggests (a hint; values confirm it). */
const NAME_HINTS: [RegExp, PiiCategory][] = [
  [/e[-_]?mail/i, 'email'],
  [/phone|mobile|msisdn|tel(ephone)?(_|$)/i, 'phone'],
  [/iban|bank[-_]?account/i, 'iban'],
  [/(card|pan)[-_]?(number|no|num)?$|^pan$|cc[-_]?number/i, 'card'],
  [/(^|_)ip([-_]?(address|addr|v4|v6))?$/i, 'ip'],
  [/ssn|bsn|nino|national[-_]?id|tax[-_]?id|steuer|passport|nir$/i, 'national-id'],
  [/birth|dob$|^dob/i, 'date-of-birth'],
  [/(first|last|given|family|full|sur)[-_]?name|^name$|customer[-_]?name/i, 'person-name'],
];

export function hintsFor(fieldName: string): PiiCategory[] {
  return NAME_HINTS.filter(([re]) => re.test(fieldName)).map(([, c]) => c);
}
