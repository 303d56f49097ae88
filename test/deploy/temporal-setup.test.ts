// deploy/temporal/setup.sh — the compose stack's one-shot that creates the namespace and registers
// the search attributes — run for real, with the environment docker-compose.yml gives it, against
// the Temporal dev server (SQL visibility like PostgreSQL's): afterwards the namespace lists every
// attribute of workflows/search-attributes.ts with its type, a second run changes nothing, and a
// type conflict fails the setup instead of passing silently.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { createDevServerEnv } from '../support/temporal-env.js';
import { ROOT, envOf, loadCompose } from './deploy-model.js';

const compose = loadCompose();

const { temporal } = proto;
const setupEnv = envOf(compose.services['temporal-setup']!);
let env: TestWorkflowEnvironment;

async function runSetup(overrides: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const cliDir = dirname(inject('temporalCli'));
  try {
    const { stdout, stderr } = await promisify(execFile)('sh', [join(ROOT, 'deploy/temporal/setup.sh')], {
      env: { PATH: `${cliDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp', ...setupEnv, TEMPORAL_ADDRESS: env.address, ...overrides },
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

async function customAttributes(namespace: string): Promise<Record<string, string>> {
  const r = await env.connection.operatorService.listSearchAttributes({ namespace });
  return Object.fromEntries(Object.entries(r.customAttributes ?? {}).map(([k, v]) => [k, temporal.api.enums.v1.IndexedValueType[v].replace('INDEXED_VALUE_TYPE_', '')]));
}

beforeAll(async () => {
  env = await createDevServerEnv();
});

afterAll(async () => {
  await env?.teardown();
});

describe('deploy/temporal/setup.sh (temporal-setup service)', () => {
  it('creates the namespace and registers every search attribute the workflows set; a second run changes nothing', async () => {
    const ns = setupEnv.DENKI_NAMESPACE!;
    expect(ns).toBe('denki-flow');
    const first = await runSetup();
    expect(first.output).toContain(`namespace ${ns}: search attributes registered`);
    expect(first.code).toBe(0);

    const described = await env.connection.workflowService.describeNamespace({ namespace: ns });
    expect(described.namespaceInfo?.name).toBe(ns);
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 24 * 3600); // DENKI_NAMESPACE_RETENTION 30d
    const wanted = Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, k.type]));
    expect(await customAttributes(ns)).toEqual(wanted);

    const second = await runSetup();
    expect(second.code).toBe(0);
    expect(second.output).toContain(`namespace ${ns} exists`);
    expect(await customAttributes(ns)).toEqual(wanted);
  });

  it('fails, naming the attribute, when one exists with another type or an entry is malformed', async () => {
    const conflict = await runSetup({ DENKI_NAMESPACE: 'denki-flow-conflict', DENKI_SEARCH_ATTRIBUTES: 'DenkiKind=Keyword' });
    expect(conflict.code).toBe(0);
    const retyped = await runSetup({ DENKI_NAMESPACE: 'denki-flow-conflict', DENKI_SEARCH_ATTRIBUTES: 'DenkiKind=Bool', DENKI_SETUP_ATTEMPTS: '1' });
    expect(retyped.code).not.toBe(0);
    expect(retyped.output).toMatch(/DenkiKind already exists and has different type/);
    const malformed = await runSetup({ DENKI_NAMESPACE: 'denki-flow-conflict', DENKI_SEARCH_ATTRIBUTES: 'DenkiKind' });
    expect(malformed.code).toBe(2);
    expect(malformed.output).toContain("DENKI_SEARCH_ATTRIBUTES entry 'DenkiKind' must be Name=Type");
  });
});

describe('deploy/temporal/*.sh', () => {
  it('are POSIX sh (the admin-tools and server images have busybox sh, not bash)', async () => {
    for (const f of readdirSync(join(ROOT, 'deploy/temporal')).filter((n) => n.endsWith('.sh'))) {
      await expect(promisify(execFile)('sh', ['-n', join(ROOT, 'deploy/temporal', f)]), f).resolves.toBeDefined();
    }
  });

  it('schema.sh creates and upgrades both databases with the password from the secret file', async () => {
    // Stand-ins for the admin-tools binaries: they record their arguments and the password they see.
    const bin = mkdtempSync(join(tmpdir(), 'denki-schema-bin-'));
    try {
      const log = join(bin, 'calls.log');
      writeFileSync(join(bin, 'temporal-sql-tool'), `#!/bin/sh\necho "pw=$SQL_PASSWORD $*" >> ${log}\n`);
      writeFileSync(join(bin, 'nc'), '#!/bin/sh\nexit 0\n');
      for (const f of ['temporal-sql-tool', 'nc']) chmodSync(join(bin, f), 0o755);
      const pwFile = join(bin, 'pw');
      writeFileSync(pwFile, 's3cret\n');
      const env = { ...envOf(compose.services['temporal-schema']!), POSTGRES_PWD_FILE: pwFile, PATH: `${bin}:${process.env.PATH ?? ''}` };
      const { stdout } = await promisify(execFile)('sh', [join(ROOT, 'deploy/temporal/schema.sh')], { env });
      expect(stdout).toContain('Temporal schemas are current');
      const base = `pw=s3cret --plugin postgres12 --ep postgresql -p 5432 -u temporal`;
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        `${base} --db temporal create`,
        `${base} --db temporal setup-schema -v 0.0`,
        `${base} --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned`,
        `${base} --db temporal_visibility create`,
        `${base} --db temporal_visibility setup-schema -v 0.0`,
        `${base} --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned`,
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
