// The たくそう君 client: activities, configuration, transport and the failure helpers.
export { createTakusouActivities, LOOKUP_MARGIN_MS, type TakusouActivityDeps } from './activities.js';
export { authHeaders, parseTakusouClientConfig, takusouClientConfigSchema, type CompanyAuth, type TakusouClientConfig, type TakusouClientConfigInput } from './config.js';
export { BadFileError, createTransport, openCheckedFile, TransportTimeoutError, UnknownCompanyError, type Transport, type TransportResponse } from './transport.js';
export { invalidItems, isTakusouFailure, serviceErrorCode, type InvalidItem, type TakusouFailureType } from './errors.js';
export { WIRE_DOCUMENT_TYPE, wireDocumentType } from './document-types.js';
export type * from './contract.js';
export { TakusouFailure } from './contract.js';
