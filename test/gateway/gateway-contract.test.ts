// The gateway's contract without a running lifecycle: the OpenAPI 3.1 document (valid, every route
// with its schemas, generated from the domain schemas), the Swagger UI served from local assets,
// 401 vs 403 for every route and role, public routes, Temporal unreachable → 503, request logs
// (caller's name, never a key or a body), metrics, and the gateway process (one JSON line, clean
// SIGTERM). Temporal is deliberately unreachable here: nothing below needs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type z } from 'zod';
import { ROLES, ROLE_PERMISSIONS, can } from '../../client/gateway/api-keys.js';
import { createTemporalClient } from '../../platform/temporal-client.js';
import { switchingInInputSchema } from '../../systems/occto/domain/switching-in.js';
import { APPLICATION_OPERATIONS } from '../../systems/occto/domain/occto-operation-inputs.js';
import { startTs } from '../support/processes.js';
import { TEST_CODEC_KEYS, TEST_KEY_SPEC } from '../support/temporal-env.js';
import { checkOpenApi31 } from './openapi-check.js';
import { validate } from '@readme/openapi-parser';
import { API_ROUTES, IDS } from './routes-table.js';
import { API_KEYS, KEYS, call, isErrorShape, startGateway, type TestGateway } from './support.js';

let gw: TestGateway;
let connection: Connection;
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema: { $ref?: string; description?: string } }> }; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown; oneOf?: unknown[] }> };
};
let doc: Doc;

beforeAll(async () => {
  // Nothing listens on port 1: every Temporal call fails, quickly (1 s deadline).
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 300 });
  const client = await createTemporalClient({ connection, codecKeys: TEST_CODEC_KEYS });
  gw = await startGateway(client, { readTimeoutMs: 1_000, updateTimeoutMs: 1_000 });
  const r = await call<Doc>(gw.url, 'GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
});

afterAll(async () => {
  await gw?.close();
  await connection?.close();
});

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(checkOpenApi31(doc)).toEqual([]);
    // And by an independent validator against the official OAS 3.1 schema, $refs resolved.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('lists every route, each with its permission, security, parameters, body and error schemas — and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect([...documented].sort()).toEqual([...API_ROUTES.map((r) => `${r.method} ${r.template}`), 'GET /healthz'].sort());
    for (const r of API_ROUTES) {
      const op = doc.paths[r.template]![r.method.toLowerCase()]!;
      expect(op.security, r.template).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
      expect((op as { description?: string }).description, r.template).toContain(`Permission \`${r.permission}\``);
      for (const code of ['400', '401', '403', '503']) expect(op.responses[code]?.content?.['application/json']?.schema.$ref, `${r.template} ${code}`).toBe('#/components/schemas/Error');
      if (r.template.includes('{workflowId}')) expect(JSON.stringify((op as { parameters?: unknown }).parameters)).toContain('"in":"path"');
      if (r.body) expect(op.requestBody?.content['application/json']?.schema.$ref, r.template).toMatch(/^#\/components\/schemas\/\w+Input$/);
      if (r.csv) {
        const csv = op.requestBody?.content['text/csv']?.schema;
        expect(csv?.description, r.template).toContain('| `company` |');
        expect(op.responses['200']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/BulkResult');
      }
    }
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.paths['/v1/switching-in']!.post!.responses['201']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/StartResult');
  });

  it('describes the start bodies with the domain schemas themselves (the ones that validate the requests)', () => {
    const si = doc.components.schemas.SwitchingInInput!;
    const shape = Object.keys((switchingInInputSchema as unknown as z.ZodObject).shape);
    expect(Object.keys(si.properties ?? {}).sort()).toEqual(shape.sort());
    expect(si.additionalProperties).toBe(false); // .strict(): unknown fields refused
    expect([...(si.required ?? [])].sort()).toEqual(['category', 'company', 'customer', 'supplyPointId', 'supplyStartDate']);
    // The discriminated union of the OCCTO applications, one branch per kind, as in the domain.
    const documented = doc.components.schemas.OcctoApplicationInput as { oneOf: { properties: { kind: { const: string } } }[] };
    expect(documented.oneOf.map((o) => o.properties.kind.const)).toEqual([...APPLICATION_OPERATIONS]);
    expect(doc.components.schemas.CustomerInput?.properties).toHaveProperty('kana');
  });

  it('is the same at /docs/json (what the Swagger UI shows)', async () => {
    const r = await call(gw.url, 'GET', '/docs/json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(doc);
  });
});

