/** A small organisation with one checked dataset, shared by the quality tests. */

export const QUALITY_ORG = `
apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal, confidential, restricted]}
---
apiVersion: charter/v1
kind: User
metadata: {name: alice}
spec: {displayName: Alice}
---
apiVersion: charter/v1
kind: User
metadata: {name: bob}
spec: {displayName: Bob}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: finance, labels: {quality-schedule: "0 * * * *"}}
spec: {title: Finance, owners: [user:alice], stewards: [user:bob]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments, parent: finance}
spec: {title: Payments}
---
apiVersion: v3.1.0
kind: DataContract
id: 0b1c8c1e-0000-4000-8000-0000000000aa
name: refunds
version: 1.0.0
status: active
domain: payments
servers:
  - {server: local, type: local, format: csv, path: refunds.csv}
schema:
  - name: refunds
    properties:
      - {name: refund_id, logicalType: string, required: true, unique: true}
      - name: email
        logicalType: string
        classification: confidential
      - name: amount
        logicalType: number
        quality:
          - {id: amount-positive, metric: invalidValues, arguments: {pattern: '^[0-9.]+$'}, mustBe: 0, severity: error}
    quality:
      - {id: enough-rows, metric: rowCount, mustBeGreaterThan: 1, severity: warning, schedule: "*/5 * * * *"}
---
apiVersion: v1.0.0
kind: DataProduct
id: 7fb939ec-0000-4000-8000-0000000000bb
name: refund-data
status: active
domain: payments
outputPorts:
  - {name: refunds, version: 1.0.0, contractId: "0b1c8c1e-0000-4000-8000-0000000000aa"}
`;

export const GOOD = 'refund_id,email,amount\nr1,a@x.io,10\nr2,b@x.io,20\n';
export const BAD = 'refund_id,email,amount\nr1,a@x.io,10\nr1,b@x.io,-20\n';
