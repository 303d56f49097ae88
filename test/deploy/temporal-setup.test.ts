// deploy/temporal/setup.sh — the compose stack's one-shot that creates the namespace and registers
// the search attributes — run for real, with the environment docker-compose.yml gives it, against
// the Temporal dev server (SQL visibility like PostgreSQL's): afterwards the namespace lists every
// attribute of workflows/search-attributes.ts with its type, a second run changes nothing, and a
// type conflict fails the setup instead of passing silently.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { createDevServerEnv } from '../support/temporal-env.js';
import { ROOT, envOf, loadCompose } from './deploy-model.js';

const { temporal } = proto;
const setupEnv = envOf(loadCompose().services['temporal-setup']!);
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
