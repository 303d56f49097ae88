// platform/payload-codec.ts: AES-256-GCM encryption of every Temporal payload, with key IDs in the
// metadata so that keys can rotate.
import { randomBytes } from 'node:crypto';
import { DefaultPayloadConverter, METADATA_ENCODING_KEY, ValueError, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  ENCODING,
  KEY_ID_METADATA,
  generateCodecKeySpec,
  parseCodecKeys,
  type CodecKeys,
} from '../../platform/payload-codec.js';

const converter = new DefaultPayloadConverter();
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const toPayload = (value: unknown): Payload => {
  const p = converter.toPayload(value);
  if (!p) throw new Error('DefaultPayloadConverter returned no payload');
  return p;
};
const key32 = () => new Uint8Array(randomBytes(32));
const codecWith = (activeKeyId: string, keys: Record<string, Uint8Array>) => new AesGcmPayloadCodec({ activeKeyId, keys });
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const customer = { name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府大阪市北区1-1-1', phone: '06-1234-5678' };

/** Whether `needle` occurs as a contiguous byte sequence in `haystack`. */
const containsBytes = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).includes(Buffer.from(needle));

describe('AesGcmPayloadCodec.encode', () => {
  it('marks each payload as encrypted and names the active key', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const [encoded] = await codec.encode([toPayload({ customer })]);
    expect(text(encoded?.metadata?.[METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    expect(ENCODING).toBe('binary/encrypted');
    expect(text(encoded?.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(encoded?.metadata ?? {}).sort()).toEqual([KEY_ID_METADATA, METADATA_ENCODING_KEY].sort());
  });

  it('leaves no plaintext in the ciphertext: neither the data nor the original encoding', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const plain = toPayload({ customer });
    const [encoded] = await codec.encode([plain]);
    const data = encoded?.data ?? new Uint8Array();
    expect(containsBytes(data, plain.data ?? new Uint8Array())).toBe(false);
    for (const s of [customer.name, customer.kana, customer.address, customer.phone, 'json/plain']) {
      expect(containsBytes(data, new TextEncoder().encode(s)), s).toBe(false);
    }
    // IV (12) + ciphertext of the serialized payload + GCM tag (16).
    expect(data.length).toBeGreaterThan((plain.data?.length ?? 0) + 12 + 16);
  });

  it('uses a fresh IV each time: the same payload encrypts differently', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const plain = toPayload('same value');
    const [a] = await codec.encode([plain]);
    const [b] = await codec.encode([plain]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
    expect(Buffer.from(a?.data ?? []).subarray(0, 12).equals(Buffer.from(b?.data ?? []).subarray(0, 12))).toBe(false);
  });

  it('encodes every payload of a batch, in order', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const values = ['a', 1, { b: [2, 3] }, null];
    const encoded = await codec.encode(values.map(toPayload));
    expect(encoded).toHaveLength(4);
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => converter.fromPayload(p))).toEqual(values);
  });

  it('returns an empty array for no payloads', async () => {
    const codec = codecWith('k1', { k1: key32() });
    expect(await codec.encode([])).toEqual([]);
    expect(await codec.decode([])).toEqual([]);
  });
});

