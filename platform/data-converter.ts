// One data converter for every process that talks to Temporal (worker, client library, CLI,
// tests): payloads and failure messages encrypted with the same keys.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type CodecKeys } from './payload-codec.js';

/** The failure converter module, as .ts in development and .js when built. */
export const failureConverterPath = (() => {
  const ts = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./failure-converter.js', import.meta.url));
})();

export function createDataConverter(keys: CodecKeys): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(keys)],
    failureConverterPath,
  };
}
