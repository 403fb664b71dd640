/**
 * Which addresses a webhook is not sent to: every spelling of loopback, private, link-local and
 * the other special ranges, including IPv4 ones written inside IPv6 addresses, and nothing public.
 */
import { describe, expect, it } from 'vitest';
import { privateReceiversAllowed, refusedReceiverUrl, specialAddressKind } from './webhooks.js';

describe('specialAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['FC00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    // NAT64 and 6to4 carry an IPv4 address.
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::10.0.0.1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(specialAddressKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'hooks.example.com',
  ])('%s is not special', (address) => {
    expect(specialAddressKind(address)).toBeUndefined();
  });
});

describe('refusedReceiverUrl', () => {
  it('names the address as the URL parser reads it, and the setting that allows it', () => {
    expect(refusedReceiverUrl(new URL('http://0x7f.1:8080/hook'), false)).toBe(
      "url's host 127.0.0.1 is a loopback address; webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true",
    );
    expect(refusedReceiverUrl(new URL('http://[fe80::1]/'), false)).toMatch(
      /^url's host fe80::1 is a link-local/,
    );
    expect(refusedReceiverUrl(new URL('http://169.254.169.254/'), true)).toBeUndefined();
    // Host names are checked when a delivery connects.
    expect(refusedReceiverUrl(new URL('http://localhost/'), false)).toBeUndefined();
  });

  it('reads the setting as true or 1, anything else as off', () => {
    const allowed = (value?: string) =>
      privateReceiversAllowed(value === undefined ? {} : { CHARTER_WEBHOOK_ALLOW_PRIVATE: value });
    expect([allowed('true'), allowed('TRUE'), allowed('1')]).toEqual([true, true, true]);
    expect([allowed(), allowed(''), allowed('0'), allowed('false'), allowed('yes')]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
