// platform/logging.ts: pino JSON logs with personal data and secrets redacted by key, and secrets
// (registered values and secret-shaped text) redacted by value wherever they occur in a line.
//
// createLogger() takes no destination and pino writes to fd 1 directly (sonic-boom), so the lines are
// captured by pointing the logger's stream (pino.symbols.streamSym, part of pino's public `symbols`)
// at an in-memory Writable. Everything else — level, name, redact paths, censor — is createLogger's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDevPki, devPkiFiles } from '../../simulators/shared/dev-pki.js';
import { loadWorkerConfig } from '../../worker/config.js';
import { generateCodecKeySpec } from '../../platform/payload-codec.js';
import {
  PinoTemporalLogger,
  REDACTED_KEYS,
  clearSecrets,
  createLogger,
  isRedactedKey,
  redactText,
  registerSecrets,
} from '../../platform/logging.js';
import { workerSecrets } from '../../worker/secrets.js';

type Line = Record<string, unknown>;

/** A logger from createLogger whose output is collected as parsed JSON lines. */
function capturedLogger(level = 'trace', name?: string): { logger: pino.Logger; lines: Line[]; raw: string[] } {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      raw.push(String(chunk));
      callback();
    },
  });
  const logger = name === undefined ? createLogger(level) : createLogger(level, name);
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = sink;
  const lines: Line[] = [];
  return {
    logger,
    raw,
    get lines() {
      lines.length = 0;
      for (const chunk of raw) for (const l of chunk.split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      return lines;
    },
  };
}

const REDACTED = '[redacted]';
/** One distinct, recognisable secret value per redacted key. */
const secretFor = (key: string) => `SECRET-${key}-値`;
const allSecrets = () => Object.fromEntries(REDACTED_KEYS.map((k) => [k, secretFor(k)]));

