// Temporal servers for tests, from the binaries scripts/ensure-temporal.sh installed (registries
// only): the Java time-skipping test server, or the CLI dev server. Never downloaded at run time.
import { inject } from 'vitest';
import proto from '@temporalio/proto';

const { temporal } = proto; // CommonJS package: named ESM imports fail under plain Node
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { SINGLE_PARTITION_ARGS } from '../../scripts/dev-server-args.js';
import { createDataConverter } from '../../platform/data-converter.js';
import { parseCodecKeys } from '../../platform/payload-codec.js';

/**
 * The tests' payload key: fixed (test-only, not a secret) so that recorded histories in
 * test/replay/ stay decodable.
 */
export const TEST_KEY_SPEC = 'test:ZGVua2ktZmxvdyB0ZXN0IGtleSwgbm90IHNlY3JldCE=';
export const TEST_CODEC_KEYS = parseCodecKeys(TEST_KEY_SPEC);
const client = { dataConverter: createDataConverter(TEST_CODEC_KEYS) };

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger((process.env.TEST_SDK_LOG_LEVEL as 'ERROR') ?? 'ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await withStartRetries(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
      client,
    }),
  );
  // The Java test server knows no custom search attributes until told, like a real cluster.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}` as 'INDEXED_VALUE_TYPE_KEYWORD']]),
    ),
  });
  return env;
}

/**
 * The SDK gives a server 5 s to come up; a JVM on a busy 2-core machine can need more. A start
 * that timed out is tried again (the SDK stops the process it started).
 */
async function withStartRetries<T>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (err) {
      if (i >= attempts || !/did not start within/.test(String((err as Error).message))) throw err;
    }
  }
}

export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return withStartRetries(() => TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: inject('temporalCli') },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error', ...SINGLE_PARTITION_ARGS],
    },
    client,
  }));
}