describe('AesGcmPayloadCodec.decode', () => {
  it('round-trips: the decoded payload has the original metadata and data', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const plain = toPayload({ customer, amount: 12.5, when: '2026-04-01' });
    const [decoded] = await codec.decode(await codec.encode([plain]));
    expect(text(decoded?.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
    expect(Buffer.from(decoded?.data ?? []).equals(Buffer.from(plain.data ?? []))).toBe(true);
    expect(converter.fromPayload(decoded as Payload)).toEqual({ customer, amount: 12.5, when: '2026-04-01' });
  });

  it('round-trips binary and undefined payloads', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const [bin, undef] = await codec.decode(await codec.encode([toPayload(bytes), toPayload(undefined)]));
    expect(text(bin?.metadata?.[METADATA_ENCODING_KEY])).toBe('binary/plain');
    expect([...(converter.fromPayload(bin as Payload) as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(text(undef?.metadata?.[METADATA_ENCODING_KEY])).toBe('binary/null');
    expect(converter.fromPayload(undef as Payload)).toBeUndefined();
  });

  it('passes payloads that are not encrypted through unchanged', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const plain = toPayload({ hello: 'world' });
    const noMetadata: Payload = { data: new Uint8Array([1, 2, 3]) };
    const [a, b] = await codec.decode([plain, noMetadata]);
    expect(a).toBe(plain);
    expect(b).toBe(noMetadata);
  });

  it('decodes a mixed batch of encrypted and plain payloads', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const [enc] = await codec.encode([toPayload('secret')]);
    const plain = toPayload('public');
    const decoded = await codec.decode([enc as Payload, plain]);
    expect(decoded.map((p) => converter.fromPayload(p))).toEqual(['secret', 'public']);
  });

  it('after rotation, decodes payloads of the old key and encodes with the new one', async () => {
    const k1 = key32();
    const k2 = key32();
    const before = codecWith('k1', { k1 });
    const [old] = await before.encode([toPayload({ customer })]);

    const after = codecWith('k2', { k1, k2 });
    const [fresh] = await after.encode([toPayload('new')]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');

    const decoded = await after.decode([old as Payload, fresh as Payload]);
    expect(decoded.map((p) => converter.fromPayload(p))).toEqual([{ customer }, 'new']);
    // The old codec cannot read what the new key wrote.
    await expect(before.decode([fresh as Payload])).rejects.toThrow("no payload key 'k2' configured");
  });

  it('refuses a payload whose key is not configured, naming the key ID', async () => {
    const [enc] = await codecWith('old', { old: key32() }).encode([toPayload('x')]);
    const codec = codecWith('k1', { k1: key32() });
    const err = await codec.decode([enc as Payload]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toBe("no payload key 'old' configured (rotated out too early?)");
  });

  it('refuses an encrypted payload without a key ID', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const [enc] = await codec.encode([toPayload('x')]);
    const withoutId: Payload = { metadata: { [METADATA_ENCODING_KEY]: enc?.metadata?.[METADATA_ENCODING_KEY] as Uint8Array }, data: enc?.data ?? null };
    await expect(codec.decode([withoutId])).rejects.toThrow('encrypted payload without a key ID');
  });

  it('refuses a payload decrypted with a different key under the same ID (GCM authentication)', async () => {
    const [enc] = await codecWith('k1', { k1: key32() }).encode([toPayload('x')]);
    await expect(codecWith('k1', { k1: key32() }).decode([enc as Payload])).rejects.toThrow(/failed authentication/);
  });

  it.each([
    ['the first byte of the IV', () => 0],
    ['the first byte of the ciphertext', () => 12],
    ['the last byte of the tag', (n: number) => n - 1],
  ])('refuses a payload with a flipped bit in %s', async (_what, position) => {
    const codec = codecWith('k1', { k1: key32() });
    const [enc] = await codec.encode([toPayload({ customer })]);
    const data = Buffer.from(enc?.data ?? []);
    const i = position(data.length);
    data[i] = (data[i] ?? 0) ^ 0x01;
    await expect(codec.decode([{ ...enc, data }])).rejects.toThrow(/failed authentication/);
  });

  it('refuses truncated ciphertext', async () => {
    const codec = codecWith('k1', { k1: key32() });
    const [enc] = await codec.encode([toPayload({ customer })]);
    const data = enc?.data ?? new Uint8Array();
    for (const cut of [data.subarray(0, data.length - 1), data.subarray(0, 20), new Uint8Array()]) {
      await expect(codec.decode([{ ...enc, data: cut }]), `length ${cut.length}`).rejects.toThrow();
    }
  });

  it('refuses a payload whose key ID metadata was switched to another configured key', async () => {
    const codec = codecWith('k1', { k1: key32(), k2: key32() });
    const [enc] = await codec.encode([toPayload('x')]);
    const swapped: Payload = { ...enc, metadata: { ...enc?.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('k2') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/failed authentication/);
  });
});

describe('AesGcmPayloadCodec construction', () => {
  it.each([0, 16, 24, 31, 33, 64])('refuses a %d-byte key', (length) => {
    expect(() => codecWith('k1', { k1: new Uint8Array(length) })).toThrow(`payload codec: key 'k1' must be 32 bytes (AES-256), got ${length}`);
  });

  it('refuses a wrong-length inactive key too', () => {
    expect(() => codecWith('k2', { k1: new Uint8Array(16), k2: key32() })).toThrow(ValueError);
    expect(() => codecWith('k2', { k1: new Uint8Array(16), k2: key32() })).toThrow("key 'k1' must be 32 bytes");
  });

  it('refuses an active key ID that is not among the keys', () => {
    expect(() => codecWith('k3', { k1: key32(), k2: key32() })).toThrow("payload codec: active key 'k3' is not among the configured keys");
  });
});

describe('parseCodecKeys', () => {
  const a = key32();
  const b = key32();

  it('parses "id:base64" pairs; the last one is active by default', () => {
    const keys = parseCodecKeys(`old:${b64(a)},new:${b64(b)}`);
    expect(keys.activeKeyId).toBe('new');
    expect(Object.keys(keys.keys)).toEqual(['old', 'new']);
    expect([...(keys.keys.old ?? [])]).toEqual([...a]);
    expect([...(keys.keys.new ?? [])]).toEqual([...b]);
  });

  it('takes an explicit active key', () => {
    expect(parseCodecKeys(`old:${b64(a)},new:${b64(b)}`, 'old').activeKeyId).toBe('old');
  });

  it('ignores white space and empty entries around the pairs', () => {
    const keys = parseCodecKeys(` k1:${b64(a)} , ,k2:${b64(b)}, `);
    expect(Object.keys(keys.keys)).toEqual(['k1', 'k2']);
    expect(keys.activeKeyId).toBe('k2');
    expect(keys.keys.k1?.length).toBe(32);
  });

  it.each([['nocolon'], [':no-id'], [`k1:${'A'.repeat(44)},oops`]])('refuses the malformed spec %j', (spec) => {
    expect(() => parseCodecKeys(spec)).toThrow('payload keys must be "keyId:base64Key" pairs separated by commas');
  });

  it.each([[''], ['   '], [','], [' , , ']])('refuses an empty spec %j', (spec) => {
    expect(() => parseCodecKeys(spec)).toThrow('at least one payload key is required');
  });

  it('does not echo key material in its messages', () => {
    const secret = b64(a);
    let message = '';
    try {
      parseCodecKeys(secret); // no "id:" part
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('payload keys must be');
    expect(message).not.toContain(secret);
  });

  it('yields keys the codec accepts and round-trips with', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`k1:${b64(a)}`));
    const [decoded] = await codec.decode(await codec.encode([toPayload('ok')]));
    expect(converter.fromPayload(decoded as Payload)).toBe('ok');
  });
});

describe('generateCodecKeySpec', () => {
  it('makes "id:base64" of a random 32-byte key', () => {
    const spec = generateCodecKeySpec('k2026');
    expect(spec).toMatch(/^k2026:[A-Za-z0-9+/]{43}=$/);
    const keys = parseCodecKeys(spec);
    expect(keys.activeKeyId).toBe('k2026');
    expect(keys.keys.k2026?.length).toBe(32);
  });

  it('uses a different key each time', () => {
    expect(generateCodecKeySpec('k')).not.toBe(generateCodecKeySpec('k'));
  });

  it('names the key after the time by default', () => {
    const spec = generateCodecKeySpec();
    expect(spec).toMatch(/^k[0-9a-z]+:[A-Za-z0-9+/]{43}=$/);
  });

  it('appends to an existing spec for rotation: the new key becomes active, the old one still decodes', async () => {
    const first = generateCodecKeySpec('k1');
    const [old] = await new AesGcmPayloadCodec(parseCodecKeys(first)).encode([toPayload({ customer })]);
    const rotated: CodecKeys = parseCodecKeys(`${first},${generateCodecKeySpec('k2')}`);
    expect(rotated.activeKeyId).toBe('k2');
    const codec = new AesGcmPayloadCodec(rotated);
    const [decoded] = await codec.decode([old as Payload]);
    expect(converter.fromPayload(decoded as Payload)).toEqual({ customer });
  });
});
