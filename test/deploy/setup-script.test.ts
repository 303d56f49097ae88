// scripts/setup.sh, what both README commands run first on a fresh machine: it puts the pinned
// Node first on PATH (bootstrapping it from the npm registry's `node` package when the machine has
// another), and installs missing Debian packages or says which ones it cannot.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; engines: { node: string } };
const pinned = pkg.devDependencies.node!;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the repository's set-up script and package.json, with no node_modules: a fresh clone. */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'denki-setup-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(ROOT, 'scripts/setup.sh'), join(dir, 'scripts/setup.sh'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return dir;
}

/** PATH as the machine has it, without this repository's node_modules/.bin. */
const machinePath = () => (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);

async function bash(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('bash', ['-c', script], { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('scripts/setup.sh', () => {
  it('pins a Node 24 that package.json engines allows', () => {
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(pkg.engines.node).toMatch(/^>=24\.\d+\.\d+ <25$/);
  });

  it("puts the pinned Node first on PATH, bootstrapping it from the npm registry when the machine's Node is another", async () => {
    const dir = freshClone();
    const path = machinePath();
    const before = await bash('node --version', { PATH: path });
    const r = await bash(`. scripts/setup.sh && ensure_node && node --version && command -v node`, { PATH: path });
    const inDir = await bash(`cd ${JSON.stringify(dir)} && . scripts/setup.sh && ensure_node && node --version && command -v node`, { PATH: path });
    expect(r.code, r.stderr).toBe(0); // in the repository itself: node_modules/.bin/node
    expect(r.stdout.split('\n')[0]).toBe(`v${pinned}`);
    expect(inDir.code, inDir.stderr).toBe(0);
    const [version, where] = inDir.stdout.trim().split('\n');
    expect(version).toBe(`v${pinned}`);
    if (before.stdout.trim() !== `v${pinned}`) {
      // The machine has another Node (Node 20 here): the bootstrap copy in .cache/ serves.
      expect(where).toBe(join(dir, `.cache/node-${pinned}/node_modules/.bin/node`));
      expect(inDir.stderr).toContain(`installing Node.js ${pinned}`);
      // A second run finds it and installs nothing.
      const again = await bash(`cd ${JSON.stringify(dir)} && . scripts/setup.sh && ensure_node && node --version`, { PATH: path });
      expect(again.stdout.trim()).toBe(`v${pinned}`);
      expect(again.stderr).not.toContain('installing');
    }
  });

  it('installs nothing when every Debian package is there; names the packages it cannot install', async () => {
    const dir = freshClone();
    const ok = await bash(`cd ${JSON.stringify(dir)} && . scripts/setup.sh && ensure_debian_packages 'true|some-package' 'echo x | grep -q x|other-package'`, { PATH: machinePath() });
    expect(ok).toMatchObject({ code: 0, stderr: '' });

    // Not root, no sudo: it stops at once naming the packages and the command to run.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'id'), '#!/bin/sh\necho 1000\n');
    chmodSync(join(bin, 'id'), 0o755);
    for (const tool of ['bash', 'grep', 'sed', 'head']) {
      const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
      if (found) symlinkSync(found, join(bin, tool));
    }
    const noSudo = await bash(
      `cd ${JSON.stringify(dir)} && . scripts/setup.sh && ensure_debian_packages 'true|present' 'false|chromium' 'echo | grep -q x|fonts-ipafont-gothic'`,
      { PATH: bin },
    );
    expect(noSudo.code).toBe(1);
    expect(noSudo.stderr).toContain('missing Debian package(s) chromium fonts-ipafont-gothic, and this user is not root and has no sudo');
    expect(noSudo.stderr).toContain('apt-get install chromium fonts-ipafont-gothic');
    expect(noSudo.stderr).not.toContain('present');
  });
});
