/**
 * The anchor of the bulk apply: the rows Charter stores for a contract, inserted "raw" with
 * better-sqlite3 prepared statements in one transaction, into the same schema (copied from
 * src/store/sql/migrations.ts and the SQLite dialect) with the same pragmas. It is the floor an
 * apply on SQLite could reach: no validation, no query builder, values computed beforehand.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SourceDoc } from '../src/catalog/parse.js';
import { PAGE_SIZE } from '../src/store/sql/dialects/sqlite/sqlite-dialect.js';
import type { Json } from './generate.js';

const SCHEMA = `
CREATE TABLE assets (id integer primary key autoincrement, ref text not null unique, kind text not null,
  domain text, name text not null, uid text, version integer not null, state text not null, digest text not null,
  title text not null, description text not null, updated_at text not null, updated_by text not null);
CREATE INDEX assets_kind_domain ON assets (kind, domain, name);
CREATE INDEX assets_uid ON assets (uid);
CREATE TABLE versions (ref text not null, version integer not null, kind text not null, state text not null,
  digest text not null, doc text, created_at text not null, actor text not null, action text not null,
  constraint versions_pk primary key (ref, version));
CREATE TABLE relations (source text not null, type text not null, target text not null, role text not null,
  constraint relations_pk primary key (source, type, target, role));
CREATE INDEX relations_target ON relations (target, type);
CREATE TABLE audit_log (seq integer primary key, time text not null, actor text not null, action text not null,
  ref text not null, version integer, before_digest text, after_digest text, details text, prev_hash text not null,
  hash text not null);
CREATE INDEX audit_log_ref ON audit_log (ref, seq);
CREATE TABLE meta (key text primary key, value text not null);
CREATE VIRTUAL TABLE search_fts USING fts5(name, title, description, fields, tags,
  tokenize = 'unicode61 remove_diacritics 2');
`;

interface RawContract {
  ref: string;
  domain: string;
  name: string;
  uid: string;
  title: string;
  description: string;
  digest: string;
  doc: Json;
  search: string[];
  hash: string;
  prevHash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Builds every row value of every contract (not timed as part of the inserts). */
function rows(docs: readonly SourceDoc[], time: string, actor: string): RawContract[] {
  let prevHash = '0'.repeat(64);
  return docs.map((d, i) => {
    const doc = d.doc as Json;
    const name = String(doc.name);
    const domain = String(doc.domain);
    const ref = `dataset:${domain}/${name}`;
    const table = (doc.schema as Json[])[0]!;
    const props = table.properties as Json[];
    const purpose = String((doc.description as Json).purpose);
    const digest = sha256(JSON.stringify(doc));
    const search = [
      `${name} ${doc.id}`,
      `${table.name}`,
      `${purpose} `,
      props.map((p) => `${p.name} ${p.description ?? ''}`).join(' '),
      props.flatMap((p) => (p.tags as string[] | undefined) ?? []).join(' '),
    ];
    const hash = sha256(`${i + 1}|${time}|${actor}|${ref}|${digest}|${prevHash}`);
    const row = {
      ref,
      domain,
      name,
      uid: String(doc.id),
      title: name,
      description: purpose,
      digest,
      doc,
      search,
      hash,
      prevHash,
    };
    prevHash = hash;
    return row;
  });
}

export interface RawResult {
  /** Building the row values from the documents (JSON text, digests, hashes, search text). */
  prepareMs: number;
  /** The transaction of prepared inserts, the anchor. */
  insertMs: number;
  contracts: number;
}

/** Inserts the contracts raw into a fresh database file in `dir`. */
export function insertRaw(dir: string, docs: readonly SourceDoc[]): RawResult {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.exec(SCHEMA);
  const time = new Date().toISOString();
  const actor = 'user:bench';
  const startPrepare = performance.now();
  const contracts = rows(docs, time, actor);
  const prepareMs = performance.now() - startPrepare;

  const asset = db.prepare(
    `INSERT INTO assets (ref, kind, domain, name, uid, version, state, digest, title, description, updated_at, updated_by)
     VALUES (?, 'DataContract', ?, ?, ?, 1, 'live', ?, ?, ?, ?, ?)`,
  );
  const version = db.prepare(
    `INSERT INTO versions (ref, version, kind, state, digest, doc, created_at, actor, action)
     VALUES (?, 1, 'DataContract', 'live', ?, ?, ?, ?, 'create')`,
  );
  const relation = db.prepare(
    `INSERT INTO relations (source, type, target, role) VALUES (?, 'inDomain', ?, '')`,
  );
  const search = db.prepare(
    'INSERT INTO search_fts (rowid, name, title, description, fields, tags) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const audit = db.prepare(
    `INSERT INTO audit_log (seq, time, actor, action, ref, version, before_digest, after_digest, details, prev_hash, hash)
     VALUES (?, ?, ?, 'create', ?, 1, NULL, ?, NULL, ?, ?)`,
  );
  const head = db.prepare(`INSERT INTO meta (key, value) VALUES ('audit-head', ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`);

  const insertAll = db.transaction(() => {
    let seq = 0;
    for (const c of contracts) {
      const { lastInsertRowid } = asset.run(
        c.ref,
        c.domain,
        c.name,
        c.uid,
        c.digest,
        c.title,
        c.description,
        time,
        actor,
      );
      version.run(c.ref, c.digest, JSON.stringify(c.doc), time, actor);
      relation.run(c.ref, `domain:${c.domain}`);
      search.run(lastInsertRowid, ...c.search);
      seq += 1;
      audit.run(seq, time, actor, c.ref, c.digest, c.prevHash, c.hash);
    }
    head.run(JSON.stringify({ seq, hash: contracts[contracts.length - 1]?.hash }));
  });
  const start = performance.now();
  insertAll();
  const insertMs = performance.now() - start;
  const count = (db.prepare('SELECT count(*) AS n FROM search_fts').get() as { n: number }).n;
  db.close();
  if (count !== contracts.length) throw new Error('the raw insert lost search rows');
  return { prepareMs, insertMs, contracts: contracts.length };
}
