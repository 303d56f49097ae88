// `docker compose run --rm dev-secrets` (or `npx tsx deploy/make-dev-secrets.ts` on a machine with
// Node): writes deploy/secrets/ for a trial against the simulators (deploy/dev-secrets.ts).
//   DEV_SECRETS_DIR        where (default deploy/secrets next to this file)
//   DENKI_COMPANIES        事業者コード, comma-separated (as the workers')
//   DEV_PKI_SERVER_NAMES   host names of the simulators (compose service names), comma-separated
// Run as root in the container, it hands the files to the owner of the directory (the person who
// checked out the repository), so they can be read, rotated and deleted without root.
import { chownSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevSecrets } from './dev-secrets.js';

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

async function main(): Promise<void> {
  const dir = process.env.DEV_SECRETS_DIR || fileURLToPath(new URL('./secrets', import.meta.url));
  const companies = list(process.env.DENKI_COMPANIES);
  const serverNames = list(process.env.DEV_PKI_SERVER_NAMES);
  if (companies.length === 0) throw new Error('DENKI_COMPANIES is required: the 事業者コード the workers operate for, comma-separated');
  const { files, written } = await ensureDevSecrets({ dir, companies, serverNames });

  if (process.getuid?.() === 0) {
    const { uid, gid } = statSync(dir);
    if (uid !== 0) {
      for (const f of [dir, ...readdirSync(dir).map((n) => join(dir, n)), ...readdirSync(files.pkiDir).map((n) => join(files.pkiDir, n))]) chownSync(f, uid, gid);
    }
  }
  console.log(written.length ? `written:\n  ${written.join('\n  ')}` : `${dir}: every file was already there; nothing changed`);
  console.log(`gateway API keys (one per role): ${files.apiKeysText}`);
}

main().catch((err: unknown) => {
  console.error(`dev-secrets: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
