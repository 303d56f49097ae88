export { createCustomerRecordActivities, compareWithRecord, type CustomerRecordDeps } from './activities.js';
export { CustomerRecordFailure, type CustomerRecordActivities, type RecordCheckInput, type RecordCheckResult, type RecordVerdict } from './contract.js';
export { recordsFileSchema, customerRecordSchema, type CustomerRecord } from './records-file.js';
