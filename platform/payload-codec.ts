// AES-256-GCM payload codec: every Temporal payload (inputs, results, failures' messages, query and
// update arguments) leaves the process encrypted, so customers' names and addresses never sit in
// plaintext in the Temporal database. Key IDs travel in the payload metadata so keys can rotate:
// new payloads use the active key, old ones decrypt with whichever key they name.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

const { temporal } = proto; // CommonJS package: named ESM imports fail under plain Node

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface CodecKeys {
  activeKeyId: string;
  keys: Record<string, Uint8Array>; // 32-byte keys by ID
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {
    const active = keys.keys[keys.activeKeyId];
    if (!active) throw new ValueError(`payload codec: active key '${keys.activeKeyId}' is not among the configured keys`);
    for (const [id, k] of Object.entries(keys.keys)) {
      if (k.length !== 32) throw new ValueError(`payload codec: key '${id}' must be 32 bytes (AES-256), got ${k.length}`);
    }
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keys.activeKeyId;
    const key = this.keys.keys[keyId]!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: encoder.encode(ENCODING), [KEY_ID_METADATA]: encoder.encode(keyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      if (!idBytes) throw new ValueError('encrypted payload without a key ID');
      const keyId = decoder.decode(idBytes);
      const key = this.keys.keys[keyId];
      if (!key) throw new ValueError(`no payload key '${keyId}' configured (rotated out too early?)`);
      const data = payload.data ?? new Uint8Array();
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`encrypted payload (key '${keyId}') is too short to be AES-GCM data`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new ValueError(`encrypted payload (key '${keyId}') failed authentication: tampered with, or a different key under the same ID`);
      }
    });
  }
}

/** Parses "id1:base64key,id2:base64key". */
export function parseCodecKeys(spec: string, activeKeyId?: string): CodecKeys {
  const keys: Record<string, Uint8Array> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const idx = part.indexOf(':');
    if (idx <= 0) throw new ValueError('payload keys must be "keyId:base64Key" pairs separated by commas');
    const id = part.slice(0, idx);
    if (keys[id]) throw new ValueError(`payload key ID '${id}' appears twice: each key needs its own ID`);
    keys[id] = Buffer.from(part.slice(idx + 1), 'base64');
  }
  const ids = Object.keys(keys);
  if (ids.length === 0) throw new ValueError('at least one payload key is required');
  return { activeKeyId: activeKeyId ?? ids[ids.length - 1]!, keys };
}

export function generateCodecKeySpec(keyId = `k${Date.now().toString(36)}`): string {
  return `${keyId}:${randomBytes(32).toString('base64')}`;
}
