// API keys and roles for the gateway and the codec endpoint. Keys are stored as SHA-256 hashes
// (the keys file is then not itself a credential); a caller presents the key as
// `Authorization: Bearer <key>` or `X-API-Key: <key>`.
//   app       — start lifecycles, read them
//   approver  — answer decisions, read
//   operator  — everything (start, decide, cancel, read, decode payloads in the Web UI)
//   read-only — read
// 'personal-data' (a relay's customer data on the current retailer's side) is for the people who
// judge switchings only — approvers and operators (win-back ban, docs/external-systems/occto-switching.md Appendix A).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const ROLES = ['app', 'approver', 'operator', 'read-only'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['start', 'read', 'decide', 'cancel', 'decode', 'personal-data'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  app: ['start', 'read'],
  approver: ['decide', 'read', 'personal-data'],
  operator: ['start', 'read', 'decide', 'cancel', 'decode', 'personal-data'],
  'read-only': ['read'],
};

export const can = (role: Role, p: Permission): boolean => ROLE_PERMISSIONS[role].includes(p);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the key (64 characters)');

export const apiKeyEntrySchema = z.object({
  /** Who holds the key (an app or a person); logged with each request instead of the key. */
  name: z.string().min(1, 'must name who holds the key').max(100),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  sha256: sha256Hex,
});
export const apiKeysFileSchema = z.object({ keys: z.array(apiKeyEntrySchema).min(1, 'must list at least one key') });
export type ApiKeyEntry = z.infer<typeof apiKeyEntrySchema>;

export interface Caller {
  name: string;
  role: Role;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new random key (URL-safe, 256 bits) with its file entry. */
export function generateApiKey(name: string, role: Role): { key: string; entry: ApiKeyEntry } {
  const key = `dk_${role.replace('-', '')}_${randomBytes(32).toString('base64url')}`;
  return { key, entry: { name, role, sha256: hashApiKey(key) } };
}

export class ApiKeyStore {
  private readonly entries: { hash: Buffer; caller: Caller }[];
  constructor(entries: readonly ApiKeyEntry[]) {
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.sha256)) throw new Error(`API keys: the key of '${e.name}' appears twice (each key needs one role)`);
      seen.add(e.sha256);
    }
    this.entries = entries.map((e) => ({ hash: Buffer.from(e.sha256, 'hex'), caller: { name: e.name, role: e.role } }));
  }

  /** The caller holding `key`, or undefined. Compares hashes in constant time. */
  authenticate(key: string | undefined): Caller | undefined {
    if (!key) return undefined;
    const h = createHash('sha256').update(key, 'utf8').digest();
    let found: Caller | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.hash, h)) found = e.caller;
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  const a = Array.isArray(auth) ? auth[0] : auth;
  if (a && /^bearer\s+/i.test(a)) return a.replace(/^bearer\s+/i, '').trim() || undefined;
  const x = headers['x-api-key'];
  return (Array.isArray(x) ? x[0] : x)?.trim() || undefined;
}

/** Parses a keys file's text; errors name the entry and field, never a key. */
export function parseApiKeysFile(text: string, source = 'API keys file'): ApiKeyStore {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const r = apiKeysFileSchema.safeParse(json);
  if (!r.success) throw new Error(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
  return new ApiKeyStore(r.data.keys);
}

export function loadApiKeysFile(path: string): ApiKeyStore {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`GATEWAY_API_KEYS_FILE: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseApiKeysFile(text, `GATEWAY_API_KEYS_FILE '${path}'`);
}
