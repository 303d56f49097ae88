// たくそう君's request-body limits; reading and multipart parsing are simulators/shared/request-body.ts.
import { MAX_FILE_BYTES } from '../activities/provisional-wire-format.js';

/** JSON bodies larger than this are refused (simulator-defined; the real limit is not public). */
export const MAX_JSON_BYTES = 1024 * 1024;
/** A multipart body may carry one file of MAX_FILE_BYTES plus its text parts and framing. */
export const MAX_MULTIPART_BYTES = MAX_FILE_BYTES + 256 * 1024;
