// The secret and certificate files docker-compose.yml expects in deploy/secrets/, generated for a
// trial of the stack against the simulators (`docker compose run --rm dev-secrets`). In production
// the operator puts the real files there instead (docs/deploy.md lists them); nothing here is used.
//
//   postgres-password.txt       PostgreSQL password of the `temporal` user
//   payload-keys.txt            DENKI_PAYLOAD_KEYS: "keyId:base64(32 bytes)" (AES-256-GCM payload codec)
//   api-keys.json               GATEWAY_API_KEYS_FILE: hashes and roles only
//   api-keys.txt                the keys themselves, "<role> <key>" per line — for the person, not mounted
//   occto-password-<code>.txt   OCCTO API password per company (the OCCTO simulator's dev password)
//   pki/                        dev CA, the simulators' server certificate (valid for the compose
//                               service names), a client certificate and key per company
//
// Existing files are kept, so running it again changes nothing (delete a file to renew it).
import { webcrypto, X509Certificate, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, generateApiKey } from '../client/gateway/api-keys.js';
import { generateCodecKeySpec } from '../platform/payload-codec.js';
import { createDevPki, devPkiFiles } from '../simulators/shared/dev-pki.js';

export interface DevSecretsOptions {
  /** deploy/secrets (created if missing). */
  dir: string;
  /** 事業者コード, as in DENKI_COMPANIES; the first one must be the たくそう君 simulator's PKI company. */
  companies: string[];
  /** Host names the simulators are reached by (compose service names), besides localhost. */
  serverNames: string[];
}

export interface DevSecrets {
  /** Absolute paths by role. */
  files: {
    postgresPassword: string;
    payloadKeys: string;
    apiKeysJson: string;
    apiKeysText: string;
    occtoPasswords: Record<string, string>;
    pkiDir: string;
  };
  /** Files written by this call (the rest existed). */
  written: string[];
}

/** The OCCTO simulator's dev password of a company (systems/occto/simulator/main.ts, when none is configured). */
export const simulatorDevPassword = (code: string): string => `dev-password-${code}`;

export function devSecretFiles(dir: string, companies: string[]): DevSecrets['files'] {
  return {
    postgresPassword: join(dir, 'postgres-password.txt'),
    payloadKeys: join(dir, 'payload-keys.txt'),
    apiKeysJson: join(dir, 'api-keys.json'),
    apiKeysText: join(dir, 'api-keys.txt'),
    occtoPasswords: Object.fromEntries(companies.map((c) => [c, join(dir, `occto-password-${c}.txt`)])),
    pkiDir: join(dir, 'pki'),
  };
}

export async function ensureDevSecrets(o: DevSecretsOptions): Promise<DevSecrets> {
  const files = devSecretFiles(o.dir, o.companies);
  const written: string[] = [];
  mkdirSync(o.dir, { recursive: true });
  const writeOnce = (path: string, content: () => string) => {
    if (existsSync(path)) return;
    writeFileSync(path, content());
    written.push(path);
  };

  writeOnce(files.postgresPassword, () => `${randomBytes(24).toString('base64url')}\n`);
  // Key ID = the date: after a rotation the files show which key is which (docs/deploy.md).
  writeOnce(files.payloadKeys, () => `${generateCodecKeySpec(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`)}\n`);
  if (!existsSync(files.apiKeysJson) || !existsSync(files.apiKeysText)) {
    const made = ROLES.map((role) => ({ role, ...generateApiKey(`dev-${role}`, role) }));
    writeFileSync(files.apiKeysJson, `${JSON.stringify({ keys: made.map((m) => m.entry) }, null, 2)}\n`);
    writeFileSync(
      files.apiKeysText,
      [
        '# denki-flow gateway API keys, one per role (app: start/read; approver: decide/read; operator:',
        '# everything incl. decoding payloads in the Web UI; read-only: read). The gateway only holds',
        '# their hashes (api-keys.json). Use as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
        ...made.map((m) => `${m.role} ${m.key}`),
        '',
      ].join('\n'),
    );
    written.push(files.apiKeysJson, files.apiKeysText);
  }
  for (const code of o.companies) writeOnce(files.occtoPasswords[code]!, () => `${simulatorDevPassword(code)}\n`);

  const before = snapshot(files.pkiDir);
  await createDevPki({ companies: o.companies, dir: files.pkiDir });
  await ensureServerNames(files.pkiDir, o.serverNames);
  for (const [name, mtime] of Object.entries(snapshot(files.pkiDir))) if (before[name] !== mtime) written.push(join(files.pkiDir, name));

  // Readable by the containers' users (node, temporal, postgres: not the owner of these files);
  // the directory itself is closed to other users of the host. pki/ is mounted as a directory.
  chmodSync(o.dir, 0o700);
  chmodSync(files.pkiDir, 0o755);
  for (const f of [...readdirSync(o.dir).map((n) => join(o.dir, n)), ...readdirSync(files.pkiDir).map((n) => join(files.pkiDir, n))]) {
    if (statSync(f).isFile() && !f.endsWith('.gitignore')) chmodSync(f, f === files.apiKeysText ? 0o600 : 0o644);
  }
  return { files, written };
}

function snapshot(dir: string): Record<string, number> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).mtimeMs]));
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * simulators/shared/dev-pki.ts issues the server certificate for localhost only; in compose the workers
 * reach the simulators as https://occto-sim:… and https://takusou-sim:…, and TLS checks the name.
 * Reissues server.pem from the same CA when a name is missing. Runs after createDevPki(), which has
 * loaded @peculiar/x509 (with the metadata shim its dependency needs) — the import below reuses it.
 * createDevPki() keeps this certificate on later starts: issued by its CA, valid long enough.
 */
export async function ensureServerNames(pkiDir: string, names: string[]): Promise<void> {
  const f = devPkiFiles([]);
  const serverPem = readFileSync(join(pkiDir, f.server.cert), 'utf8');
  const current = new X509Certificate(serverPem);
  if (names.every((n) => current.checkHost(n) === n)) return;

  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const ca = new x509.X509Certificate(readFileSync(join(pkiDir, f.ca.cert), 'utf8'));
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(readFileSync(join(pkiDir, f.ca.key), 'utf8')), ALG, true, ['sign']);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost, O=denki-flow dev OCCTO simulator',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(Math.min(now + 825 * DAY_MS, ca.notAfter.getTime())),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
      new x509.SubjectAlternativeNameExtension([
        ...['localhost', ...names].map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip' as const, value: '127.0.0.1' },
      ]),
    ],
  });
  const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  writeFileSync(join(pkiDir, f.server.key), keyPem, { mode: 0o600 });
  writeFileSync(join(pkiDir, f.server.cert), cert.toString('pem'), { mode: 0o644 });
}
