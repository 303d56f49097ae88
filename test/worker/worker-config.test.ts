// worker/config.ts: the worker's configuration from an explicit environment (never process.env here),
// with PEM files and secrets read from files, defaults filled, and problems named without values.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevPki, devPkiFiles, type DevPki } from '../../simulators/shared/dev-pki.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { loadCodecKeys } from '../../platform/codec-keys.js';
import { generateCodecKeySpec, parseCodecKeys } from '../../platform/payload-codec.js';
import { configError, type Env } from '../support/worker-config.js';

const COMPANY = '12346';
const PASSWORD = 'S3cret-Pass!word-42';
const LOGIN_ID = 'retailer-api-01';
const KEY_SPEC = generateCodecKeySpec('k1');
const KEY_MATERIAL = KEY_SPEC.slice(KEY_SPEC.indexOf(':') + 1);

let dir: string;
let pki: DevPki;
const files = devPkiFiles([COMPANY]);
const path = (name: string) => join(dir, name);
const pem = (name: string) => readFileSync(path(name), 'utf8').trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'worker-config-'));
  pki = await createDevPki({ companies: [COMPANY], dir });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A complete, valid environment: shared PEM files, login and password, one payload key. */
const validEnv = (): Env => ({
  DENKI_COMPANIES: COMPANY,
  OCCTO_ENDPOINT: 'https://occto.example.jp/soap',
  OCCTO_CERT_FILE: path(files.clients[COMPANY]!.cert),
  OCCTO_KEY_FILE: path(files.clients[COMPANY]!.key),
  OCCTO_CA_FILE: path(files.ca.cert),
  OCCTO_LOGIN_ID: LOGIN_ID,
  OCCTO_PASSWORD: PASSWORD,
  DENKI_PAYLOAD_KEYS: KEY_SPEC,
});

describe('loadWorkerConfig: a valid environment', () => {
  it('reads the PEM files and credentials and fills the defaults', () => {
    const c = loadWorkerConfig(validEnv());
    expect(c.temporal).toEqual({ address: 'localhost:7233', namespace: 'default' });
    expect(c.companies).toEqual([COMPANY]);
    expect(c.occtoRatePerSecond).toBe(0.97);
    expect(c.occtoMaxConcurrent).toBe(2);
    expect(c.logLevel).toBe('info');
    expect(c.workflowBundlePath).toBeUndefined();
    expect(c.occto!.endpoint).toBe('https://occto.example.jp/soap');
    expect(c.occto!.sourceIp).toBe('127.0.0.1');
    expect(c.occto!.timeoutMs).toBe(30_000);
    expect(c.occto!.minSpacingMs).toBe(1_000);
    expect(Object.keys(c.occto!.companies)).toEqual([COMPANY]);
    const creds = c.occto!.companies[COMPANY]!;
    expect(creds.cert).toBe(pki.clients[COMPANY]!.cert.trim());
    expect(creds.key).toBe(pki.clients[COMPANY]!.key.trim());
    expect(creds.ca).toBe(pki.ca.cert.trim());
    expect(creds.loginId).toBe(LOGIN_ID);
    expect(creds.password).toBe(PASSWORD);
    expect(c.codecKeys).toEqual(parseCodecKeys(KEY_SPEC));
    expect(c.codecKeys.activeKeyId).toBe('k1');
  });

  it('takes explicit values over the defaults', () => {
    const c = loadWorkerConfig({
      ...validEnv(),
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'denki-prod',
      OCCTO_SOURCE_IP: '203.0.113.5',
      OCCTO_TIMEOUT_MS: '5000',
      OCCTO_MIN_SPACING_MS: '0',
      OCCTO_RATE_PER_SECOND: '0.5',
      OCCTO_MAX_CONCURRENT: '4',
      LOG_LEVEL: 'debug',
      DENKI_WORKFLOW_BUNDLE: '/opt/denki/workflow-bundle.js',
    });
    expect(c.temporal).toEqual({ address: 'temporal.internal:7233', namespace: 'denki-prod' });
    expect(c.occto!.sourceIp).toBe('203.0.113.5');
    expect(c.occto!.timeoutMs).toBe(5_000);
    expect(c.occto!.minSpacingMs).toBe(0);
    expect(c.occtoRatePerSecond).toBe(0.5);
    expect(c.occtoMaxConcurrent).toBe(4);
    expect(c.logLevel).toBe('debug');
    expect(c.workflowBundlePath).toBe('/opt/denki/workflow-bundle.js');
  });

  it('treats empty numeric variables as unset', () => {
    const c = loadWorkerConfig({ ...validEnv(), OCCTO_TIMEOUT_MS: '', OCCTO_MIN_SPACING_MS: '', OCCTO_RATE_PER_SECOND: '', OCCTO_MAX_CONCURRENT: '' });
    expect([c.occto!.timeoutMs, c.occto!.minSpacingMs, c.occtoRatePerSecond, c.occtoMaxConcurrent]).toEqual([30_000, 1_000, 0.97, 2]);
  });

  it('leaves the CA out when no CA file is given (system trust store)', () => {
    const { OCCTO_CA_FILE: _ca, ...env } = validEnv();
    expect(loadWorkerConfig(env).occto!.companies[COMPANY]!.ca).toBeUndefined();
  });

  it('splits and trims the company list', () => {
    const c = loadWorkerConfig({ ...validEnv(), DENKI_COMPANIES: ` ${COMPANY} , 23457,` });
    expect(c.companies).toEqual([COMPANY, '23457']);
    expect(Object.keys(c.occto!.companies).sort()).toEqual([COMPANY, '23457']);
  });

  it('polls every queue group unless WORKER_QUEUES names some (scale-out)', () => {
    expect(loadWorkerConfig(validEnv()).queues).toBeUndefined();
    expect(loadWorkerConfig({ ...validEnv(), WORKER_QUEUES: ' occto , certificates' }).queues).toEqual(['occto', 'certificates']);
    expect(() => loadWorkerConfig({ ...validEnv(), WORKER_QUEUES: 'workflows,occto-fast' })).toThrow(/WORKER_QUEUES must list some of workflows, occto, .*\(got 'occto-fast'\)/);
  });

  it('accepts PEM strings given directly instead of files', () => {
    const { OCCTO_CERT_FILE: _c, OCCTO_KEY_FILE: _k, ...env } = validEnv();
    const c = loadWorkerConfig({ ...env, OCCTO_CERT: pki.clients[COMPANY]!.cert, OCCTO_KEY: pki.clients[COMPANY]!.key });
    expect(c.occto!.companies[COMPANY]!.cert).toBe(pki.clients[COMPANY]!.cert);
  });
});

