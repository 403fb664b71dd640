/**
 * The request log of the real `charter serve`: one line per request, written when its response
 * completes, naming method, URL (the query only under /api/), status, response time and actor and
 * never a credential; written
 * asynchronously, and flushed when the server stops cleanly, so the last request's line is there.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { createPlatform } from '../src/server/platform.js';
import { openStore } from '../src/store/open-store.js';
import { bin, charterAsync } from './support/cli.js';
import { tokenSecret } from './support/tokens.js';

const ORG = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal], dataOffice: [user:ada]}
---
apiVersion: charter/v1
kind: User
metadata: {name: ada}
spec: {}
`;

interface Line {
  msg: string;
  level: number;
  method?: string;
  url?: string;
  status?: number;
  ms?: number;
  actor?: string;
}

describe('the request log of charter serve', () => {
  let home: string;
  let token: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'charter-log-'));
    const store = await openStore({ home });
    const platform = createPlatform(store, { actor: 'user:ada' });
    expect((await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: ORG }]))).applied).toBe(
      true,
    );
    token = (
      await platform.access.tokens.create({
        principal: 'user:ada',
        name: 'log',
        expiresAt: null,
        actor: 'user:ada',
      })
    ).token;
    await store.close();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`writes one line per request, and the last one is in the file after ${signal}`, async () => {
      const logFile = join(home, `server-${signal}.log`);
      const fd = openSync(logFile, 'w');
      const env: NodeJS.ProcessEnv = { ...process.env, CHARTER_QUALITY_SCHEDULER: 'off' };
      for (const key of ['CHARTER_DATABASE_URL', 'CHARTER_HOME', 'CHARTER_SERVER', 'CHARTER_LOG_LEVEL'])
        delete env[key];
      const child = spawn(process.execPath, [bin, '--home', home, 'serve', '--port', '0'], {
        env,
        stdio: ['ignore', fd, 'pipe'],
      });
      closeSync(fd);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stderr?.on('data', (d: Buffer) => {
          seen += d.toString();
          const m = seen.match(/at (http:\/\/localhost:\d+)/);
          if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
        });
        void exited.then(() => reject(new Error(`charter serve exited before it listened:\n${seen}`)));
      });

      const auth = { authorization: `Bearer ${token}` };
      const requests: [string, Record<string, string>, number][] = [
        ['/healthz', {}, 200],
        ['/api/v1/assets/user%3Aada', auth, 200],
        ['/api/v1/assets/user%3Aada', auth, 200],
        ['/api/v1/audit?limit=1', { authorization: 'Bearer chtr_000000000000_not-a-real-secret' }, 401],
      ];
      for (let i = 0; i < 40; i++) requests.push([`/api/v1/search?q=ada&n=${i}`, auth, 200]);
      // The web UI's sign-in callback, as the issuer redirects a browser to it.
      const callback = '/sign-in/callback?code=zq-authorization-code&state=s1';
      const callbackStatus = (await fetch(`${url}${callback}`)).status;
      for (const [path, headers, status] of requests)
        expect((await fetch(`${url}${path}`, { headers })).status).toBe(status);

      child.kill(signal);
      expect(await exited).toBe(0);
      const text = readFileSync(logFile, 'utf8');
      const lines = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
      const logged = lines.filter((l) => l.msg === 'request');
      expect(logged.map((l) => [l.url, l.status])).toEqual([
        ['/sign-in/callback', callbackStatus],
        ...requests.map(([path, , status]) => [path, status]),
      ]);
      expect(logged.at(-1)).toMatchObject({ method: 'GET', url: '/api/v1/search?q=ada&n=39', status: 200 });
      expect(logged[2]).toMatchObject({ url: '/api/v1/assets/user%3Aada', actor: 'user:ada', status: 200 });
      expect(logged.every((l) => typeof l.ms === 'number' && l.ms >= 0)).toBe(true);
      expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
      expect(text).not.toContain(tokenSecret(token));
      expect(text).not.toContain('not-a-real-secret');
      expect(text).not.toContain('zq-authorization-code');
      expect(text.toLowerCase()).not.toContain('authorization');
    });
  }

  it('says which port is taken when another program listens on it, and exits 3', async () => {
    const other = createServer();
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const { port } = other.address() as AddressInfo;
    try {
      const r = await charterAsync(['--home', home, 'serve', '--port', String(port)]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `Error: Port ${port} on 127.0.0.1 is already in use (another Charter, or another program): stop it, or choose another port with --port`,
      );
      expect(r.stderr).not.toContain('something went wrong inside Charter');
    } finally {
      other.close();
    }
  });
});
