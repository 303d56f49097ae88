// What the certificate check reports about a client certificate: public facts only (subject,
// serial, validity) — never key material, never the PEM itself. Workflow-safe (types only).

/** One company's OCCTO client certificate as this worker process presents it. */
export interface ClientCertificateInfo {
  company: string;
  subject: string;
  issuer: string;
  /** Hex, as OpenSSL prints it. */
  serialNumber: string;
  /** ISO instants. */
  notBefore: string;
  notAfter: string;
  /** Whole days from the check until notAfter (negative once expired). */
  daysLeft: number;
  /** When the activity looked (ISO). */
  checkedAt: string;
}

/** A configured certificate that does not parse (the worker could not use it either). */
export interface UnreadableCertificate {
  company: string;
  unreadable: true;
  reason: string;
}

export type ClientCertificateReading = ClientCertificateInfo | UnreadableCertificate;

export interface CertificateActivities {
  /** The OCCTO client certificates of this worker's configuration (files/environment), per company. */
  readClientCertificates(): Promise<ClientCertificateReading[]>;
}
