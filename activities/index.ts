// Activity factories, one per external system; the worker composes them per task queue.
export { createOcctoActivities, type OcctoActivityDeps } from './occto/activities.js';
export { occtoClientConfigSchema, parseOcctoClientConfig, type OcctoClientConfig, type OcctoClientConfigInput } from './occto/config.js';
export { createTransport, type Transport, type TransportResponse } from './occto/transport.js';
export { createNotificationActivities, type NotificationDeps, type NotificationSender } from './notifications/activities.js';
export type * from './occto/contract.js';
export { OcctoFailure } from './occto/contract.js';
export { createTakusouActivities, takusouClientConfigSchema } from './kansai-takusou/index.js';
export { TakusouFailure } from './kansai-takusou/contract.js';
export { createFleetActivities, type FleetActivities } from './fleet/fleet.js';
export { createCertificateActivities, certificatesOf, describeCertificate } from './certificates/index.js';
