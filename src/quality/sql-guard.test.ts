import { describe, expect, it } from 'vitest';
import { readOnlyProblem, resolvePlaceholders, rowFilterProblem, tokenize } from './sql-guard.js';

describe('readOnlyProblem', () => {
  it.each([
    'SELECT COUNT(*) FROM "orders" WHERE amount <= 0',
    'select count(*) from orders;',
    'WITH d AS (SELECT order_id FROM orders) SELECT COUNT(*) FROM d',
    '(SELECT 1)',
    // The datacontract-cli fixtures' dialect-specific rules must pass.
    'SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY field_two) AS percentile_95 FROM my_table',
    `SELECT MAX(duration) AS max_duration FROM (
       SELECT EXTRACT(EPOCH FROM (field_three - LAG(field_three) OVER (ORDER BY field_three))) AS duration
       FROM my_table) subquery;`,
    "SELECT count(*) FROM orders WHERE NOT list_contains(tags, 'pii')",
    'SELECT count(*) FROM orders QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY order_timestamp) > 1',
    'SELECT quantile_cont(order_total, 0.95) AS percentile_95 FROM orders',
    // Keywords inside strings, quoted identifiers and comments do not count.
    `SELECT COUNT(*) FROM orders WHERE note = 'please delete; drop table x' -- insert into y
     /* update z */`,
    'SELECT COUNT(*) FROM orders WHERE "delete" = 1',
    'SELECT COUNT(*) FROM orders WHERE s = $$ copy; attach $$',
    "SELECT extract(epoch FROM '2024-01-01'::timestamp)",
    "SELECT substring(name FROM '^[A-Z]') FROM orders",
    'SELECT * REPLACE (lower(name) AS name) FROM orders',
  ])('accepts %s', (sql) => {
    expect(readOnlyProblem(sql)).toBeUndefined();
  });

  it.each([
    ['SELECT 1; DROP TABLE orders', /several statements/],
    ['SELECT 1;; SELECT 2', /several statements/],
    ['DELETE FROM orders', /starts with 'delete'/],
    ['UPDATE orders SET a = 1', /starts with 'update'/],
    ['INSERT INTO orders VALUES (1)', /starts with 'insert'/],
    ["COPY orders TO '/tmp/x.csv'", /starts with 'copy'/],
    ["ATTACH '/tmp/x.db' AS x", /starts with 'attach'/],
    ['PRAGMA table_info(orders)', /starts with 'pragma'/],
    ['CREATE TABLE x AS SELECT 1', /starts with 'create'/],
    ['WITH d AS (DELETE FROM orders RETURNING *) SELECT COUNT(*) FROM d', /uses DELETE/],
    ['SELECT * INTO backup FROM orders', /uses INTO/],
    ['SELECT * FROM orders FOR UPDATE', /uses UPDATE/],
    ["SELECT COUNT(*) FROM read_csv('/etc/passwd')", /calls read_csv\(\)/],
    ["SELECT COUNT(*) FROM parquet_scan('/data/other.parquet')", /calls parquet_scan\(\)/],
    ["SELECT COUNT(*) FROM '/data/other.parquet'", /reads the file/],
    ["SELECT COUNT(*) FROM orders, '/data/other.csv'", /reads the file/],
    ["SELECT COUNT(*) FROM orders JOIN 'x.csv' USING (id)", /reads the file/],
    ["SELECT pg_read_file('/etc/passwd')", /pg_read_file/],
    ["SELECT getenv('CHARTER_SECRET_X_PASSWORD')", /getenv/],
    ["SELECT current_setting('password')", /current_setting/],
    ["SELECT * FROM query('DROP TABLE x')", /query\(\)/],
    ["SELECT load_extension('x')", /load_extension/],
    ["SELECT nextval('seq')", /nextval/],
    ["SELECT 1 FROM pragma_table_info('x')", /pragma_table_info/],
    ["SELECT 'unterminated", /not closed/],
    ['/* open comment SELECT 1', /not closed/],
    ['', /empty/],
  ])('refuses %s', (sql, reason) => {
    expect(readOnlyProblem(sql)).toMatch(reason);
  });

  it("allows read_*() and FROM '…' of the dataset's own file only", () => {
    const allowedPaths = ['data/orders.csv'];
    expect(
      readOnlyProblem("SELECT COUNT(*) FROM read_csv('data/orders.csv')", { allowedPaths }),
    ).toBeUndefined();
    expect(readOnlyProblem("SELECT COUNT(*) FROM 'data/orders.csv'", { allowedPaths })).toBeUndefined();
    expect(readOnlyProblem("SELECT COUNT(*) FROM read_csv('data/customers.csv')", { allowedPaths })).toMatch(
      /reads files/,
    );
  });
});

describe('tokenize', () => {
  it('reads strings, quoted identifiers, dollar quotes and numbers', () => {
    const tokens = tokenize(`SELECT 'it''s', "a""b", $t$x$t$, 1.5e3, E'\\n' -- c`);
    expect(tokens.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'select'],
      ['string', "it's"],
      ['punct', ','],
      ['quoted', 'a"b'],
      ['punct', ','],
      ['string', 'x'],
      ['punct', ','],
      ['number', '1.5e3'],
      ['punct', ','],
      ['string', 'n'],
    ]);
  });
});

describe('resolvePlaceholders', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an ODCS placeholder, not a template
  it('resolves {object} and ${object} and their synonyms', () => {
    const r = resolvePlaceholders(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ODCS placeholder, not a template
      'SELECT COUNT(*) FROM ${schema}.{table} WHERE {column} IS NULL AND {model} = ${object}',
      {
        schema: '"public"',
        table: '"t"',
        model: '"t"',
        object: '"t"',
        column: '"c"',
      },
    );
    expect(r).toEqual({ sql: 'SELECT COUNT(*) FROM "public"."t" WHERE "c" IS NULL AND "t" = "t"' });
  });

  it('names a placeholder that has no value', () => {
    expect(resolvePlaceholders('SELECT {column} FROM {table}', { table: 't' })).toEqual({
      missing: 'column',
    });
  });

  it('leaves other braces alone', () => {
    expect(resolvePlaceholders("SELECT '{unknown}' FROM {table}", { table: 't' })).toEqual({
      sql: "SELECT '{unknown}' FROM t",
    });
  });
});

describe('rowFilterProblem', () => {
  it.each([
    'order_id <= 2',
    "created_at >= DATE '2024-01-01' AND (region = 'EU' OR region IS NULL)",
    "status IN ('paid', 'shipped')",
    '"select" = 1',
    "note = 'select * from x; drop table y'",
  ])('accepts the condition %s', (filter) => {
    expect(rowFilterProblem(filter)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['1 = 1; DROP TABLE orders', /";"/],
    ['1 = 1) UNION SELECT password FROM users WHERE (1 = 1', /closes a parenthesis/],
    ['(1 = 1', /parenthesis open/],
    ['id IN (SELECT id FROM other)', /uses SELECT/],
    ['EXISTS (SELECT 1)', /uses EXISTS/],
    ['1 = 1 -- and the rest', /comment/],
    ["x = getenv('HOME')", /calls getenv\(\)/],
    ["x IN (read_csv('/etc/passwd'))", /reads files/],
    ["'", /cannot be read/],
  ])('refuses %s', (filter, problem) => {
    expect(rowFilterProblem(filter)).toMatch(problem);
  });
});
