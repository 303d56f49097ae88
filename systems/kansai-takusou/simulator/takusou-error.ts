// A refusal answered with the (provisional) error body; 400 unless said otherwise.
import { ERROR_CODES, type ErrorCode } from '../activities/provisional-wire-format.js';

export interface ItemMessage {
  item: string;
  message: string;
}

export class TakusouError extends Error {
  override name = 'TakusouError';
  constructor(
    readonly errorCode: ErrorCode,
    readonly detail: string = ERROR_CODES[errorCode],
    readonly items: ItemMessage[] = [],
    readonly status = 400,
  ) {
    super(`${errorCode}: ${detail}`);
  }
}

export const notFound = (item: string, no: string): TakusouError =>
  new TakusouError('NOT_FOUND', `no application ${no} submitted through the API by this supplier`, [{ item, message: `no application ${no}` }]);

export const invalidState = (detail: string, item = 'moshikomiNo'): TakusouError => new TakusouError('INVALID_STATE', detail, [{ item, message: detail }]);