describe('loadWorkerConfig: per-company settings and secrets from files', () => {
  it('lets OCCTO_<code>_* win over the shared settings; other companies use the shared ones', () => {
    const other = '23457';
    const c = loadWorkerConfig({
      ...validEnv(),
      DENKI_COMPANIES: `${COMPANY},${other}`,
      // Shared: the expired pair; company 12346 has its own, valid pair and credentials.
      OCCTO_CERT_FILE: path(files.expiredClient.cert),
      OCCTO_KEY_FILE: path(files.expiredClient.key),
      [`OCCTO_${COMPANY}_CERT_FILE`]: path(files.clients[COMPANY]!.cert),
      [`OCCTO_${COMPANY}_KEY_FILE`]: path(files.clients[COMPANY]!.key),
      [`OCCTO_${COMPANY}_LOGIN_ID`]: 'own-login',
      [`OCCTO_${COMPANY}_PASSWORD`]: 'own-password',
    });
    const own = c.occto!.companies[COMPANY]!;
    expect(own.cert).toBe(pem(files.clients[COMPANY]!.cert));
    expect(own.key).toBe(pem(files.clients[COMPANY]!.key));
    expect(own.loginId).toBe('own-login');
    expect(own.password).toBe('own-password');
    const shared = c.occto!.companies[other]!;
    expect(shared.cert).toBe(pem(files.expiredClient.cert));
    expect(shared.key).toBe(pem(files.expiredClient.key));
    expect(shared.loginId).toBe(LOGIN_ID);
    expect(shared.password).toBe(PASSWORD);
    expect(own.cert).not.toBe(shared.cert);
    // The CA is shared by every company.
    expect(own.ca).toBe(shared.ca);
  });

  it('reads *_FILE secrets from files, trimming the trailing newline', () => {
    writeFileSync(path('password.txt'), `${PASSWORD}\n`, { mode: 0o600 });
    writeFileSync(path('login.txt'), `${LOGIN_ID}\n`);
    writeFileSync(path('company-password.txt'), 'company-secret\n', { mode: 0o600 });
    writeFileSync(path('payload-keys.txt'), `${KEY_SPEC}\n`, { mode: 0o600 });
    const { OCCTO_PASSWORD: _p, OCCTO_LOGIN_ID: _l, DENKI_PAYLOAD_KEYS: _k, ...env } = validEnv();
    const c = loadWorkerConfig({
      ...env,
      DENKI_COMPANIES: `${COMPANY},23457`,
      OCCTO_PASSWORD_FILE: path('password.txt'),
      OCCTO_LOGIN_ID_FILE: path('login.txt'),
      [`OCCTO_${COMPANY}_PASSWORD_FILE`]: path('company-password.txt'),
      DENKI_PAYLOAD_KEYS_FILE: path('payload-keys.txt'),
    });
    expect(c.occto!.companies[COMPANY]!.password).toBe('company-secret');
    expect(c.occto!.companies['23457']!.password).toBe(PASSWORD);
    expect(c.occto!.companies[COMPANY]!.loginId).toBe(LOGIN_ID);
    expect(c.codecKeys).toEqual(parseCodecKeys(KEY_SPEC));
  });

  it('prefers a variable to its *_FILE, and reads the file when the variable is empty', () => {
    writeFileSync(path('file-password.txt'), 'from-file');
    expect(loadWorkerConfig({ ...validEnv(), OCCTO_PASSWORD_FILE: path('file-password.txt') }).occto!.companies[COMPANY]!.password).toBe(PASSWORD);
    expect(
      loadWorkerConfig({ ...validEnv(), OCCTO_PASSWORD: '', OCCTO_PASSWORD_FILE: path('file-password.txt') }).occto!.companies[COMPANY]!.password,
    ).toBe('from-file');
  });
});

