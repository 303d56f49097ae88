/**
 * Development / test PKI for the OCCTO mutual-TLS link (never for production).
 *
 * createDevPki() makes, with @peculiar/x509 over Node's webcrypto (ECDSA P-256, SHA-256):
 *   - a CA,
 *   - a server certificate for localhost / 127.0.0.1 (serverAuth),
 *   - one client certificate per company, subject CN = the 5-digit 事業者コード (clientAuth),
 *   - an expired client certificate for the first company (validity ended yesterday),
 *   - a client certificate for the first company signed by a different ("foreign") CA.
 * Keys are PKCS#8 PEM. With `dir`, the files are written there and reused by the next call (the local
 * stack calls this on each start): a CA valid for more than 7 days is kept, and so is every
 * certificate it issued that is valid for more than 7 days; missing or expiring ones are reissued
 * (all of them when the CA is).
 */
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

export interface PemPair {
  cert: string;
  key: string;
}

export interface DevPki {
  ca: PemPair;
  server: PemPair;
  /** Keyed by 事業者コード. */
  clients: Record<string, PemPair>;
  /** For companies[0]; notAfter = yesterday. */
  expiredClient: PemPair;
  /** For companies[0]; signed by a CA the server does not trust. */
  foreignClient: PemPair;
  /** Where the files are, when `dir` was given. */
  dir?: string;
}

export interface DevPkiOptions {
  companies: string[];
  dir?: string;
  /** Validity of the CA and the leaf certificates; default 825 days. */
  validDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const REUSE_MIN_REMAINING_MS = 7 * DAY_MS;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

// @peculiar/x509 depends on tsyringe, which refuses to load without a Reflect metadata polyfill
// (normally the `reflect-metadata` package, which is not a dependency of this project). tsyringe
// only needs these three functions, so a small WeakMap-based one is installed before the import.
function installReflectMetadataShim(): void {
  const R = Reflect as unknown as Record<string, unknown>;
  if (typeof R['getMetadata'] === 'function') return;
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const own = (target: object, key: unknown) => store.get(target)?.get(key);
  R['defineMetadata'] = (key: unknown, value: unknown, target: object) => {
    let m = store.get(target);
    if (!m) store.set(target, (m = new Map()));
    m.set(key, value);
  };
  R['getOwnMetadata'] = (key: unknown, target: object) => own(target, key);
  R['hasOwnMetadata'] = (key: unknown, target: object) => store.get(target)?.has(key) ?? false;
  R['getMetadata'] = (key: unknown, target: object) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      if (store.get(t)?.has(key)) return own(t, key);
    }
    return undefined;
  };
  R['hasMetadata'] = (key: unknown, target: object) => (R['getMetadata'] as (k: unknown, t: object) => unknown)(key, target) !== undefined;
}

