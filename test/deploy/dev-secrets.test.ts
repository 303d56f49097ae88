// deploy/dev-secrets.ts (the `dev-secrets` one-shot) writes what docker-compose.yml mounts, and the
// compose stack's parts accept each other with it: the simulators, started as processes with the
// compose environment (ports made free ones, container paths mapped to the generated files), reuse
// the read-only certificates without writing, present a certificate valid for their service names,
// and accept the worker's configuration — loaded by loadWorkerConfig from the compose environment —
// for a real OCCTO SOAP call per company (mutual TLS, login, password) and a real たくそう君 call.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config.js';
import { loadGatewayConfig } from '../../client/gateway/config.js';
import { createCaller } from '../../systems/occto/activities/caller.js';
import { createTransport as createOcctoTransport } from '../../systems/occto/activities/transport.js';
import { createTransport as createTakusouTransport } from '../../systems/kansai-takusou/activities/transport.js';
import { ROLES } from '../../client/gateway/api-keys.js';
import { createDevPki } from '../../simulators/shared/dev-pki.js';
import { devSecretFiles, ensureDevSecrets } from '../../deploy/dev-secrets.js';
import { startTs, type Proc } from '../support/processes.js';
import { hostEnv, type Ctx } from './compose-checks.js';
import { envOf, loadCompose, parseDockerfile, ROOT } from './deploy-model.js';

const compose = loadCompose();
const devEnv = envOf(compose.services['dev-secrets']!);
const companies = devEnv.DENKI_COMPANIES!.split(',');
const serverNames = devEnv.DEV_PKI_SERVER_NAMES!.split(',');

let dir: string;
let stateDir: string;
let ctx: Ctx;
const procs: Proc[] = [];

