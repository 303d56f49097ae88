// worker/logging.ts: pino JSON logs with personal data and secrets redacted by key.
//
// createLogger() takes no destination and pino writes to fd 1 directly (sonic-boom), so the lines are
// captured by pointing the logger's stream (pino.symbols.streamSym, part of pino's public `symbols`)
// at an in-memory Writable. Everything else — level, name, redact paths, censor — is createLogger's.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PinoTemporalLogger, REDACTED_KEYS, createLogger } from '../../worker/logging.js';

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