describe('Swagger UI at /docs', () => {
  it('serves HTML whose scripts and styles all load from the gateway itself (the stack is offline)', async () => {
    const page = await fetch(`${gw.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref, 'no CDN or other host').not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(ref, page.url));
      expect(res.status, ref).toBe(200);
      expect((await res.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
    expect(refs.some((r) => r.endsWith('swagger-ui-bundle.js'))).toBe(true);
    const init = await (await fetch(new URL('./static/swagger-initializer.js', page.url.endsWith('/') ? page.url : `${page.url}/`))).text();
    expect(init).toContain("resolveUrl('./json')");
    expect(init).toMatch(/validatorUrl: null/); // no call to validator.swagger.io
  });
});

describe('authentication and roles', () => {
  const keyed = (headers: Record<string, string>, r: (typeof API_ROUTES)[number]) =>
    call(gw.url, r.method, `${r.url}?notAParameter=1`, {
      headers: { ...headers, ...(r.csv ? { 'content-type': 'text/csv' } : {}) },
      ...(r.method === 'POST' ? { body: r.csv ? 'company\n12346\n' : {} } : {}),
    });

  it.each(API_ROUTES.map((r) => [`${r.method} ${r.template}`, r] as const))('%s: 401 without or with an unknown key, 403 for roles without the permission, through for the others', async (_name, r) => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer dk_app_not-a-key' }, { 'x-api-key': 'nope' }, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const a = await keyed(headers, r);
      expect(a.status, JSON.stringify(headers)).toBe(401);
      expect(a.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(isErrorShape(a.body) && a.body.error.code).toBe('UNAUTHENTICATED');
    }
    for (const role of ROLES) {
      const a = await keyed({ authorization: `Bearer ${KEYS[role].key}` }, r);
      if (can(role, r.permission)) {
        // Past authentication and authorisation: what is refused now is the request itself.
        expect(a.status, role).toBe(400);
        expect(isErrorShape(a.body) && a.body.error.code).toBe('VALIDATION_FAILED');
      } else {
        expect(a.status, role).toBe(403);
        expect(isErrorShape(a.body) && a.body.error.message).toContain(`role '${role}' lacks the permission '${r.permission}'`);
      }
    }
    // The X-API-Key header works as well as Authorization: Bearer.
    const viaHeader = await keyed({ 'x-api-key': KEYS.operator.key }, r);
    expect(viaHeader.status).toBe(400);
  });

  it('roles: app start/read, approver decide/read (and relay data), operator everything, read-only read', () => {
    expect(ROLE_PERMISSIONS).toEqual({
      app: ['start', 'read'],
      approver: ['decide', 'read', 'personal-data'],
      operator: ['start', 'read', 'decide', 'cancel', 'decode', 'personal-data'],
      'read-only': ['read'],
    });
    expect(API_KEYS.size).toBe(4);
  });

  it('/healthz, /openapi.json and /docs are public', async () => {
    for (const path of ['/healthz', '/openapi.json', '/docs/', '/docs/json']) {
      expect((await call(gw.url, 'GET', path)).status, path).toBe(200);
    }
    expect((await call(gw.url, 'GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  });
});

describe('operational behaviour', () => {
  it('answers 503 with Retry-After, not 500, when Temporal is unreachable', async () => {
    for (const [method, url, body] of [
      ['GET', `/v1/switching-in/${encodeURIComponent(IDS.switchingIn)}`, undefined],
      ['GET', '/v1/work?kind=switching-in', undefined],
      ['POST', `/v1/occto-operations/${encodeURIComponent(IDS.application)}/decision`, { action: 'retry', decidedBy: 'u1' }],
    ] as const) {
      const r = await call(gw.url, method, url, { role: 'operator', body });
      expect(r.status, url).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(isErrorShape(r.body) && r.body.error.code).toBe('TEMPORAL_UNAVAILABLE');
    }
  });

  it("logs each request with the caller's name and route, never the key or the body", async () => {
    const secretName = 'ログ 太郎';
    await call(gw.url, 'POST', '/v1/switching-in', { role: 'app', body: { customer: { name: secretName, kana: 'ログ', address: '東京都' } } });
    const lines = gw.logs.map((l) => JSON.parse(l) as { msg: string; caller?: string; route?: string; status?: number });
    expect(lines.some((l) => l.msg === 'request' && l.caller === 'test-app' && l.route === '/v1/switching-in' && l.status === 400)).toBe(true);
    const all = gw.logs.join('\n');
    for (const role of ROLES) expect(all).not.toContain(KEYS[role].key);
    expect(all).not.toContain(secretName);
  });

  it('exposes request counts by route template and status at /metrics (read permission)', async () => {
    const m = await call(gw.url, 'GET', '/metrics', { role: 'read-only' });
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(m.text).toMatch(/denki_gateway_http_requests_total\{route="\/v1\/switching-in\/:workflowId",method="GET",status="503"\} \d+/);
    expect(m.text).not.toContain(encodeURIComponent(IDS.switchingIn)); // templates, never IDs
  });
});

describe('extension', () => {
  it('mounts more routes through `register` (e.g. the codec endpoint under /codec) with their own auth, untouched by the API hook', async () => {
    const client = await createTemporalClient({ connection, codecKeys: TEST_CODEC_KEYS });
    const other = await startGateway(client, {
      register: async (app) => {
        await app.register(
          async (scope) => {
            scope.post('/decode', async () => ({ payloads: [] }));
          },
          { prefix: '/codec' },
        );
      },
    });
    try {
      expect((await call(other.url, 'POST', '/codec/decode', { body: { payloads: [] } })).body).toEqual({ payloads: [] });
      expect((await call(other.url, 'GET', '/v1/work')).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('the gateway process (npm run gateway)', () => {
  it('prints one JSON line with its URL and docs, serves, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-main-'));
    const keysFile = join(dir, 'api-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [KEYS.operator.entry] }));
    const proc = startTs('client/gateway/main.ts', {
      TEMPORAL_ADDRESS: '127.0.0.1:1', // lazy: it starts anyway and answers 503 until Temporal is there
      GATEWAY_PORT: '0',
      GATEWAY_API_KEYS_FILE: keysFile,
      DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC,
      LOG_LEVEL: 'info',
    });
    let stdout = '';
    const firstLine = new Promise<string>((resolve, reject) => {
      proc.child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      proc.child.once('exit', () => reject(new Error(`gateway exited:\n${proc.output()}`)));
    });
    try {
      const line = JSON.parse(await firstLine) as { gateway: { url: string; docs: string } };
      expect(line.gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(line.gateway.docs).toBe(`${line.gateway.url}/docs`);
      expect((await call(line.gateway.url, 'GET', '/healthz')).status).toBe(200);
      expect((await fetch(line.gateway.docs)).status).toBe(200);
      expect((await call(line.gateway.url, 'GET', '/v1/work', { headers: { authorization: `Bearer ${KEYS.app.key}` } })).status).toBe(401); // not in this keys file
    } finally {
      expect(await proc.stop()).toBe(0);
    }
    expect(stdout.trim().split('\n')).toHaveLength(1); // logs go to stderr
    expect(proc.output()).toContain('"caller":"anonymous"');
  }, 60_000);

  it('refuses to start with a configuration error naming the variable', async () => {
    const proc = startTs('client/gateway/main.ts', { GATEWAY_API_KEYS_FILE: '/nonexistent/keys.json', DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC });
    expect(await new Promise((r) => proc.child.once('exit', r))).toBe(1);
    expect(proc.output()).toContain('GATEWAY_API_KEYS_FILE');
  }, 30_000);
});