let x509Promise: Promise<typeof X509> | undefined;
async function loadX509(): Promise<typeof X509> {
  x509Promise ??= (async () => {
    installReflectMetadataShim();
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Promise;
}

const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

async function newKeys(): Promise<CryptoKeyPair> {
  return subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function keyPem(x509: typeof X509, key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKeyPem(x509: typeof X509, pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

interface Issuer {
  cert: X509.X509Certificate;
  key: CryptoKey;
}

async function createCa(x509: typeof X509, cn: string, notBefore: Date, notAfter: Date): Promise<Issuer & { pem: PemPair }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}, O=denki-flow dev`,
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, pem: { cert: cert.toString('pem'), key: await keyPem(x509, keys.privateKey) } };
}

async function createLeaf(
  x509: typeof X509,
  issuer: Issuer,
  opts: { subject: string; usage: 'server' | 'client'; notBefore: Date; notAfter: Date; san?: { dns: string[]; ip: string[] } },
): Promise<PemPair> {
  const keys = await newKeys();
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension([opts.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
  ];
  if (opts.san) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...opts.san.dns.map((value) => ({ type: 'dns' as const, value })),
        ...opts.san.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: opts.subject,
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await keyPem(x509, keys.privateKey) };
}

function checkCompanies(companies: string[]): void {
  if (companies.length === 0) throw new RangeError('createDevPki: companies must name at least one 事業者コード');
  for (const c of companies) {
    if (!/^\d{5}$/.test(c)) throw new RangeError(`createDevPki: company '${c}' must be a 5-digit 事業者コード`);
  }
  if (new Set(companies).size !== companies.length) throw new RangeError('createDevPki: companies must not repeat');
}

/** File names inside `dir`. */
export function devPkiFiles(companies: string[]) {
  const first = companies[0] ?? '';
  return {
    ca: { cert: 'ca.pem', key: 'ca-key.pem' },
    server: { cert: 'server.pem', key: 'server-key.pem' },
    clients: Object.fromEntries(companies.map((c) => [c, { cert: `client-${c}.pem`, key: `client-${c}-key.pem` }])) as Record<string, PemPair>,
    expiredClient: { cert: `client-${first}-expired.pem`, key: `client-${first}-expired-key.pem` },
    foreignClient: { cert: `client-${first}-foreign.pem`, key: `client-${first}-foreign-key.pem` },
  };
}

type LeafKind = 'server' | 'client' | 'expired' | 'foreign';

function leafSpec(kind: LeafKind, code: string, now: number, validDays: number) {
  const notBefore = new Date(now - DAY_MS); // tolerate small clock skew
  const notAfter = new Date(now + validDays * DAY_MS);
  switch (kind) {
    case 'server':
      return { subject: 'CN=localhost, O=denki-flow dev OCCTO simulator', usage: 'server' as const, notBefore, notAfter, san: { dns: ['localhost'], ip: ['127.0.0.1'] } };
    case 'client':
      return { subject: `CN=${code}, O=denki-flow dev retailer`, usage: 'client' as const, notBefore, notAfter };
    case 'expired':
      return { subject: `CN=${code}, O=denki-flow dev retailer (expired)`, usage: 'client' as const, notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now - DAY_MS) };
    case 'foreign':
      return { subject: `CN=${code}, O=denki-flow dev retailer (foreign CA)`, usage: 'client' as const, notBefore, notAfter };
  }
}

function readPair(dir: string, names: PemPair): PemPair | undefined {
  const certPath = join(dir, names.cert);
  const keyPath = join(dir, names.key);
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** The CA in `dir`, if it is readable and valid for more than 7 days. */
async function loadCa(x509: typeof X509, dir: string): Promise<(Issuer & { pem: PemPair }) | undefined> {
  const pem = readPair(dir, devPkiFiles([]).ca);
  if (!pem) return undefined;
  try {
    const cert = new x509.X509Certificate(pem.cert);
    if (cert.notAfter.getTime() <= Date.now() + REUSE_MIN_REMAINING_MS) return undefined;
    return { cert, key: await importKeyPem(x509, pem.key), pem };
  } catch {
    return undefined;
  }
}

/** Whether an existing leaf can stay: issued by `ca` (the foreign one: not), and valid long enough (the expired one: expired). */
async function reusable(x509: typeof X509, ca: Issuer, kind: LeafKind, pair: PemPair | undefined): Promise<boolean> {
  if (!pair) return false;
  try {
    const cert = new x509.X509Certificate(pair.cert);
    await importKeyPem(x509, pair.key);
    const issued = cert.issuer === ca.cert.subject && (await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }));
    const end = cert.notAfter.getTime();
    if (kind === 'expired') return issued && end < Date.now();
    if (kind === 'foreign') return !issued && end > Date.now() + REUSE_MIN_REMAINING_MS;
    return issued && end > Date.now() + REUSE_MIN_REMAINING_MS;
  } catch {
    return false;
  }
}

export async function createDevPki(opts: DevPkiOptions): Promise<DevPki> {
  checkCompanies(opts.companies);
  const validDays = opts.validDays ?? 825;
  if (!(validDays > 0)) throw new RangeError(`createDevPki: validDays must be positive (got ${validDays})`);
  const x509 = await loadX509();
  const { dir, companies } = opts;
  const now = Date.now();
  const files = devPkiFiles(companies);
  const first = companies[0] as string;

  // A CA still valid in `dir` is kept, so certificates already handed out stay trusted.
  const existingCa = dir ? await loadCa(x509, dir) : undefined;
  const ca = existingCa ?? (await createCa(x509, 'denki-flow dev OCCTO CA', new Date(now - DAY_MS), new Date(now + validDays * DAY_MS)));
  if (dir && !existingCa) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writePair(dir, files.ca, ca.pem);
  }

  let foreignCa: Issuer | undefined;
  const leaf = async (kind: LeafKind, code: string, names: PemPair): Promise<PemPair> => {
    const existing = dir && existingCa ? readPair(dir, names) : undefined;
    if (existing && (await reusable(x509, ca, kind, existing))) return existing;
    if (kind === 'foreign') foreignCa ??= await createCa(x509, 'some other CA', new Date(now - DAY_MS), new Date(now + validDays * DAY_MS));
    const pair = await createLeaf(x509, kind === 'foreign' ? (foreignCa as Issuer) : ca, leafSpec(kind, code, now, validDays));
    if (dir) writePair(dir, names, pair);
    return pair;
  };

  const server = await leaf('server', '', files.server);
  const clients: Record<string, PemPair> = {};
  for (const code of companies) clients[code] = await leaf('client', code, files.clients[code] as PemPair);
  const expiredClient = await leaf('expired', first, files.expiredClient);
  const foreignClient = await leaf('foreign', first, files.foreignClient);
  return { ca: ca.pem, server, clients, expiredClient, foreignClient, ...(dir ? { dir } : {}) };
}

function writePair(dir: string, names: PemPair, pair: PemPair): void {
  writeFileSync(join(dir, names.cert), pair.cert, { mode: 0o644 });
  writeFileSync(join(dir, names.key), pair.key, { mode: 0o600 });
}