describe('REDACTED_KEYS', () => {
  it('covers the customer data, the OCCTO wire names of personal data, and credentials', () => {
    for (const key of [
      'customer', 'kana', 'address', 'phone',
      'juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho', 'juyoshaDenwa',
      'password', 'passphrase', 'loginId', 'loginID', 'key', 'cert', 'pfx', 'authorization', 'apiKey',
      'shokaiPassword', 'relayDetails',
      'customerName', 'email', 'mail', 'site', 'changes', 'juyoBashoJusho', 'kojitenDenwa', 'tatemonoMei', 'renrakuJiko',
      'privateKey', 'cookie', 'set-cookie', 'x-api-key', 'token', 'keys', 'codecKeys', 'DENKI_PAYLOAD_KEYS',
    ]) {
      expect(REDACTED_KEYS, key).toContain(key);
    }
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the given name and level', () => {
    const c = capturedLogger('warn', 'denki-flow-test');
    c.logger.info('dropped');
    c.logger.warn({ company: '12346' }, 'kept');
    expect(c.logger.level).toBe('warn');
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatchObject({ name: 'denki-flow-test', level: 40, msg: 'kept', company: '12346' });
  });

  it("is named 'denki-flow' by default", () => {
    const c = capturedLogger('info');
    c.logger.info('x');
    expect(c.lines[0]?.name).toBe('denki-flow');
  });

  it('redacts every listed key at the top level, and keeps the other fields', () => {
    const c = capturedLogger();
    c.logger.info({ ...allSecrets(), company: '12346', supplyPointId: '0612345678901234567890', stage: 'SUBMITTED' }, 'top');
    const line = c.lines[0]!;
    for (const key of REDACTED_KEYS) expect(line[key], key).toBe(REDACTED);
    expect(line).toMatchObject({ company: '12346', supplyPointId: '0612345678901234567890', stage: 'SUBMITTED', msg: 'top' });
    for (const key of REDACTED_KEYS) expect(c.raw.join(''), key).not.toContain(secretFor(key));
  });

  it('redacts every listed key one level down', () => {
    const c = capturedLogger();
    c.logger.info({ input: { ...allSecrets(), category: 'LV' } }, 'nested');
    const input = c.lines[0]!.input as Line;
    for (const key of REDACTED_KEYS) expect(input[key], key).toBe(REDACTED);
    expect(input.category).toBe('LV');
    for (const key of REDACTED_KEYS) expect(c.raw.join(''), key).not.toContain(secretFor(key));
  });

  it('redacts every listed key two levels down', () => {
    const c = capturedLogger();
    c.logger.info({ activity: { request: { ...allSecrets(), serviceID: 'X01' } } }, 'deeper');
    const request = (c.lines[0]!.activity as Line).request as Line;
    for (const key of REDACTED_KEYS) expect(request[key], key).toBe(REDACTED);
    expect(request.serviceID).toBe('X01');
    for (const key of REDACTED_KEYS) expect(c.raw.join(''), key).not.toContain(secretFor(key));
  });

  it('redacts a whole customer object, not only its fields', () => {
    const c = capturedLogger();
    c.logger.info({ input: { customer: { name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府', phone: '06-1234-5678' } } }, 'customer');
    expect((c.lines[0]!.input as Line).customer).toBe(REDACTED);
    for (const s of ['山田', 'ヤマダ', '大阪府', '06-1234-5678']) expect(c.raw.join('')).not.toContain(s);
  });

  it('redacts inside arrays of objects', () => {
    const c = capturedLogger();
    c.logger.info({ records: [{ juyoshaMei: '山田 太郎', moshikomiNo: 'A1' }, { juyoshaMei: '鈴木 花子', moshikomiNo: 'A2' }] }, 'array');
    expect(c.lines[0]!.records).toEqual([
      { juyoshaMei: REDACTED, moshikomiNo: 'A1' },
      { juyoshaMei: REDACTED, moshikomiNo: 'A2' },
    ]);
  });

  it('does not change the logged object', () => {
    const c = capturedLogger();
    const obj = { password: 'hunter2', nested: { customer: { name: '山田' } } };
    c.logger.info(obj, 'x');
    expect(obj).toEqual({ password: 'hunter2', nested: { customer: { name: '山田' } } });
    expect(c.lines[0]!.password).toBe(REDACTED);
  });

  it('keeps redacting in child loggers, bindings included', () => {
    const c = capturedLogger();
    const child = c.logger.child({ component: 'occto', company: '12346' });
    child.warn({ juyoshaJusho: '大阪府大阪市', meta: { loginID: 'login-1', password: 'pw-1' } }, 'child');
    const line = c.lines[0]!;
    expect(line).toMatchObject({ component: 'occto', company: '12346', juyoshaJusho: REDACTED, meta: { loginID: REDACTED, password: REDACTED } });
    for (const s of ['大阪府大阪市', 'login-1', 'pw-1']) expect(c.raw.join('')).not.toContain(s);
  });
});

describe('PinoTemporalLogger', () => {
  it('maps Temporal levels to pino levels and writes the message', () => {
    const c = capturedLogger('trace');
    const t = new PinoTemporalLogger(c.logger);
    t.trace('t');
    t.debug('d');
    t.info('i');
    t.warn('w');
    t.error('e');
    t.log('INFO', 'via log');
    expect(c.lines.map((l) => [l.level, l.msg])).toEqual([
      [10, 't'],
      [20, 'd'],
      [30, 'i'],
      [40, 'w'],
      [50, 'e'],
      [30, 'via log'],
    ]);
  });

  it('respects the level of the underlying logger', () => {
    const c = capturedLogger('warn');
    const t = new PinoTemporalLogger(c.logger);
    t.debug('no');
    t.info('no');
    t.warn('yes');
    expect(c.lines.map((l) => l.msg)).toEqual(['yes']);
  });

  it('redacts personal data in the metadata of SDK and workflow logs', () => {
    const c = capturedLogger('info');
    const t = new PinoTemporalLogger(c.logger);
    t.info('workflow event', {
      workflowId: 'switching-in/12346/0612345678901234567890',
      juyoshaMei: '山田 太郎',
      input: { customer: { name: '山田 太郎' }, supplyStartDate: '2026-04-01' },
      request: { body: { juyoshaDenwa: '06-1234-5678' } },
    });
    const line = c.lines[0]!;
    expect(line).toMatchObject({
      msg: 'workflow event',
      workflowId: 'switching-in/12346/0612345678901234567890',
      juyoshaMei: REDACTED,
      input: { customer: REDACTED, supplyStartDate: '2026-04-01' },
      request: { body: { juyoshaDenwa: REDACTED } },
    });
    expect(c.raw.join('')).not.toContain('山田');
    expect(c.raw.join('')).not.toContain('06-1234-5678');
  });

  it('writes a message without metadata', () => {
    const c = capturedLogger('info');
    new PinoTemporalLogger(c.logger).warn('plain');
    expect(c.lines[0]).toMatchObject({ level: 40, msg: 'plain' });
  });
});

describe('createLogger: redaction at any depth and in any letter case', () => {
  it('redacts an address three levels down and an Authorization header', () => {
    const lines: string[] = [];
    const logger = createLogger('info', 'deep', new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) as unknown as pino.DestinationStream);
    logger.info({ a: { b: { c: { address: '京都府京都市' } } }, headers: { Authorization: 'Bearer abc' }, list: [{ Phone: '06-1111-2222' }] }, 'm');
    const out = lines.join('');
    expect(out).not.toContain('京都府');
    expect(out).not.toContain('Bearer abc');
    expect(out).not.toContain('06-1111-2222');
    expect(out).toContain('"msg":"m"');
    expect(out).toContain('[redacted]');
  });
});

// ---------------------------------------------------------------------------------------------
// Every kind of personal data and secret, at any depth, and secrets inside messages
// ---------------------------------------------------------------------------------------------

const PEM_KEY = ['-----BEGIN PRIVATE KEY-----', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPRIVATEKEYPRIVATEKEY', 'hRANCAARPRIVATEKEYPRIVATEKEYPRIVATEKEYPRIVATEKEYPRIVATEKEYPRIVATEKEY', '-----END PRIVATE KEY-----'].join('\n');

/** Each kind of data the logs must never carry: [kind, the fields holding it, the recognisable values]. */
const KINDS: [string, Record<string, unknown>, string[]][] = [
  ['names', { customer: { name: '山田 太郎' }, customerName: '鈴木 一郎', juyoshaMei: '佐藤 花子', kojitenMei: '高橋電気工事', tatemonoMei: 'メゾン中之島' }, ['山田', '鈴木', '佐藤', '高橋電気', 'メゾン']],
  ['kana', { kana: 'ヤマダ タロウ', juyoshaMeiKana: 'サトウ ハナコ' }, ['ヤマダ', 'サトウ']],
  ['addresses', { address: '京都府京都市下京区', juyoshaJusho: '大阪府大阪市北区', juyoBashoJusho: '兵庫県神戸市', secchiBasho: '奈良県奈良市' }, ['京都府', '大阪府', '兵庫県', '奈良県']],
  ['phone numbers', { phone: '06-1111-2222', Tel: '075-333-4444', juyoshaDenwa: '0312345678', kojitenDenwa: '090-5555-6666' }, ['1111-2222', '333-4444', '0312345678', '5555-6666']],
  ['e-mail addresses', { email: 'hanako@example.jp', mail: 'taro@example.co.jp', mailAddress: 'ichiro@example.com' }, ['hanako@', 'taro@', 'ichiro@']],
  ['relay details', { relayDetails: { relayNo: 'R1', customer: { name: '伊藤 次郎' } } }, ['伊藤']],
  ['customer records', { records: [{ company: '12346', status: 'ACTIVE', customer: { name: '渡辺 三郎', kana: 'ワタナベ', address: '滋賀県', phone: '077-111-2222' } }] }, ['渡辺', 'ワタナベ', '滋賀県', '111-2222']],
  ['construction sites and customer changes', { site: { customerName: '中村 四郎', address: '和歌山県' }, changes: { name: '小林 五郎' } }, ['中村', '和歌山県', '小林']],
  ['passwords', { password: 'pw-Alpha-1', Passphrase: 'pw-Bravo-2', shokaiPassword: 'pw-Charlie-3', OCCTO_12346_PASSWORD: 'pw-Delta-4' }, ['pw-Alpha-1', 'pw-Bravo-2', 'pw-Charlie-3', 'pw-Delta-4']],
  ['login IDs', { loginID: 'login-Echo-5', OCCTO_LOGIN_ID: 'login-Foxtrot-6' }, ['login-Echo-5', 'login-Foxtrot-6']],
  ['API keys', { apiKey: 'key-Golf-7', 'X-Api-Key': 'key-Hotel-8', sessionToken: 'tok-India-9' }, ['key-Golf-7', 'key-Hotel-8', 'tok-India-9']],
  ['private keys', { key: PEM_KEY, privateKey: 'pk-Juliet-10' }, ['PRIVATEKEYPRIVATEKEY', 'pk-Juliet-10']],
  ['payload keys', { DENKI_PAYLOAD_KEYS: 'k1:cGF5bG9hZC1LaWxvLTExAAAAAAAAAAAAAAAAAAAAAAA=', codecKeys: { activeKeyId: 'k1', keys: { k1: 'payload-Lima-12' } } }, ['cGF5bG9hZC1LaWxvLTEx', 'payload-Lima-12']],
  ['cookies', { cookie: 'session=cookie-Mike-13', 'Set-Cookie': 'session=cookie-November-14; HttpOnly' }, ['cookie-Mike-13', 'cookie-November-14']],
  ['authorization headers', { authorization: 'Bearer auth-Oscar-15', 'Proxy-Authorization': 'Basic auth-Papa-16' }, ['auth-Oscar-15', 'auth-Papa-16']],
];

/** `value` under `depth` levels of objects and one array. */
function nest(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = value;
  for (let i = 0; i < depth; i++) v = { [`level${i}`]: i === 1 ? [v] : v };
  return v;
}

describe('every kind of personal data and secret is redacted at any depth', () => {
  for (const [kind, fields, values] of KINDS) {
    it(kind, () => {
      const c = capturedLogger();
      for (const depth of [0, 1, 3, 7]) c.logger.info({ ...nest(fields, depth), supplyPointId: '0612345678901234567890' }, `${kind} at depth ${depth}`);
      c.logger.child(fields).info(`${kind} in bindings`);
      new PinoTemporalLogger(c.logger).warn(`${kind} in SDK metadata`, { activity: { input: fields } });
      const out = c.raw.join('');
      for (const v of values) expect(out, v).not.toContain(v);
      expect(c.lines).toHaveLength(6);
      expect(out).toContain('[redacted]');
      // What is not personal stays readable.
      expect(c.lines[0]).toMatchObject({ supplyPointId: '0612345678901234567890', msg: `${kind} at depth 0` });
    });
  }

  it('keeps ordinary business fields', () => {
    for (const key of ['company', 'category', 'supplyPointId', 'serviceID', 'requestID', 'stage', 'outcome', 'relayNo', 'applicationNo', 'activeKeyId', 'durationMs', 'spacedMs']) {
      expect(isRedactedKey(key), key).toBe(false);
    }
  });
});

describe('secrets and secret-shaped values inside messages', () => {
  afterEach(() => clearSecrets());

  it('replaces every registered secret wherever it occurs: message, error message, cause, stack, fields, bindings', () => {
    registerSecrets(['occto-login-42', 'Pa$$w0rd"with\\quotes', 'x', undefined, '']);
    const c = capturedLogger();
    c.logger.info('login occto-login-42 refused');
    c.logger.warn({ detail: 'sent occto-login-42 / Pa$$w0rd"with\\quotes' }, 'free text');
    const err = new Error('auth failed for occto-login-42', { cause: new Error('password Pa$$w0rd"with\\quotes rejected') });
    c.logger.error(err);
    c.logger.error({ err, attempt: 2 }, 'call failed');
    c.logger.child({ note: 'as occto-login-42' }).info('child');
    new PinoTemporalLogger(c.logger).error('activity failed: occto-login-42', { error: err });
    const out = c.raw.join('');
    expect(out).not.toContain('occto-login-42');
    expect(out).not.toContain('Pa$$w0rd');
    expect(c.lines).toHaveLength(6);
    expect(c.lines[0]!.msg).toBe('login [redacted] refused');
    expect(c.lines[2]!.msg).toBe('auth failed for [redacted]');
    // The error keeps its shape: type, message with causes, stack.
    expect(c.lines[3]!.err).toMatchObject({ type: 'Error', message: expect.stringContaining('[redacted]') });
    expect(String((c.lines[3]!.err as Line).stack)).toContain('at ');
    // Too short to register ('x'): ordinary text is left alone.
    c.logger.info('x marks the spot');
    expect(c.lines[6]!.msg).toBe('x marks the spot');
  });

  it('redacts secret-shaped text without registration: private keys, Authorization credentials, gateway API keys, e-mail, phone numbers', () => {
    const c = capturedLogger();
    c.logger.warn(`tls: bad key ${PEM_KEY}`);
    c.logger.warn({ detail: `header was Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig and Basic dXNlcjpwYXNzd29yZA==` }, 'upstream refused');
    c.logger.warn('key dk_operator_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg was revoked');
    c.logger.warn('reply to hanako.yamada@example.co.jp or call 06-1234-5678 / 090-1111-2222 (0120-123-456)');
    const out = c.raw.join('');
    for (const s of ['PRIVATEKEYPRIVATEKEY', 'eyJhbGciOiJIUzI1NiJ9', 'dXNlcjpwYXNzd29yZA', 'AbCdEfGhIjKlMnOpQrStUvWxYz', 'hanako.yamada', '1234-5678', '1111-2222', '123-456']) {
      expect(out, s).not.toContain(s);
    }
    expect(c.lines.map((l) => l.msg)).toEqual([
      'tls: bad key [redacted private key]',
      'upstream refused',
      'key [redacted api key] was revoked',
      'reply to [redacted email] or call [redacted phone] / [redacted phone] ([redacted phone])',
    ]);
    expect(c.lines[1]!.detail).toBe('header was Bearer [redacted] and Basic [redacted]');
  });

  it('leaves dates, IDs and timestamps alone', () => {
    const text = 'switching-in/12346/0612345678901234567890 on 2026-04-01 at 2026-04-01T09:00:00+09:00, request 550e8400-e29b-41d4-a716-446655440000, IF_10110, occto.12346';
    expect(redactText(text)).toBe(text);
  });

  it('keeps Error properties (ApplicationFailure details) but redacts personal keys in them', () => {
    const c = capturedLogger();
    const failure = ApplicationFailure.create({ type: 'OcctoBusinessError', message: 'OCCTO IF_10110 ERR_20040', details: [{ code: 'ERR_20040', customer: { name: '山田 太郎' } }] });
    c.logger.warn({ err: failure, when: new Date('2026-04-01T00:00:00Z') }, 'business error');
    const line = c.lines[0]!;
    expect(line.err).toMatchObject({ type: 'ApplicationFailure', message: 'OCCTO IF_10110 ERR_20040', details: [{ code: 'ERR_20040', customer: '[redacted]' }] });
    expect(line.when).toBe('2026-04-01T00:00:00.000Z');
    expect(c.raw.join('')).not.toContain('山田');
  });
});

describe('workerSecrets: what a worker registers from its configuration', () => {
  const COMPANY = '12346';
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'logging-secrets-'));
    await createDevPki({ companies: [COMPANY], dir });
  });
  afterAll(() => {
    clearSecrets();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the OCCTO login ID, password and private key, たくそう君 API keys and headers, the payload keys', () => {
    const files = devPkiFiles([COMPANY]);
    const spec = generateCodecKeySpec('k1');
    const config = loadWorkerConfig({
      DENKI_COMPANIES: COMPANY,
      OCCTO_ENDPOINT: 'https://occto.example.jp/soap',
      OCCTO_CERT_FILE: join(dir, files.clients[COMPANY]!.cert),
      OCCTO_KEY_FILE: join(dir, files.clients[COMPANY]!.key),
      OCCTO_CA_FILE: join(dir, files.ca.cert),
      OCCTO_LOGIN_ID: 'retailer-api-01',
      OCCTO_PASSWORD: 'S3cret-Pass!word-42',
      DENKI_PAYLOAD_KEYS: spec,
    });
    const takusou = { client: { companies: { [COMPANY]: { apiKey: 'takusou-key-0001', apiKeyHeader: 'X-API-Key', headers: { 'Ocp-Apim-Subscription-Key': 'subscription-0002' } } } } };
    const secrets = workerSecrets({ ...config, takusou: takusou as never });
    const keyPem = readFileSync(join(dir, files.clients[COMPANY]!.key), 'utf8').trim();
    const keyMaterial = spec.slice(spec.indexOf(':') + 1);
    expect(secrets).toEqual(expect.arrayContaining(['retailer-api-01', 'S3cret-Pass!word-42', 'takusou-key-0001', 'subscription-0002', keyMaterial]));
    expect(secrets.some((s) => s.trim() === keyPem)).toBe(true);
    // The certificate is public: not a secret.
    expect(secrets.join('\n')).not.toContain('BEGIN CERTIFICATE');

    registerSecrets(secrets);
    const c = capturedLogger();
    const keyLine = keyPem.split('\n')[1]!;
    c.logger.error(new Error(`login retailer-api-01/S3cret-Pass!word-42 refused; key ${keyMaterial}; header subscription-0002; pem line ${keyLine}`));
    const out = c.raw.join('');
    for (const s of ['retailer-api-01', 'S3cret-Pass!word-42', keyMaterial, 'subscription-0002', keyLine]) expect(out, s).not.toContain(s);
  });
});
