// The payload keys every process that talks to Temporal needs (worker, gateway, CLI):
// DENKI_PAYLOAD_KEYS(_FILE) and DENKI_PAYLOAD_ACTIVE_KEY, checked at start.
import { AesGcmPayloadCodec, parseCodecKeys, type CodecKeys } from './payload-codec.js';
import { valueOrFile, type Env } from './env-files.js';

export function loadCodecKeys(env: Env = process.env): CodecKeys {
  const problems: string[] = [];
  const spec = valueOrFile(env, 'DENKI_PAYLOAD_KEYS', problems);
  if (problems.length) throw new Error(problems.join('; '));
  if (!spec) throw new Error('DENKI_PAYLOAD_KEYS (or DENKI_PAYLOAD_KEYS_FILE) is required: "keyId:base64-32-byte-key[,…]" for payload encryption');
  try {
    const keys = parseCodecKeys(spec, env.DENKI_PAYLOAD_ACTIVE_KEY || undefined);
    new AesGcmPayloadCodec(keys); // checks key lengths and the active key now, not at first use
    return keys;
  } catch (err) {
    throw new Error(`DENKI_PAYLOAD_KEYS / DENKI_PAYLOAD_ACTIVE_KEY: ${(err as Error).message}`);
  }
}

