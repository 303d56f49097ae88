// The local stack's API keys: one per role, generated once and kept for later starts.
//   <local>/api-keys.json  the gateway's GATEWAY_API_KEYS_FILE (hashes only, not a credential)
//   <local>/api-keys.txt   the keys themselves, mode 600: "<role> <key>" per line
// If either file is missing or the two disagree, both are generated again.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ROLES, generateApiKey, parseApiKeysFile, type Role } from '../client/gateway/api-keys.js';

export type LocalApiKeys = Record<Role, string>;

export function localApiKeyFiles(local: string): { json: string; txt: string } {
  return { json: `${local}/api-keys.json`, txt: `${local}/api-keys.txt` };
}

/** Reads the keys text file: "<role> <key>" lines; # comments and blank lines ignored. */
export function readLocalApiKeys(txtPath: string): Partial<LocalApiKeys> {
  const keys: Partial<LocalApiKeys> = {};
  for (const line of readFileSync(txtPath, 'utf8').split('\n')) {
    const m = /^\s*([a-z-]+)\s+(\S+)\s*$/.exec(line);
    if (m && (ROLES as readonly string[]).includes(m[1]!)) keys[m[1] as Role] = m[2]!;
  }
  return keys;
}

function existing(files: { json: string; txt: string }): LocalApiKeys | undefined {
  if (!existsSync(files.json) || !existsSync(files.txt)) return undefined;
  try {
    const store = parseApiKeysFile(readFileSync(files.json, 'utf8'), files.json);
    const keys = readLocalApiKeys(files.txt);
    const complete = ROLES.every((r) => keys[r] !== undefined && store.authenticate(keys[r])?.role === r);
    return complete ? (keys as LocalApiKeys) : undefined;
  } catch {
    return undefined;
  }
}

/** The keys of `local`, generated on the first start. `generated` tells whether they are new. */
export function ensureLocalApiKeys(local: string): { keys: LocalApiKeys; generated: boolean; files: { json: string; txt: string } } {
  const files = localApiKeyFiles(local);
  const found = existing(files);
  if (found) return { keys: found, generated: false, files };
  const made = ROLES.map((role) => ({ role, ...generateApiKey(`local-${role}`, role) }));
  writeFileSync(files.json, JSON.stringify({ keys: made.map((m) => m.entry) }, null, 2) + '\n', { mode: 0o600 });
  const text = [
    '# denki-flow local stack API keys, one per role (app: start/read; approver: decide/read;',
    '# operator: everything incl. decoding payloads in the Web UI; read-only: read).',
    '# Use as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Delete both api-keys.* files for new keys.',
    ...made.map((m) => `${m.role} ${m.key}`),
  ].join('\n');
  writeFileSync(files.txt, `${text}\n`, { mode: 0o600 });
  chmodSync(files.txt, 0o600);
  const keys = Object.fromEntries(made.map((m) => [m.role, m.key])) as LocalApiKeys;
  return { keys, generated: true, files };
}
