// worker/config.ts, the parts added for issue #4: batched status tracking (STATUS_TRACKING,
// STATUS_POLLER_INTERVAL, STATUS_POLLER_CYCLES), the customer records file (CUSTOMER_RECORDS_FILE,
// checked at load without echoing its contents) and the auto-judge rule (SWITCHING_OUT_AUTO_JUDGE).
// Every problem is reported at once, with the other variables' problems.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../worker/config.js';
import { generateCodecKeySpec } from '../../platform/payload-codec.js';
import { configError, type Env } from '../support/worker-config.js';

const dir = mkdtempSync(join(tmpdir(), 'worker-config-so-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POINT = '0312345678901234567890';
const recordsFile = join(dir, 'records.json');
writeFileSync(
  recordsFile,
  JSON.stringify({ records: [{ company: '12346', category: 'LV', supplyPointId: POINT, status: 'ACTIVE', customer: { name: '秘密 太郎', kana: 'ヒミツ タロウ', address: '東京都港区1-1' } }] }),
);
// たくそう君 only: no OCCTO certificates needed for these checks.
const base = (): Env => ({ DENKI_COMPANIES: '12346', TAKUSOU_BASE_URL: 'https://takusou.example.jp/api/low-takusou/', DENKI_PAYLOAD_KEYS: generateCodecKeySpec('k1') });

describe('status tracking', () => {
  it('defaults to the batched poller every 10 minutes, continuing-as-new every 200 cycles', () => {
    expect(loadWorkerConfig(base()).statusTracking).toEqual({ mode: 'batched', intervalMs: 600_000, cyclesBeforeContinueAsNew: 200 });
  });

  it('takes own polling, a readable interval or milliseconds, and a cycle count', () => {
    expect(loadWorkerConfig({ ...base(), STATUS_TRACKING: 'own', STATUS_POLLER_INTERVAL: '5 minutes', STATUS_POLLER_CYCLES: '50' }).statusTracking).toEqual({
      mode: 'own',
      intervalMs: 300_000,
      cyclesBeforeContinueAsNew: 50,
    });
    expect(loadWorkerConfig({ ...base(), STATUS_POLLER_INTERVAL: '90000' }).statusTracking.intervalMs).toBe(90_000);
  });

  it('refuses a bad mode, a too-short interval and a bad cycle count, all at once', () => {
    const msg = configError({ ...base(), STATUS_TRACKING: 'sometimes', STATUS_POLLER_INTERVAL: '10ms', STATUS_POLLER_CYCLES: '0' });
    expect(msg).toMatch(/STATUS_TRACKING must be 'batched'/);
    expect(msg).toMatch(/STATUS_POLLER_INTERVAL must be a duration of at least 1 second/);
    expect(msg).toMatch(/STATUS_POLLER_CYCLES must be an integer ≥ 1/);
  });
});

describe('customer records and the auto-judge rule', () => {
  it('no records file: no customer-records worker, no rule', () => {
    expect(loadWorkerConfig(base()).customerRecords).toBeUndefined();
  });

  it('reads the file path and the rule (JSON, defaults filled)', () => {
    const c = loadWorkerConfig({ ...base(), CUSTOMER_RECORDS_FILE: recordsFile, SWITCHING_OUT_AUTO_JUDGE: '{"okWhenMatch":true,"ngWhenNotFound":true,"ngReasonsWhenNotFound":[1,8]}' });
    expect(c.customerRecords).toEqual({
      filePath: recordsFile,
      autoJudge: { okWhenMatch: true, ngWhenNotFound: true, ngReasonsWhenNotFound: [1, 8], ngWhenNotActive: false, ngReasonsWhenNotActive: [1] },
    });
  });

  it('refuses a missing or malformed records file and a bad rule, naming paths and rules but never the records', () => {
    expect(configError({ ...base(), CUSTOMER_RECORDS_FILE: join(dir, 'missing.json') })).toMatch(/CUSTOMER_RECORDS_FILE: cannot read '.*missing.json' \(ENOENT\)/);
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ records: ');
    expect(configError({ ...base(), CUSTOMER_RECORDS_FILE: notJson })).toMatch(/is not valid JSON/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ records: [{ company: '12346', category: 'LV', supplyPointId: POINT, status: 'MAYBE', customer: { name: '秘密 花子', kana: 'ヒミツ', address: '' } }] }));
    const msg = configError({ ...base(), CUSTOMER_RECORDS_FILE: wrong, SWITCHING_OUT_AUTO_JUDGE: '{"okWhenMatch":"yes","ngReasonsWhenNotFound":[]}' });
    expect(msg).toMatch(/CUSTOMER_RECORDS_FILE records\.0\.status/);
    expect(msg).toMatch(/CUSTOMER_RECORDS_FILE records\.0\.customer\.address: customer\.address is required/);
    expect(msg).toMatch(/SWITCHING_OUT_AUTO_JUDGE\.okWhenMatch: autoJudge\.okWhenMatch must be true or false/);
    expect(msg).toMatch(/SWITCHING_OUT_AUTO_JUDGE\.ngReasonsWhenNotFound: ngReasonsWhenNotFound must name at least one/);
    expect(msg).not.toContain('秘密');
    expect(configError({ ...base(), SWITCHING_OUT_AUTO_JUDGE: 'okWhenMatch' })).toMatch(/SWITCHING_OUT_AUTO_JUDGE must be JSON/);
    expect(configError({ ...base(), SWITCHING_OUT_AUTO_JUDGE: '{"okWhenMatch":true}' })).toMatch(/SWITCHING_OUT_AUTO_JUDGE needs CUSTOMER_RECORDS_FILE/);
  });

  it('reports these problems together with the other variables', () => {
    const msg = configError({ ...base(), DENKI_COMPANIES: '1234', STATUS_TRACKING: 'x', CUSTOMER_RECORDS_FILE: join(dir, 'nope.json') });
    expect(msg).toMatch(/DENKI_COMPANIES entry '1234'/);
    expect(msg).toMatch(/STATUS_TRACKING/);
    expect(msg).toMatch(/CUSTOMER_RECORDS_FILE/);
  });
});
