// The OCCTO client-certificate expiry check: names, input, report and the rule that classifies a
// certificate. Shared by the workflow, the Schedule (worker/certificate-checks.ts) and the check
// the worker runs once at start.
import type { ClientCertificateReading } from '../../activities/certificates/contract.js';

export const CERTIFICATE_EXPIRY_WORKFLOW_TYPE = 'certificateExpiryCheckWorkflow';
/**
 * Served by every worker process that holds OCCTO client certificates — not the rate-limited
 * occto.<company> queues: the check makes no OCCTO call.
 */
export const CERTIFICATES_TASK_QUEUE = 'denki-flow.certificates';
export const DEFAULT_CERT_EXPIRY_WARN_DAYS = 30;
export const CERTIFICATE_CHECK_STAGE = 'CERTIFICATE_CHECK';

export interface CertificateExpiryCheckInput {
  /** Warn when fewer days than this are left; default 30 (CERT_EXPIRY_WARN_DAYS). */
  warnDays?: number;
}

/**
 * OK; EXPIRING — fewer than warnDays left (warn); EXPIRED, NOT_YET_VALID, UNREADABLE — OCCTO
 * refuses the TLS handshake with such a certificate, so every call of that company fails (error).
 */
export type CertificateState = 'OK' | 'EXPIRING' | 'EXPIRED' | 'NOT_YET_VALID' | 'UNREADABLE';

export interface CertificateVerdict {
  company: string;
  state: CertificateState;
  /** Absent when UNREADABLE. */
  subject?: string;
  serialNumber?: string;
  notAfter?: string;
  daysLeft?: number;
  /** What an operator reads (also the notification text). */
  message: string;
}

export interface CertificateExpiryReport {
  warnDays: number;
  checkedAt?: string;
  certificates: CertificateVerdict[];
  warnings: number;
  errors: number;
}

export function warnDaysProblem(warnDays: unknown): string | undefined {
  if (typeof warnDays !== 'number' || !Number.isInteger(warnDays) || warnDays < 1 || warnDays > 365) {
    return `warnDays must be an integer 1–365 (got ${JSON.stringify(warnDays)})`;
  }
  return undefined;
}

/** The rule, pure: the same verdict in the workflow and in the worker's start-up check. */
export function judgeCertificate(c: ClientCertificateReading, warnDays: number): CertificateVerdict {
  if ('unreadable' in c) {
    return { company: c.company, state: 'UNREADABLE', message: `OCCTO client certificate of ${c.company}: ${c.reason} — OCCTO calls of ${c.company} cannot authenticate` };
  }
  const facts = { company: c.company, subject: c.subject, serialNumber: c.serialNumber, notAfter: c.notAfter, daysLeft: c.daysLeft };
  const id = `OCCTO client certificate of ${c.company} (${c.subject}, serial ${c.serialNumber})`;
  if (Date.parse(c.notAfter) <= Date.parse(c.checkedAt)) {
    return {
      ...facts,
      state: 'EXPIRED',
      message: `${id} EXPIRED on ${c.notAfter}: OCCTO refuses an expired client certificate, so every OCCTO call of ${c.company} fails — install the renewed certificate (OCCTO_${c.company}_CERT_FILE / OCCTO_CERT_FILE) and restart the workers`,
    };
  }
  if (Date.parse(c.notBefore) > Date.parse(c.checkedAt)) {
    return { ...facts, state: 'NOT_YET_VALID', message: `${id} is not valid before ${c.notBefore}: OCCTO refuses it until then` };
  }
  if (c.daysLeft < warnDays) {
    return {
      ...facts,
      state: 'EXPIRING',
      message: `${id} expires in ${c.daysLeft} day(s), on ${c.notAfter} (warning below ${warnDays} days): renew it with OCCTO before then — OCCTO refuses an expired certificate`,
    };
  }
  return { ...facts, state: 'OK', message: `${id} valid until ${c.notAfter} (${c.daysLeft} days left)` };
}

export const isError = (s: CertificateState) => s === 'EXPIRED' || s === 'NOT_YET_VALID' || s === 'UNREADABLE';
