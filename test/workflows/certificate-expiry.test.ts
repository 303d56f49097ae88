// The OCCTO client-certificate expiry check on the dev server: the activity reads the worker's
// configured certificates (public facts only), the workflow warns below CERT_EXPIRY_WARN_DAYS and
// reports an expired certificate as an error (the real OCCTO refuses one), each with a notification;
// the daily Schedule at 09:00 JST is ensured idempotently; the worker's start-up check logs the same
// verdicts. Certificates from the dev PKI (@peculiar/x509): 10 days, 100 days, expired yesterday.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createDevServerEnv } from '../support/temporal-env.js';
import { createDevPki, type PemPair } from '../../simulators/shared/dev-pki.js';
import { createWorkerSet, type WorkerSet } from '../../worker/workers.js';
import { TEST_CODEC_KEYS } from '../support/temporal-env.js';
import { parseOcctoClientConfig } from '../../systems/occto/activities/config.js';
import { certificatesOf, createCertificateActivities } from '../../activities/certificates/activities.js';
import type { ClientCertificateInfo } from '../../activities/certificates/contract.js';
import {
  CERTIFICATE_EXPIRY_SCHEDULE_ID,
  CERTIFICATE_EXPIRY_WORKFLOW_ID,
  checkCertificatesAtStart,
  ensureCertificateExpirySchedule,
} from '../../worker/certificate-checks.js';
import {
  CERTIFICATES_TASK_QUEUE,
  CERTIFICATE_EXPIRY_WORKFLOW_TYPE,
  type CertificateExpiryReport,
} from '../../workflows/certificates/certificate-expiry.defs.js';
import { WORKFLOWS_TASK_QUEUE } from '../../domain/task-queues.js';
import { workerEnvSchema } from '../../worker/config.js';

const DAY = 86_400_000;
const SOON = '12346'; // 10 days left
const LATER = '23457'; // 100 days left
const EXPIRED = '34568'; // expired yesterday

let env: TestWorkflowEnvironment;
let workers: WorkerSet;
let running: Promise<void>;
let pems: Record<string, PemPair>;
const logLines: { level: number; msg: string; [k: string]: unknown }[] = [];

/** A pino logger whose JSON lines are kept for assertions. */
function memoryLogger(into: typeof logLines) {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) into.push(JSON.parse(line) as (typeof logLines)[number]);
      done();
    },
  });
  return pino({ level: 'info' }, stream);
}

beforeAll(async () => {
  const [soon, later, old] = await Promise.all([
    createDevPki({ companies: [SOON], validDays: 10 }),
    createDevPki({ companies: [LATER], validDays: 100 }),
    createDevPki({ companies: [EXPIRED] }),
  ]);
  pems = { [SOON]: soon.clients[SOON]!, [LATER]: later.clients[LATER]!, [EXPIRED]: old.expiredClient };
  env = await createDevServerEnv();
  workers = await createWorkerSet({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    companies: [SOON, LATER, EXPIRED],
    occto: {
      // The check makes no OCCTO call: the endpoint is never contacted.
      client: parseOcctoClientConfig({
        endpoint: 'https://127.0.0.1:9/',
        sourceIp: '127.0.0.1',
        companies: Object.fromEntries(Object.entries(pems).map(([c, p]) => [c, { ...p, loginId: `api${c}`, password: `pw-${c}` }])),
      }),
      ratePerSecond: 1,
      maxConcurrent: 1,
    },
    codecKeys: TEST_CODEC_KEYS,
    logger: memoryLogger(logLines),
    workflows: { workflowBundle: { codePath: inject('workflowBundle') } },
    only: { workflows: true, certificates: true, notify: true, occto: false, takusou: false, customerRecords: false },
  });
  running = workers.run();
});

afterAll(async () => {
  await workers?.stop();
  await running;
  await env?.teardown();
});

const certificates = () => Object.fromEntries(Object.entries(pems).map(([c, p]) => [c, p.cert]));

