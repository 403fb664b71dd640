import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateOdps } from './odps.js';

const product = () =>
  parse(
    `
apiVersion: v1.0.0
kind: DataProduct
id: fbe8d147-28db-4f1d-bedf-a3fe9f458427
name: Customer
version: 1.0.0
status: active
inputPorts:
  - name: payments
    version: 1.0.0
    contractId: dbb7b1eb-7628-436e-8914-2a00638ba6db
outputPorts:
  - name: customers
    version: 2.0.0
    contractId: c2798941-1b7e-4b03-9e0d-955b1a872b32
    inputContracts:
      - id: dbb7b1eb-7628-436e-8914-2a00638ba6db
        version: 1.0.0
support:
  - channel: '#customer-data'
    url: https://chat.example.com/customer-data
team:
  name: Customer data
  members:
    - username: alice@example.com
      role: owner
`,
    { version: '1.2', schema: 'core' },
  ) as Record<string, unknown>;

describe('validateOdps', () => {
  it('accepts a valid v1.0.0 product, and v0.9.0 as the v1.0.0 schema does', () => {
    expect(validateOdps(product())).toEqual([]);
    expect(validateOdps({ ...product(), apiVersion: 'v0.9.0' })).toEqual([]);
  });

  it('refuses another apiVersion, naming the accepted ones', () => {
    expect(validateOdps({ ...product(), apiVersion: 'v1.1.0' })).toEqual([
      { path: 'apiVersion', message: 'must be one of: "v1.0.0", "v0.9.0"' },
    ]);
  });

  it('requires the contract an input port reads', () => {
    const doc = product();
    delete (doc.inputPorts as Record<string, unknown>[])[0]!.contractId;
    expect(validateOdps(doc)).toEqual([{ path: 'inputPorts[0].contractId', message: 'is required' }]);
  });

  it('reports an unknown key on a port', () => {
    const doc = product();
    (doc.outputPorts as Record<string, unknown>[])[0]!.server = 'prod';
    expect(validateOdps(doc)).toEqual([
      { path: 'outputPorts[0].server', message: 'is not a known property here' },
    ]);
  });

  it('requires a support channel to have an absolute url', () => {
    const doc = product();
    (doc.support as Record<string, unknown>[])[0]!.url = 'customer-data';
    expect(validateOdps(doc)).toEqual([{ path: 'support[0].url', message: 'must match format "uri"' }]);
  });

  it('hints to quote a version that YAML read as a number', () => {
    expect(validateOdps({ ...product(), version: 2 })).toEqual([
      {
        path: 'version',
        message: 'must be string, not a number (quote it: YAML reads an unquoted 1.0 as a number)',
      },
    ]);
  });

  it('refuses a document that is not an object', () => {
    expect(validateOdps(null)).toEqual([{ path: '', message: 'must be an object (an ODPS data product)' }]);
  });
});