describe('loadWorkerConfig: refusals', () => {
  it('names a missing DENKI_COMPANIES and a missing OCCTO_ENDPOINT together', () => {
    const { DENKI_COMPANIES: _d, OCCTO_ENDPOINT: _e, ...env } = validEnv();
    const message = configError(env);
    expect(message).toMatch(/^invalid worker configuration: /);
    expect(message).toContain('DENKI_COMPANIES is required');
    expect(message).toContain('OCCTO_ENDPOINT (the https:// URL of the OCCTO SOAP service) or TAKUSOU_BASE_URL is required');
  });

  it('refuses an empty company list', () => {
    expect(configError({ ...validEnv(), DENKI_COMPANIES: ' , ' })).toContain('DENKI_COMPANIES must list at least one 事業者コード');
  });

  it('names every malformed variable in one error', () => {
    const message = configError({
      ...validEnv(),
      DENKI_COMPANIES: `${COMPANY},1234X,123`,
      OCCTO_RATE_PER_SECOND: 'fast',
      OCCTO_TIMEOUT_MS: '0',
      OCCTO_MIN_SPACING_MS: '-1',
      OCCTO_MAX_CONCURRENT: '1.5',
      LOG_LEVEL: 'loud',
    });
    expect(message).toContain("DENKI_COMPANIES entry '1234X' must contain only ASCII digits");
    expect(message).toContain("DENKI_COMPANIES entry '123' must be exactly 5 digits (got 3)");
    expect(message).toContain("OCCTO_RATE_PER_SECOND must be a number of requests per second in (0, 100] (got 'fast')");
    expect(message).toContain("OCCTO_TIMEOUT_MS must be a positive integer of milliseconds (got '0')");
    expect(message).toContain("OCCTO_MIN_SPACING_MS must be a non-negative integer of milliseconds (got '-1')");
    expect(message).toContain("OCCTO_MAX_CONCURRENT must be an integer ≥ 1 (got '1.5')");
    expect(message).toContain('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent');
    expect(message).not.toContain(PASSWORD);
  });

  it.each([['0'], ['-0.5'], ['101'], ['Infinity'], ['NaN']])('refuses OCCTO_RATE_PER_SECOND=%s', (rate) => {
    expect(configError({ ...validEnv(), OCCTO_RATE_PER_SECOND: rate })).toContain('OCCTO_RATE_PER_SECOND must be a number of requests per second in (0, 100]');
  });

  it('names every missing or unreadable file and secret in one error', () => {
    const { OCCTO_PASSWORD: _p, OCCTO_LOGIN_ID: _l, OCCTO_KEY_FILE: _k, DENKI_PAYLOAD_KEYS: _d, ...env } = validEnv();
    const missingCert = path('no-such-dir/cert.pem');
    const message = configError({ ...env, OCCTO_CERT_FILE: missingCert });
    expect(message).toMatch(/^invalid worker configuration: /);
    expect(message).toContain(`OCCTO_CERT_FILE: cannot read '${missingCert}' (ENOENT)`);
    expect(message).toContain(`OCCTO_${COMPANY}_CERT_FILE or OCCTO_CERT_FILE is required (PEM file of the client certificate for ${COMPANY})`);
    expect(message).toContain(`OCCTO_${COMPANY}_KEY_FILE or OCCTO_KEY_FILE is required (PEM file of the private key for ${COMPANY})`);
    expect(message).toContain(`OCCTO_${COMPANY}_LOGIN_ID or OCCTO_LOGIN_ID is required`);
    expect(message).toContain(`OCCTO_${COMPANY}_PASSWORD(_FILE) or OCCTO_PASSWORD(_FILE) is required`);
    expect(message).toContain('DENKI_PAYLOAD_KEYS (or DENKI_PAYLOAD_KEYS_FILE) is required');
  });

  it('names an unreadable per-company file even when the shared one is readable', () => {
    const bad = path('missing-company-cert.pem');
    expect(configError({ ...validEnv(), [`OCCTO_${COMPANY}_CERT_FILE`]: bad })).toContain(`OCCTO_${COMPANY}_CERT_FILE: cannot read '${bad}' (ENOENT)`);
  });

  it('refuses a file that is not the expected PEM, without echoing its content', () => {
    const keyPem = pem(files.clients[COMPANY]!.key);
    const message = configError({ ...validEnv(), OCCTO_CERT_FILE: path(files.clients[COMPANY]!.key) });
    expect(message).toContain('cert must be a PEM client certificate');
    expect(message).not.toContain('PRIVATE KEY');
    expect(message).not.toContain(keyPem.split('\n')[1]!);
  });

  it('refuses a non-https endpoint and a bad source IP', () => {
    const message = configError({ ...validEnv(), OCCTO_ENDPOINT: 'http://occto.example.jp/soap', OCCTO_SOURCE_IP: 'not-an-ip' });
    expect(message).toContain('endpoint must be an https:// URL');
    expect(message).toContain('sourceIp must be an IPv4 or IPv6 address');
  });

  it('never puts the password or key material in its messages', () => {
    const longPassword = `${PASSWORD}-${'x'.repeat(64)}`; // too long: refused by the OCCTO client config
    const cases: Env[] = [
      { ...validEnv(), LOG_LEVEL: 'loud', OCCTO_RATE_PER_SECOND: 'fast' },
      { ...validEnv(), OCCTO_LOGIN_ID: undefined, OCCTO_CERT_FILE: path('nope.pem') },
      { ...validEnv(), OCCTO_PASSWORD: longPassword },
      { ...validEnv(), DENKI_PAYLOAD_KEYS: KEY_MATERIAL }, // the key without its "id:"
      { ...validEnv(), OCCTO_ENDPOINT: 'ftp://x', OCCTO_SOURCE_IP: '999.1.1.1' },
    ];
    for (const env of cases) {
      const message = configError(env);
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain(KEY_MATERIAL);
      expect(message).not.toContain('-----BEGIN');
    }
  });
});

