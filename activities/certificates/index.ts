export { createCertificateActivities, certificatesOf, type CertificateActivityDeps } from './activities.js';
export { describeCertificate } from './certificate-info.js';
export type * from './contract.js';
