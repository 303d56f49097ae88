// Reads the public facts of a PEM client certificate with Node's own X.509 parser.
import { X509Certificate } from 'node:crypto';
import type { ClientCertificateReading } from './contract.js';

const DAY_MS = 86_400_000;

/** Subject/issuer as one line ("CN=12346, O=…") instead of OpenSSL's newline-separated form. */
const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');

export function describeCertificate(company: string, pem: string, nowMs: number): ClientCertificateReading {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem); // the first block: the leaf, by convention
  } catch (err) {
    // The parser's message names the problem, never the content.
    return { company, unreadable: true, reason: `not a readable X.509 certificate (${(err as Error).message})` };
  }
  const notAfter = new Date(cert.validTo);
  return {
    company,
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - nowMs) / DAY_MS),
    checkedAt: new Date(nowMs).toISOString(),
  };
}
