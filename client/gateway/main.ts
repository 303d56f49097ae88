#!/usr/bin/env node
// The gateway process: configuration from the environment (client/gateway/config.ts), a Temporal
// client with the payload codec, the codec endpoint for the Web UI under /codec, listen, and one JSON line on stdout once listening:
//   {"gateway":{"url":"http://127.0.0.1:8080","docs":"http://127.0.0.1:8080/docs"}}
// SIGTERM / SIGINT close the server (in-flight requests finish) and the Temporal connection.
// Logs (pino JSON) go to stderr.
//
// The Temporal connection is lazy: the gateway starts even while Temporal is still coming up, and
// answers 503 until it is reachable, instead of failing to start.
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { createLogger } from '../../platform/logging.js';
import { createTemporalClient } from '../../platform/temporal-client.js';
import { loadGatewayConfig } from './config.js';
import { buildGateway } from './server.js';
import { registerCodecRoutes } from '../codec-server.js';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  // Logs go to stderr: stdout carries only the one line above, for scripts to read.
  const logger = createLogger(config.logLevel, 'denki-flow-gateway', pino.destination({ dest: 2, sync: false }));
  const connection = Connection.lazy({ address: config.temporal.address });
  const client = await createTemporalClient({ connection, namespace: config.temporal.namespace, codecKeys: config.codecKeys });
  const app = await buildGateway({
    client,
    apiKeys: config.apiKeys,
    logger,
    bulkRowsPerSecond: config.bulkRowsPerSecond,
    // The Web UI's codec endpoint (operators only, API key or login session; CORS for the UI's origins).
    register: async (a) => {
      await a.register(registerCodecRoutes, { prefix: '/codec', keys: config.codecKeys, allowedOrigins: config.codecCorsOrigins, apiKeys: config.apiKeys, logger });
    },
  });
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  process.stdout.write(`${JSON.stringify({ gateway: { url, docs: `${url}/docs` } })}\n`);
  logger.info({ url, temporal: config.temporal.address, namespace: config.temporal.namespace, apiKeys: config.apiKeys.size }, 'gateway listening');

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'gateway closing');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app
      .close()
      .then(() => connection.close())
      .then(
        () => logger.flush(() => process.exit(0)),
        () => logger.flush(() => process.exit(1)),
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // Configuration errors name the variable and the rule, never a secret value.
  process.stderr.write(`gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
