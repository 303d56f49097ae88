// Daily check of the OCCTO client certificates (run by the Schedule `certificate-expiry`, 09:00
// JST): a certificate with fewer than warnDays left is warned about, an expired (or unusable) one
// is reported as an error — the real OCCTO refuses an expired client certificate, and then every
// call of that company fails. Warnings and errors go to the log and to a person (notifyPerson).
import { ApplicationFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CertificateActivities } from '../../activities/certificates/contract.js';
import type { NotificationActivities } from '../../activities/notifications/contract.js';
import { NOTIFY_TASK_QUEUE } from '../../domain/task-queues.js';
import {
  CERTIFICATES_TASK_QUEUE,
  CERTIFICATE_CHECK_STAGE,
  DEFAULT_CERT_EXPIRY_WARN_DAYS,
  isError,
  judgeCertificate,
  warnDaysProblem,
  type CertificateExpiryCheckInput,
  type CertificateExpiryReport,
} from './certificate-expiry.defs.js';

const certificates = proxyActivities<CertificateActivities>({
  taskQueue: CERTIFICATES_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  // No worker holding certificates for this long is itself worth an alert (below).
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});
const notify = proxyActivities<NotificationActivities>({
  taskQueue: NOTIFY_TASK_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

export async function certificateExpiryCheckWorkflow(input: CertificateExpiryCheckInput = {}): Promise<CertificateExpiryReport> {
  const warnDays = input.warnDays ?? DEFAULT_CERT_EXPIRY_WARN_DAYS;
  const problem = warnDaysProblem(warnDays);
  if (problem) throw ApplicationFailure.nonRetryable(`invalid certificate check input: ${problem}`, 'InvalidInput');
  const { workflowId } = workflowInfo();

  let readings;
  try {
    readings = await certificates.readClientCertificates();
  } catch (err) {
    const message = `the OCCTO client certificate check could not run: no worker with OCCTO certificates answered on ${CERTIFICATES_TASK_QUEUE} (${(err as Error).message})`;
    log.error(message);
    await notify.notifyPerson({ kind: 'OPERATOR_ALERT', workflowId, stage: CERTIFICATE_CHECK_STAGE, message });
    throw ApplicationFailure.nonRetryable(message, 'CertificateCheckFailed');
  }

  const verdicts = readings.map((r) => judgeCertificate(r, warnDays));
  for (const v of verdicts) {
    if (isError(v.state)) {
      log.error(v.message, { company: v.company, state: v.state, notAfter: v.notAfter });
      await notify.notifyPerson({ kind: 'OPERATOR_ALERT', workflowId, stage: CERTIFICATE_CHECK_STAGE, message: v.message, ...(v.notAfter ? { dueAt: v.notAfter } : {}) });
    } else if (v.state === 'EXPIRING') {
      log.warn(v.message, { company: v.company, daysLeft: v.daysLeft, notAfter: v.notAfter });
      await notify.notifyPerson({ kind: 'ESCALATION', workflowId, stage: CERTIFICATE_CHECK_STAGE, message: v.message, dueAt: v.notAfter });
    } else {
      log.info(v.message, { company: v.company, daysLeft: v.daysLeft });
    }
  }
  const checkedAt = readings.find((r): r is Extract<typeof r, { checkedAt: string }> => 'checkedAt' in r)?.checkedAt;
  return {
    warnDays,
    ...(checkedAt ? { checkedAt } : {}),
    certificates: verdicts,
    warnings: verdicts.filter((v) => v.state === 'EXPIRING').length,
    errors: verdicts.filter((v) => isError(v.state)).length,
  };
}