const mtimes = (d: string) => Object.fromEntries(readdirSync(d).filter((n) => statSync(join(d, n)).isFile()).map((n) => [n, statSync(join(d, n)).mtimeMs]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'denki-dev-secrets-'));
  stateDir = mkdtempSync(join(tmpdir(), 'denki-sim-state-'));
  ctx = { compose, stages: parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')), secretsDir: dir, loaders: {}, schemaKeys: {}, packageJson: {} };
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** A simulator service's environment for a process here: free ports, the generated PKI, a temporary state file. */
function simulatorEnv(service: string, prefix: string): Record<string, string> {
  const e = hostEnv(ctx, service);
  return { ...e, [`${prefix}PORT`]: '0', [`${prefix}ADMIN_PORT`]: '0', [`${prefix}STATE_FILE`]: join(stateDir, `${service}.json`), [`${prefix}LOG_LEVEL`]: 'warn' };
}

describe('dev secrets for the compose stack', () => {
  it('writes every file, with the modes the containers need, and a second run changes nothing', async () => {
    const first = await ensureDevSecrets({ dir, companies, serverNames });
    const files = devSecretFiles(dir, companies);
    expect(first.written).toEqual(expect.arrayContaining([files.postgresPassword, files.payloadKeys, files.apiKeysJson, files.apiKeysText, ...Object.values(files.occtoPasswords)]));
    for (const c of companies) expect(readFileSync(files.occtoPasswords[c]!, 'utf8').trim()).toBe(`dev-password-${c}`);
    expect(readFileSync(files.payloadKeys, 'utf8')).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=\n$/);
    const keyLines = readFileSync(files.apiKeysText, 'utf8').split('\n').filter((l) => /^[a-z-]+ dk_/.test(l));
    expect(keyLines.map((l) => l.split(' ')[0])).toEqual([...ROLES]);

    // Gateway: the API keys file holds the hashes of those keys, with their roles.
    const gateway = loadGatewayConfig(hostEnv(ctx, 'gateway'));
    for (const line of keyLines) {
      const [role, key] = line.split(' ') as [string, string];
      expect(gateway.apiKeys.authenticate(key)?.role).toBe(role);
    }
    expect(readFileSync(files.apiKeysJson, 'utf8')).not.toContain('dk_');

    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(files.pkiDir).mode & 0o777).toBe(0o755);
    expect(statSync(files.apiKeysText).mode & 0o777).toBe(0o600);
    for (const f of [files.postgresPassword, files.payloadKeys, files.apiKeysJson, join(files.pkiDir, 'server-key.pem'), join(files.pkiDir, `client-${companies[0]}-key.pem`)]) {
      expect(statSync(f).mode & 0o777).toBe(0o644);
    }

    const before = { top: mtimes(dir), pki: mtimes(files.pkiDir), text: readFileSync(files.payloadKeys, 'utf8') };
    const second = await ensureDevSecrets({ dir, companies, serverNames });
    expect(second.written).toEqual([]);
    expect({ top: mtimes(dir), pki: mtimes(files.pkiDir), text: readFileSync(files.payloadKeys, 'utf8') }).toEqual(before);
  });

  it('issues the simulators a certificate for their service names, which the simulators keep (their mount is read-only)', async () => {
    const pki = devSecretFiles(dir, companies).pkiDir;
    const server = new X509Certificate(readFileSync(join(pki, 'server.pem')));
    const ca = new X509Certificate(readFileSync(join(pki, 'ca.pem')));
    expect(server.verify(ca.publicKey)).toBe(true);
    for (const name of [...serverNames, 'localhost']) expect(server.checkHost(name)).toBe(name);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('gateway')).toBeUndefined();
    for (const c of companies) {
      const client = new X509Certificate(readFileSync(join(pki, `client-${c}.pem`)));
      expect(client.subject).toContain(`CN=${c}`);
      expect(client.verify(ca.publicKey)).toBe(true);
    }
    // What each simulator's start does with the directory: nothing to write.
    const before = mtimes(pki);
    await createDevPki({ companies: envOf(compose.services['occto-sim']!).OCCTO_SIM_COMPANIES!.split(','), dir: pki });
    const takusouPkiCompany = /const PKI_COMPANY = '(\d{5})'/.exec(readFileSync(join(ROOT, 'systems/kansai-takusou/simulator/main.ts'), 'utf8'))?.[1];
    expect(takusouPkiCompany).toMatch(/^\d{5}$/);
    await createDevPki({ companies: [takusouPkiCompany!], dir: pki });
    expect(mtimes(pki)).toEqual(before);
    // A certificate renewed by simulators/shared/dev-pki.ts (without the names) gets them back on the next run.
    rmSync(join(pki, 'server.pem'));
    rmSync(join(pki, 'server-key.pem'));
    const renewed = await ensureDevSecrets({ dir, companies, serverNames });
    expect(renewed.written.sort()).toEqual([join(pki, 'server-key.pem'), join(pki, 'server.pem')]);
    expect(new X509Certificate(readFileSync(join(pki, 'server.pem'))).checkHost('takusou-sim')).toBe('takusou-sim');
  });

  it("the simulators, run with the compose environment, accept the worker's configuration from the compose environment", async () => {
    const occto = startTs('systems/occto/simulator/main.ts', simulatorEnv('occto-sim', 'OCCTO_SIM_'));
    const takusou = startTs('systems/kansai-takusou/simulator/main.ts', simulatorEnv('takusou-sim', 'TAKUSOU_SIM_'));
    procs.push(occto, takusou);
    const pki = devSecretFiles(dir, companies).pkiDir;
    const before = mtimes(pki);
    const o = (await occto.firstJsonLine<{ occtoSimulator: { url: string; companies: string[] } }>()).occtoSimulator;
    const t = (await takusou.firstJsonLine<{ takusouSimulator: { url: string } }>()).takusouSimulator;
    expect(o.companies).toEqual(companies);
    expect(mtimes(pki)).toEqual(before);

    const config: WorkerConfig = loadWorkerConfig(hostEnv(ctx, 'worker'));
    expect(Object.keys(config.occto!.companies)).toEqual(companies);
    const occtoPort = new URL(o.url).port;
    const takusouPort = new URL(t.url).port;

    // TLS by service name, as the workers connect in compose (mutual TLS for OCCTO).
    for (const [port, name, creds] of [[occtoPort, 'occto-sim', config.occto!.companies[companies[0]!]!], [takusouPort, 'takusou-sim', { ca: config.takusou!.client.ca }]] as const) {
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: Number(port), servername: name, ...creds }, () => {
          resolve(s.authorized);
          s.end();
        });
        s.once('error', reject);
      });
      expect(authorized, name).toBe(true);
    }

    // One OCCTO call per company: client certificate, login ID and password accepted.
    const endpoint = new URL(config.occto!.endpoint);
    const transport = createOcctoTransport({ ...config.occto!, endpoint: `https://127.0.0.1:${occtoPort}${endpoint.pathname}` });
    const caller = createCaller(transport, pino({ level: 'silent' }));
    try {
      for (const company of companies) {
        const r = await caller.call('operatorList', { company, category: 'LV' }, {});
        expect(r.jigyosha.length, company).toBeGreaterThan(0);
      }
    } finally {
      await transport.close();
    }

    // たくそう君: the notice list through the worker's client configuration.
    const base = new URL(config.takusou!.client.baseUrl);
    const tk = createTakusouTransport({ ...config.takusou!.client, baseUrl: `https://127.0.0.1:${takusouPort}${base.pathname}` });
    try {
      const r = await tk.postJson('OshrsJohShtk', { kouriJigyoshaCode: companies[0] }, { company: companies[0]! });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toHaveProperty('oshirase');
    } finally {
      await tk.close();
    }
  });
});