describe('the certificate activity', () => {
  it('serves its own queue, not the rate-limited occto.<company> queues', () => {
    const queues = workers.workers.map((w) => w.options.taskQueue);
    expect(queues).toContain(CERTIFICATES_TASK_QUEUE);
    expect(queues.filter((q) => q.startsWith('occto.'))).toEqual([]);
  });

  it('reports subject, serial and validity per company from the configuration — no key material', async () => {
    const now = Date.now();
    const readings = await createCertificateActivities({ certificates: certificatesOf({ companies: Object.fromEntries(Object.entries(pems).map(([c, p]) => [c, { cert: p.cert }])) }), now: () => now }).readClientCertificates();
    expect(readings.map((r) => r.company)).toEqual([SOON, LATER, EXPIRED]);
    const [soon, later, old] = readings as ClientCertificateInfo[];
    expect(soon).toMatchObject({ company: SOON, subject: `CN=${SOON}, O=denki-flow dev retailer`, issuer: 'CN=denki-flow dev OCCTO CA, O=denki-flow dev', checkedAt: new Date(now).toISOString() });
    expect(soon!.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(soon!.daysLeft).toBe(Math.floor((Date.parse(soon!.notAfter) - now) / DAY));
    expect(soon!.daysLeft).toBeGreaterThanOrEqual(9);
    expect(soon!.daysLeft).toBeLessThanOrEqual(10);
    expect(later!.daysLeft).toBeGreaterThanOrEqual(99);
    expect(old!.daysLeft).toBeLessThan(0);
    expect(Date.parse(old!.notAfter)).toBeLessThan(now);
    const text = JSON.stringify(readings);
    expect(text).not.toMatch(/BEGIN|PRIVATE|KEY-----/);
    for (const p of Object.values(pems)) {
      expect(text).not.toContain(p.key.split('\n')[1]);
      expect(text).not.toContain(p.cert.split('\n')[1]);
    }
  });

  it('reports an unreadable certificate as such, naming no content', async () => {
    const [r] = await createCertificateActivities({ certificates: { [SOON]: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n' } }).readClientCertificates();
    expect(r).toMatchObject({ company: SOON, unreadable: true });
    expect(JSON.stringify(r)).not.toContain('bm90IGEgY2VydA');
  });
});

describe('certificateExpiryCheckWorkflow', () => {
  const run = (warnDays: number | undefined, id: string) =>
    env.client.workflow.execute<() => Promise<CertificateExpiryReport>>(CERTIFICATE_EXPIRY_WORKFLOW_TYPE, {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId: id,
      args: warnDays === undefined ? [] : [{ warnDays }] as never,
    });

  it('warns below 30 days (10 days left), reports the expired one as an error, leaves 100 days alone; a person is notified of each', async () => {
    logLines.length = 0;
    const report = await run(undefined, `cert-check-${Date.now()}`);
    expect(report.warnDays).toBe(30);
    expect(report.certificates.map((c) => [c.company, c.state])).toEqual([
      [SOON, 'EXPIRING'],
      [LATER, 'OK'],
      [EXPIRED, 'EXPIRED'],
    ]);
    expect(report).toMatchObject({ warnings: 1, errors: 1 });
    const soon = report.certificates[0]!;
    expect(soon.message).toMatch(new RegExp(`^OCCTO client certificate of ${SOON} \\(CN=${SOON}, O=denki-flow dev retailer, serial [0-9A-F]+\\) expires in (9|10) day\\(s\\)`));
    expect(report.certificates[2]!.message).toMatch(/EXPIRED on .*OCCTO refuses an expired client certificate, so every OCCTO call of 34568 fails/);

    const notices = logLines.filter((l) => l.event === 'notification');
    expect(notices.map((n) => [n.kind, n.level])).toEqual([
      ['ESCALATION', 40],
      ['OPERATOR_ALERT', 50],
    ]);
    expect(notices[0]!.message).toContain(`certificate of ${SOON}`);
    expect(notices[0]!.dueAt).toBe(soon.notAfter);
    expect(notices[1]!.message).toContain(`certificate of ${EXPIRED}`);
    expect(JSON.stringify(logLines)).not.toMatch(/BEGIN|PRIVATE KEY/);
  });

  it('follows warnDays: with 5, ten days left is fine', async () => {
    const report = await run(5, `cert-check-5-${Date.now()}`);
    expect(report.certificates.map((c) => c.state)).toEqual(['OK', 'OK', 'EXPIRED']);
    expect(report).toMatchObject({ warnDays: 5, warnings: 0, errors: 1 });
  });

  it('refuses a nonsensical warnDays, naming it', async () => {
    const err = await run(0, `cert-check-bad-${Date.now()}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as Error).message).toBe('invalid certificate check input: warnDays must be an integer 1–365 (got 0)');
  });
});

describe('the Schedule', () => {
  it('is created daily at 09:00 Asia/Tokyo, updated in place by a second ensure, and its run checks the certificates', async () => {
    expect(await ensureCertificateExpirySchedule(env.client, { warnDays: 30 })).toEqual({ scheduleId: CERTIFICATE_EXPIRY_SCHEDULE_ID, created: true });
    const handle = env.client.schedule.getHandle(CERTIFICATE_EXPIRY_SCHEDULE_ID);
    const d = await handle.describe();
    expect(d.spec.timezone).toBe('Asia/Tokyo');
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: CERTIFICATE_EXPIRY_WORKFLOW_TYPE, taskQueue: WORKFLOWS_TASK_QUEUE });
    // The server's own calendar: one run a day, each at 09:00 JST.
    const from = Date.now();
    const res = await env.client.workflowService.listScheduleMatchingTimes({
      namespace: env.namespace ?? 'default',
      scheduleId: CERTIFICATE_EXPIRY_SCHEDULE_ID,
      startTime: msNumberToTs(from),
      endTime: msNumberToTs(from + 7 * DAY),
    });
    const times = (res.startTime ?? []).map(tsToMs);
    expect(times).toHaveLength(7);
    for (const t of times) expect(new Date(t + 9 * 3_600_000).toISOString().slice(11, 19)).toBe('09:00:00');

    // Several workers start at once: each ensures; the second updates (here: a new threshold).
    expect(await ensureCertificateExpirySchedule(env.client, { warnDays: 200 })).toEqual({ scheduleId: CERTIFICATE_EXPIRY_SCHEDULE_ID, created: false });
    expect(((await handle.describe()).action as { args?: unknown[] }).args).toEqual([{ warnDays: 200 }]);

    await handle.trigger();
    let runId: string | undefined;
    await expect
      .poll(async () => {
        runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        return runId;
      }, { timeout: 15_000 })
      .toMatch(new RegExp(`^${CERTIFICATE_EXPIRY_WORKFLOW_ID}`));
    const report = (await env.client.workflow.getHandle(runId!).result()) as CertificateExpiryReport;
    // With a 200-day threshold, 100 days left is a warning too.
    expect(report.certificates.map((c) => c.state)).toEqual(['EXPIRING', 'EXPIRING', 'EXPIRED']);
    await handle.delete();
  });

  it('refuses a bad threshold before touching the server', async () => {
    await expect(ensureCertificateExpirySchedule(env.client, { warnDays: 1000 })).rejects.toThrow('warnDays must be an integer 1–365 (got 1000)');
  });
});

describe('the worker\'s start-up check', () => {
  it('logs each certificate by the same rule: error (expired), warn (10 days), info (100 days) — no key material', () => {
    const lines: typeof logLines = [];
    const verdicts = checkCertificatesAtStart(certificates(), 30, memoryLogger(lines));
    expect(verdicts.map((v) => v.state)).toEqual(['EXPIRING', 'OK', 'EXPIRED']);
    expect(lines.map((l) => [l.company, l.level])).toEqual([
      [SOON, 40],
      [LATER, 30],
      [EXPIRED, 50],
    ]);
    expect(lines[2]!.msg).toMatch(/OCCTO refuses an expired client certificate/);
    expect(JSON.stringify(lines)).not.toMatch(/BEGIN|PRIVATE KEY/);
  });

  it('CERT_EXPIRY_WARN_DAYS defaults to 30 and is checked', () => {
    const base = { DENKI_COMPANIES: SOON };
    expect(workerEnvSchema.parse(base).CERT_EXPIRY_WARN_DAYS).toBe(30);
    expect(workerEnvSchema.parse({ ...base, CERT_EXPIRY_WARN_DAYS: '45' }).CERT_EXPIRY_WARN_DAYS).toBe(45);
    const bad = workerEnvSchema.safeParse({ ...base, CERT_EXPIRY_WARN_DAYS: 'soon' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe("CERT_EXPIRY_WARN_DAYS must be an integer 1–365 (days before an OCCTO client certificate expires to start warning) (got 'soon')");
  });
});
