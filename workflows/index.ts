// Every workflow type the worker registers.
export { switchingInWorkflow } from '../systems/occto/workflows/switching-in.js';
export { constructionWorkflow } from '../systems/kansai-takusou/workflows/construction.js';
export { takusouNoticeWatcherWorkflow } from '../systems/kansai-takusou/workflows/notice-watcher.js';
export { switchingOutWorkflow } from '../systems/occto/workflows/switching-out.js';
export { occtoInboxSweepWorkflow, occtoInboxWatcherWorkflow } from '../systems/occto/workflows/incoming-relays.js';
export { occtoStatusPollerWorkflow } from '../systems/occto/workflows/status-poller.js';
export { occtoFacilityQueryWorkflow } from '../systems/occto/workflows/operations/facility-query.js';
export { occtoUsageQueryWorkflow } from '../systems/occto/workflows/operations/usage-query.js';
export { occtoApplicationWorkflow } from '../systems/occto/workflows/operations/application.js';
export { certificateExpiryCheckWorkflow } from './certificates/certificate-expiry.js';