describe('loadCodecKeys', () => {
  const k2 = generateCodecKeySpec('k2');

  it('parses DENKI_PAYLOAD_KEYS; the last key is active', () => {
    const keys = loadCodecKeys({ DENKI_PAYLOAD_KEYS: `${KEY_SPEC},${k2}` });
    expect(Object.keys(keys.keys)).toEqual(['k1', 'k2']);
    expect(keys.activeKeyId).toBe('k2');
  });

  it('takes DENKI_PAYLOAD_ACTIVE_KEY; an empty one is ignored', () => {
    expect(loadCodecKeys({ DENKI_PAYLOAD_KEYS: `${KEY_SPEC},${k2}`, DENKI_PAYLOAD_ACTIVE_KEY: 'k1' }).activeKeyId).toBe('k1');
    expect(loadCodecKeys({ DENKI_PAYLOAD_KEYS: `${KEY_SPEC},${k2}`, DENKI_PAYLOAD_ACTIVE_KEY: '' }).activeKeyId).toBe('k2');
  });

  it('reads DENKI_PAYLOAD_KEYS_FILE', () => {
    writeFileSync(path('keys-file.txt'), `${KEY_SPEC},${k2}\n`, { mode: 0o600 });
    expect(loadCodecKeys({ DENKI_PAYLOAD_KEYS_FILE: path('keys-file.txt') })).toEqual(parseCodecKeys(`${KEY_SPEC},${k2}`));
  });

  it('names an unreadable key file', () => {
    const missing = path('no-keys.txt');
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS_FILE: missing })).toThrow(`DENKI_PAYLOAD_KEYS_FILE: cannot read '${missing}' (ENOENT)`);
  });

  it('requires keys', () => {
    expect(() => loadCodecKeys({})).toThrow('DENKI_PAYLOAD_KEYS (or DENKI_PAYLOAD_KEYS_FILE) is required');
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS: '' })).toThrow('DENKI_PAYLOAD_KEYS (or DENKI_PAYLOAD_KEYS_FILE) is required');
  });

  it('refuses a malformed spec without echoing it', () => {
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS: KEY_MATERIAL })).toThrow('payload keys must be "keyId:base64Key" pairs separated by commas');
    try {
      loadCodecKeys({ DENKI_PAYLOAD_KEYS: KEY_MATERIAL });
    } catch (e) {
      expect((e as Error).message).not.toContain(KEY_MATERIAL);
    }
  });
});

