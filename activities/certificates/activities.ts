// The certificate check's activity: reports the OCCTO client certificates this worker process
// presents (loaded from files/environment at start by worker/config.ts). It takes no input — a
// workflow never names or carries a certificate — and returns no key material.
import type { CertificateActivities } from './contract.js';
import { describeCertificate } from './certificate-info.js';

export interface CertificateActivityDeps {
  /** PEM client certificate per 事業者コード, as the OCCTO client uses it. */
  certificates: Record<string, string>;
  now?: () => number;
}

export function createCertificateActivities(deps: CertificateActivityDeps): CertificateActivities {
  const now = deps.now ?? Date.now;
  return {
    async readClientCertificates() {
      const at = now();
      return Object.entries(deps.certificates)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([company, pem]) => describeCertificate(company, pem, at));
    },
  };
}

/** The client certificates of an OCCTO client configuration. */
export function certificatesOf(occto: { companies: Record<string, { cert: string }> }): Record<string, string> {
  return Object.fromEntries(Object.entries(occto.companies).map(([code, c]) => [code, c.cert]));
}
