// The business-app HTTP gateway: Fastify with zod validation, an OpenAPI 3.1 document generated from
// the same zod schemas, Swagger UI at /docs (assets served from the package: the stack is offline),
// API keys with roles, one error shape, request logs with the caller's name (never keys or bodies).
//
// buildGateway() returns the app without listening; client/gateway/main.ts listens. `register`
// mounts more routes on the same server (e.g. the codec endpoint under /codec).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type pino from 'pino';
import { z } from 'zod';
import type { ApiKeyStore } from './api-keys.js';
import { installAuth } from './auth.js';
import { fromFastifyError, handleError, HttpError, sendError } from './errors.js';
import { installMetrics } from './metrics.js';
import { pruneUnusedSchemas } from './openapi.js';
import { bulkRoutes } from './routes/bulk.js';
import { errorResponses, guarded, rolesNote, SECURITY, type GatewayContext } from './routes/common.js';
import { constructionRoutes } from '../../systems/kansai-takusou/gateway/construction.js';
import { occtoOperationRoutes } from '../../systems/occto/gateway/occto-operations.js';
import { switchingInRoutes } from '../../systems/occto/gateway/switching-in.js';
import { switchingOutRoutes } from '../../systems/occto/gateway/switching-out.js';
import { workRoutes } from './routes/work.js';

export interface GatewayOptions {
  /** Temporal client with the project's data converter (platform/temporal-client.ts). */
  client: Client;
  apiKeys: ApiKeyStore;
  /** platform/logging.ts createLogger(): redacts personal fields and secrets. */
  logger: pino.Logger;
  /** CSV bulk starts per second (GATEWAY_BULK_ROWS_PER_SECOND); default 20. */
  bulkRowsPerSecond?: number;
  /** Rows per bulk request; default 1,000. */
  bulkMaxRows?: number;
  /** Bytes per bulk request; default 2 MiB. */
  bulkMaxBytes?: number;
  /** Bytes per JSON request; default 256 KiB. */
  bodyLimit?: number;
  /** Deadline of reads and queries; default 10 s. */
  readTimeoutMs?: number;
  /** Deadline of decisions (Updates); default 60 s. */
  updateTimeoutMs?: number;
  /** Process metrics (CPU, memory, event loop) in /metrics too; default true. */
  defaultMetrics?: boolean;
  /** Mounts more routes on the same server before it is ready, e.g. the codec endpoint under /codec. */
  register?: (app: FastifyInstance) => Promise<void>;
}

export const GATEWAY_VERSION = '1.0.0';

export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const ctx: GatewayContext = {
    client: opts.client,
    logger: opts.logger,
    bulkRowsPerSecond: opts.bulkRowsPerSecond ?? 20,
    bulkMaxRows: opts.bulkMaxRows ?? 1_000,
    bulkMaxBytes: opts.bulkMaxBytes ?? 2 * 1024 * 1024,
    readTimeoutMs: opts.readTimeoutMs ?? 10_000,
    updateTimeoutMs: opts.updateTimeoutMs ?? 60_000,
  };
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }), // one line per request below, with the caller's name
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 300, ignoreTrailingSlash: true },
    // Bad percent-encoding and over-long path parameters get the one error shape too.
    frameworkErrors: (err: FastifyError, _req, reply) => sendError(reply, fromFastifyError(err)),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]} (see /docs)`, [{ field: 'url', rule: 'route', message: 'no such route' }])),
  );

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    // Who did what: the caller's name and role, never the key; the route template and the workflow
    // ID (business keys only), never bodies or query values.
    const params = req.params as { workflowId?: string } | undefined;
    req.log.info(
      {
        caller: req.caller?.name ?? 'anonymous',
        role: req.caller?.role,
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        workflowId: params?.workflowId,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  const metrics = installMetrics(app as unknown as FastifyInstance, { defaultMetrics: opts.defaultMetrics ?? true });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'denki-flow gateway',
        version: GATEWAY_VERSION,
        description:
          'Start and follow the back-office lifecycles of denki-flow (OCCTO switching, other OCCTO operations, Kansai T&D たくそう君 construction applications), answer the decisions they wait for, and list the work awaiting a person. ' +
          'Authenticate with an API key: `Authorization: Bearer <key>` (or `X-API-Key: <key>`). Every error has the shape `{ error: { code, message, violations: [{ field, rule, message }] } }`. ' +
          'Workflow IDs go in paths URL-encoded as one segment. Unknown fields and query parameters are refused. See docs/integrator-guide.md.',
      },
      tags: [
        { name: 'switching-in', description: 'スイッチング(新小売): the new retailer switches a customer in' },
        { name: 'switching-out', description: 'スイッチング(現小売): incoming 廃止取次, judged by a person' },
        { name: 'construction', description: 'たくそう君 construction applications to Kansai T&D' },
        { name: 'occto-operations', description: '設備情報照会, 使用量情報照会, 再点, 廃止・撤去, アンペア変更, 需要者情報変更' },
        { name: 'work', description: 'Work awaiting a person, across lifecycles' },
        { name: 'bulk', description: 'Bulk starts from CSV' },
        { name: 'service', description: 'Health, metrics, this document' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from GATEWAY_API_KEYS_FILE (roles app, approver, operator, read-only)' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key, for clients that cannot set Authorization' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (d) => pruneUnusedSchemas(jsonSchemaTransformObject(d) as never),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: false } });

  // ---- public ------------------------------------------------------------------------------------
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', {
    schema: {
      tags: ['service'],
      operationId: 'health',
      summary: 'Liveness (public)',
      security: [],
      querystring: z.object({}).strict(),
      response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) },
    },
    handler: async () => ({ status: 'ok' as const, version: GATEWAY_VERSION }),
  });

  // ---- API (every route needs a key and a permission) ---------------------------------------------
  await app.register(async (api) => {
    installAuth(api, opts.apiKeys);
    // JSON only (CSV in the bulk routes): a text/plain body gets 415, not a confusing type error.
    api.removeContentTypeParser('text/plain');
    // JSON is UTF-8 (RFC 8259): another declared charset is refused rather than misread.
    api.addHook('preParsing', async (req) => {
      const ct = req.headers['content-type'] ?? '';
      const charset = /^application\/json\s*;.*charset\s*=\s*"?([^";\s]+)/i.exec(ct)?.[1]?.toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `JSON must be UTF-8 (got charset '${charset}')`, [
          { field: 'headers.content-type', rule: 'charset', message: `JSON must be UTF-8 (got charset '${charset}')` },
        ]);
      }
    });
    api.get('/metrics', {
      ...guarded('read'),
      schema: {
        tags: ['service'],
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Request counts by route template and status, durations.' + rolesNote('read'),
        security: SECURITY,
        querystring: z.object({}).strict(),
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses() },
      },
      // The exposition text goes out as it is (no JSON serialisation).
      handler: async (_req, reply) => reply.type(metrics.registry.contentType).serializer((p) => p as string).send(await metrics.registry.metrics()),
    });
    await api.register(switchingInRoutes(ctx));
    await api.register(switchingOutRoutes(ctx));
    await api.register(constructionRoutes(ctx));
    await api.register(occtoOperationRoutes(ctx));
    await api.register(workRoutes(ctx));
    await api.register(bulkRoutes(ctx));
  });

  if (opts.register) await opts.register(app as unknown as FastifyInstance);
  await app.ready();
  return app as unknown as FastifyInstance;
}