describe('loadWorkerConfig: every problem in one pass', () => {
  it('names bad values, unreadable files, a missing password and a bad endpoint together', () => {
    const env = validEnv();
    const msg = configError({
      ...env,
      DENKI_COMPANIES: `${COMPANY},1234X`,
      OCCTO_RATE_PER_SECOND: 'fast',
      LOG_LEVEL: 'loud',
      OCCTO_CERT_FILE: '/nonexistent/cert.pem',
      OCCTO_PASSWORD: undefined,
      OCCTO_ENDPOINT: 'http://occto.example.jp/soap',
    });
    expect(msg).toContain("DENKI_COMPANIES entry '1234X'");
    expect(msg).toContain('OCCTO_RATE_PER_SECOND must be a number');
    expect(msg).toContain('LOG_LEVEL must be one of');
    expect(msg).toContain("OCCTO_CERT_FILE: cannot read '/nonexistent/cert.pem'");
    expect(msg).toContain(`OCCTO_${COMPANY}_PASSWORD(_FILE) or OCCTO_PASSWORD(_FILE) is required`);
    expect(msg).toContain('OCCTO_ENDPOINT: endpoint must be an https:// URL');
  });
});

describe('loadCodecKeys: keys are checked at load time', () => {
  it('refuses a key that is not 32 bytes and an unknown active key, naming the variables', () => {
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS: 'k1:c2hvcnQ=' })).toThrow(/DENKI_PAYLOAD_KEYS.*key 'k1' must be 32 bytes/);
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS: KEY_SPEC, DENKI_PAYLOAD_ACTIVE_KEY: 'zz' })).toThrow(/DENKI_PAYLOAD_ACTIVE_KEY.*active key 'zz'/);
    expect(() => loadWorkerConfig({ ...validEnv(), DENKI_PAYLOAD_KEYS: 'k1:c2hvcnQ=' })).toThrow(/DENKI_PAYLOAD_KEYS/);
  });

  it('refuses the same key ID twice', () => {
    expect(() => loadCodecKeys({ DENKI_PAYLOAD_KEYS: `${KEY_SPEC},${KEY_SPEC}` })).toThrow(/appears twice/);
  });
});

describe('loadWorkerConfig: たくそう君 only', () => {
  it('runs without OCCTO when only TAKUSOU_BASE_URL is set, with the concurrency share', () => {
    const c = loadWorkerConfig({
      DENKI_COMPANIES: COMPANY,
      TAKUSOU_BASE_URL: 'https://127.0.0.1:9443/api/low-takusou/',
      TAKUSOU_CA_FILE: path(files.ca.cert),
      TAKUSOU_CONCURRENCY_SHARE: '4',
      DENKI_PAYLOAD_KEYS: KEY_SPEC,
    });
    expect(c.occto).toBeUndefined();
    expect(c.takusou?.concurrencyShare).toBe(4);
    expect(c.takusou?.client.baseUrl).toBe('https://127.0.0.1:9443/api/low-takusou/');
    expect(configError({ DENKI_COMPANIES: COMPANY, TAKUSOU_BASE_URL: 'https://x/api/low-takusou/', TAKUSOU_CONCURRENCY_SHARE: '9', DENKI_PAYLOAD_KEYS: KEY_SPEC })).toContain(
      'TAKUSOU_CONCURRENCY_SHARE must be an integer 1–8',
    );
  });
});
