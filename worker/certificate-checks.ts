// The OCCTO client-certificate expiry check (docs/architecture.md §6: watched and warned about well before it
// ends; the real OCCTO refuses an expired certificate). A Temporal Schedule `certificate-expiry`
// starts certificateExpiryCheckWorkflow daily at 09:00 JST; each worker with OCCTO certificates
// ensures it at start (idempotent: created once, then updated in place) and also checks its own
// certificates right away, in its log.
import { ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import { ensureSchedule } from '../platform/schedules.js';
import type pino from 'pino';
import { describeCertificate } from '../activities/certificates/certificate-info.js';
import { WORKFLOWS_TASK_QUEUE } from '../domain/task-queues.js';
import {
  CERTIFICATE_EXPIRY_WORKFLOW_TYPE,
  DEFAULT_CERT_EXPIRY_WARN_DAYS,
  isError,
  judgeCertificate,
  warnDaysProblem,
  type CertificateExpiryCheckInput,
  type CertificateVerdict,
} from '../workflows/certificates/certificate-expiry.defs.js';

export const CERTIFICATE_EXPIRY_SCHEDULE_ID = 'certificate-expiry';
export const CERTIFICATE_EXPIRY_WORKFLOW_ID = 'certificate-expiry-check';
export const CERTIFICATE_CHECK_TIME_ZONE = 'Asia/Tokyo';

export interface CertificateScheduleSetup {
  /** Default 30. */
  warnDays?: number;
  /** Local time in Asia/Tokyo; default 09:00. */
  hour?: number;
  minute?: number;
}

export function certificateExpirySpec(hour = 9, minute = 0): ScheduleSpec {
  return { calendars: [{ hour, minute }], timezone: CERTIFICATE_CHECK_TIME_ZONE };
}

/** Creates the Schedule, or updates it in place to this setup (several workers may call it at once). */
export async function ensureCertificateExpirySchedule(client: Client, setup: CertificateScheduleSetup = {}): Promise<{ scheduleId: string; created: boolean }> {
  const warnDays = setup.warnDays ?? DEFAULT_CERT_EXPIRY_WARN_DAYS;
  const problem = warnDaysProblem(warnDays);
  if (problem) throw new RangeError(problem);
  const { hour = 9, minute = 0 } = setup;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`hour must be 0–23 and minute 0–59 (got ${hour}:${minute})`);
  }
  const spec = certificateExpirySpec(hour, minute);
  const args: [CertificateExpiryCheckInput] = [{ warnDays }];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: CERTIFICATE_EXPIRY_WORKFLOW_TYPE,
    workflowId: CERTIFICATE_EXPIRY_WORKFLOW_ID,
    taskQueue: WORKFLOWS_TASK_QUEUE,
    args,
    staticSummary: `OCCTO client certificate expiry check · warn below ${warnDays} days`,
  };
  // A check missed while the server was down is still worth running the same day.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12 hours' };
  const created = await ensureSchedule(client, {
    scheduleId: CERTIFICATE_EXPIRY_SCHEDULE_ID,
    spec,
    action,
    policies,
    state: { note: `daily ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} JST: OCCTO client certificates (warn below ${warnDays} days; OCCTO refuses an expired one)` },
  });
  return { scheduleId: CERTIFICATE_EXPIRY_SCHEDULE_ID, created };
}

/** The worker's start-up check: each certificate judged by the same rule, one log line each (error / warn / info). */
export function checkCertificatesAtStart(certificates: Record<string, string>, warnDays: number, logger: Pick<pino.Logger, 'info' | 'warn' | 'error'>, nowMs = Date.now()): CertificateVerdict[] {
  const verdicts = Object.entries(certificates)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([company, pem]) => judgeCertificate(describeCertificate(company, pem, nowMs), warnDays));
  for (const v of verdicts) {
    const fields = { event: 'certificate-check', company: v.company, state: v.state, subject: v.subject, serialNumber: v.serialNumber, notAfter: v.notAfter, daysLeft: v.daysLeft };
    if (isError(v.state)) logger.error(fields, v.message);
    else if (v.state === 'EXPIRING') logger.warn(fields, v.message);
    else logger.info(fields, v.message);
  }
  return verdicts;
}

/** At worker start: check the certificates now (log), then make sure the daily Schedule exists. */
export async function startCertificateChecks(o: {
  client: Client;
  certificates: Record<string, string>;
  warnDays: number;
  logger: Pick<pino.Logger, 'info' | 'warn' | 'error'>;
}): Promise<CertificateVerdict[]> {
  const verdicts = checkCertificatesAtStart(o.certificates, o.warnDays, o.logger);
  try {
    const s = await ensureCertificateExpirySchedule(o.client, { warnDays: o.warnDays });
    o.logger.info({ event: 'certificate-check', scheduleId: s.scheduleId, created: s.created }, `certificate expiry check scheduled daily 09:00 JST (${s.scheduleId})`);
  } catch (err) {
    // The worker still serves; the start-up check above has already spoken.
    o.logger.warn({ event: 'certificate-check', err: (err as Error).message }, 'could not ensure the certificate-expiry Schedule');
  }
  return verdicts;
}
