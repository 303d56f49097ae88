// simulators/shared/dev-pki.ts: certificates Node's TLS accepts, and reuse of the files in `dir`.
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevPki, devPkiFiles } from '../../simulators/shared/dev-pki.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dev-pki-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('createDevPki', () => {
  it('issues a CA, a localhost server cert, client certs with CN = 事業者コード, an expired and a foreign one', async () => {
    const pki = await createDevPki({ companies: ['12346', '23456'] });
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.server.cert);
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    for (const code of ['12346', '23456']) {
      const c = new X509Certificate(pki.clients[code]?.cert ?? '');
      expect(c.subject).toContain(`CN=${code}`);
      expect(c.verify(ca.publicKey)).toBe(true);
      expect(c.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    }
    const expired = new X509Certificate(pki.expiredClient.cert);
    expect(expired.subject).toContain('CN=12346');
    expect(Date.parse(expired.validTo)).toBeLessThan(Date.now());
    expect(new X509Certificate(pki.foreignClient.cert).verify(ca.publicKey)).toBe(false);
    expect(pki.clients['12346']?.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('writes the files to dir and reuses them; keeps the CA when a company is added or a file is lost', async () => {
    const dir = tempDir();
    const first = await createDevPki({ companies: ['12346'], dir });
    const files = devPkiFiles(['12346', '23456']);
    expect(readFileSync(join(dir, files.ca.cert), 'utf8')).toBe(first.ca.cert);

    const again = await createDevPki({ companies: ['12346'], dir });
    expect(again).toEqual(first);

    const more = await createDevPki({ companies: ['12346', '23456'], dir });
    expect(more.ca).toEqual(first.ca);
    expect(more.clients['12346']).toEqual(first.clients['12346']);
    expect(readFileSync(join(dir, files.clients['23456']?.key ?? ''), 'utf8')).toBe(more.clients['23456']?.key);

    unlinkSync(join(dir, files.server.cert));
    const healed = await createDevPki({ companies: ['12346', '23456'], dir });
    expect(healed.ca).toEqual(first.ca);
    expect(healed.server).not.toEqual(first.server);
    expect(new X509Certificate(healed.server.cert).verify(new X509Certificate(first.ca.cert).publicKey)).toBe(true);
  });

  it('reissues everything when the CA in dir expires within 7 days', async () => {
    const dir = tempDir();
    const short = await createDevPki({ companies: ['12346'], dir, validDays: 5 });
    const renewed = await createDevPki({ companies: ['12346'], dir });
    expect(renewed.ca).not.toEqual(short.ca);
    expect(renewed.clients['12346']).not.toEqual(short.clients['12346']);
  });

  it('refuses malformed company codes', async () => {
    await expect(createDevPki({ companies: ['1234'] })).rejects.toThrow(/5-digit/);
    await expect(createDevPki({ companies: [] })).rejects.toThrow();
  });
});
