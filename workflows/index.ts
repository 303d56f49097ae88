// Every workflow type the worker registers.
export { switchingInWorkflow } from './occto/switching-in.js';
export { constructionWorkflow } from './kansai-takusou/construction.js';
export { takusouNoticeWatcherWorkflow } from './kansai-takusou/notice-watcher.js';
export { switchingOutWorkflow } from './occto/switching-out.js';
export { occtoInboxSweepWorkflow, occtoInboxWatcherWorkflow } from './occto/incoming-relays.js';
export { occtoStatusPollerWorkflow } from './occto/status-poller.js';
export { occtoFacilityQueryWorkflow } from './occto/operations/facility-query.js';
export { occtoUsageQueryWorkflow } from './occto/operations/usage-query.js';
export { occtoApplicationWorkflow } from './occto/operations/application.js';
export { certificateExpiryCheckWorkflow } from './certificates/certificate-expiry.js';
