// Malformed input at scale against the real gateway (listening on a port, real Temporal dev server
// behind it): generated bad requests across every route — bad JSON, wrong content types, empty and
// huge bodies, wrong types at every field of every body, unknown fields, bad path parameters, bad
// query parameters and headers, bad CSV. Not one may get a 5xx; every 4xx has the one error shape,
// with a violation naming the field where a field is at fault. Prints one line with the counts.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY, jstDay, supplyPoint, switchingInput } from '../../systems/occto/test/harness.js';
import { constructionInput } from '../../systems/kansai-takusou/test/harness.js';
import { createDevServerEnv } from '../support/temporal-env.js';
import { API_ROUTES, IDS } from './routes-table.js';
import { auth, isErrorShape, startGateway, type TestGateway } from './support.js';

let env: TestWorkflowEnvironment;
let gw: TestGateway;

beforeAll(async () => {
  env = await createDevServerEnv();
  gw = await startGateway(env.client);
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await env?.teardown();
});

interface Case {
  category: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The field at fault: a violation's field must be it, inside it, or contain it. */
  field?: string;
  /** A CSV whose rows are all malformed: 200 with every row invalid (per-row results). */
  perRow?: boolean;
}

const e = encodeURIComponent;
const point = supplyPoint('100');
const now = Date.now();

/** A valid body for every JSON route (paths as in routes-table.ts). */
const VALID: Record<string, unknown> = {
  '/v1/switching-in': switchingInput(now, point, { options: { pollInterval: '30 minutes' } }),
  '/v1/switching-in/{workflowId}/decision': { action: 'resubmit', decidedBy: 'u1', corrections: { supplyStartDate: jstDay(now, 12), customer: { address: '大阪府' } }, comment: 'c' },
  '/v1/switching-out/{workflowId}/judgement': { judgement: 'NG', ngReasons: [1, 2], decidedBy: 'u1', comment: 'c' },
  '/v1/switching-out/{workflowId}/mistaken-ok': { reportedBy: 'u1', note: 'n' },
  '/v1/switching-out/{workflowId}/decision': { action: 'abandon', decidedBy: 'u1', reason: 'r' },
  '/v1/construction': constructionInput('JOJI', 'MALFORMED-1', '/data/drawing.pdf'),
  '/v1/construction/street-lights': constructionInput('GAIROTO', 'MALFORMED-2', '/data/site.pdf', {
    lamps: [
      { lampType: 'LED', wattage: 40, poleNo: 'P-1' },
      { lampType: 'LED', wattage: 60 },
    ],
  }),
  '/v1/construction/{workflowId}/completion': { confirmedBy: 'u1', completedOn: '2026-01-05', documents: [{ ref: '/data/done.pdf', documentType: 'COMPLETION_REPORT', sizeBytes: 100 }] },
  '/v1/construction/{workflowId}/correction': {
    correctedBy: 'u1',
    changes: { contractAmperes: 50, site: { address: '大阪府' } },
    files: [{ ref: '/data/a.pdf', documentType: 'DRAWING', sizeBytes: 10 }],
    comment: 'c',
  },
  '/v1/construction/{workflowId}/cancel': { requestedBy: 'u1', reason: 'r' },
  '/v1/occto-operations/facility-queries': { company: COMPANY, category: 'LV', supplyPointId: point, reference: 'm-1' },
  '/v1/occto-operations/usage-queries': { company: COMPANY, category: 'LV', supplyPointId: point, reference: 'm-2', options: { holdForRequery: '1 hour' } },
  '/v1/occto-operations/applications': { kind: 'AMPERE_CHANGE', company: COMPANY, category: 'LV', supplyPointId: point, reference: 'm-3', desiredDate: '2027-01-10', amperes: 40 },
  '/v1/occto-operations/{workflowId}/decision': { action: 'retry', decidedBy: 'u1', comment: 'c' },
  '/v1/occto-operations/{workflowId}/cancel': { requestedBy: 'u1', reason: 'r' },
  '/v1/occto-operations/{workflowId}/requery': { requestedBy: 'u1' },
};
const MORE_APPLICATIONS = [
  { kind: 'RECONNECTION', company: COMPANY, category: 'LV', supplyPointId: point, reference: 'm-4', desiredDate: '2027-01-10', customer: { name: '再点', kana: 'サイテン', address: '京都府' } },
  { kind: 'DISCONTINUATION', company: COMPANY, category: 'LV', supplyPointId: point, reference: 'm-5', desiredDate: '2027-01-10', withRemoval: true },
  { kind: 'CUSTOMER_INFO_CHANGE', company: COMPANY, category: 'FIT', supplyPointId: point, reference: 'm-6', desiredDate: '2027-01-10', changes: { phone: '06-1234-5678' } },
];

const jsonRoutes = API_ROUTES.filter((r) => r.body);
const idRoutes = API_ROUTES.filter((r) => r.template.includes('{workflowId}'));
const csvRoutes = API_ROUTES.filter((r) => r.csv);

/** Values of the wrong type for a value like `v` at `path` (never accidentally valid). */
function wrongFor(v: unknown, path: string[]): unknown[] {
  // Durations ("30 minutes") also take milliseconds: a number is no wrong type there.
  if (typeof v === 'string' && path[0] === 'options') return [true, null, [], { a: 1 }, '-5 fortnights'];
  if (typeof v === 'string') return [12345, true, null, [], { a: 1 }];
  if (typeof v === 'number') return ['forty', false, null, [1], {}];
  if (typeof v === 'boolean') return ['yes', 0, null, {}];
  if (Array.isArray(v)) return ['list', { 0: 1 }, 7, null];
  return ['object', 3, [], null];
}

/** Every path in `v` (objects and arrays included) with its value. */
function leaves(v: unknown, prefix: string[] = []): [string[], unknown][] {
  const out: [string[], unknown][] = prefix.length ? [[prefix, v]] : [];
  if (Array.isArray(v)) v.slice(0, 1).forEach((x, i) => out.push(...leaves(x, [...prefix, String(i)])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...leaves(x, [...prefix, k]));
  return out;
}

function setIn(v: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(v) as Record<string, unknown>;
  let o: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1]!] = value;
  return copy;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  const json = (body: string) => ({ 'content-type': 'application/json', ...auth('operator'), body });

  for (const r of jsonRoutes) {
    const base = { method: r.method, path: r.url };
    // Bad JSON.
    for (const raw of ['{', '{"a":', '[1,2', 'nul', "{'a':1}", '{"a":1}}', '{"a":1,}', '{"a": NaN}', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']) {
      const { body, ...headers } = json(raw);
      cases.push({ ...base, category: 'bad JSON', headers, body, field: 'body' });
    }
    // Wrong content type.
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/csv', 'image/png', 'application/json-seq', 'nonsense']) {
      cases.push({ ...base, category: 'wrong content type', headers: { 'content-type': ct, ...auth('operator') }, body: '{"a":1}', field: 'headers.content-type' });
    }
    // Empty body, JSON that is not an object, huge body.
    cases.push({ ...base, category: 'empty body', headers: { 'content-type': 'application/json', ...auth('operator') }, body: '', field: 'body' });
    for (const raw of ['null', '"text"', '42', '[]', 'true']) cases.push({ ...base, category: 'not an object', headers: { 'content-type': 'application/json', ...auth('operator') }, body: raw, field: 'body' });
    cases.push({ ...base, category: 'huge body', headers: { 'content-type': 'application/json', ...auth('operator') }, body: JSON.stringify({ blob: 'x'.repeat(300 * 1024) }), field: 'body' });
    // Wrong types at every field, unknown fields at every object.
    const bodies = r.template === '/v1/occto-operations/applications' ? [VALID[r.template], ...MORE_APPLICATIONS] : [VALID[r.template]];
    for (const valid of bodies) {
      expect(valid, r.template).toBeDefined();
      for (const [path, v] of leaves(valid)) {
        for (const wrong of wrongFor(v, path)) cases.push({ ...base, category: 'wrong type', headers: { 'content-type': 'application/json', ...auth('operator') }, body: JSON.stringify(setIn(valid, path, wrong)), field: path.join('.') });
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          cases.push({ ...base, category: 'unknown field', headers: { 'content-type': 'application/json', ...auth('operator') }, body: JSON.stringify(setIn(valid, [...path, 'unexpected'], 1)), field: [...path, 'unexpected'].join('.') });
        }
      }
      cases.push({ ...base, category: 'unknown field', headers: { 'content-type': 'application/json', ...auth('operator') }, body: JSON.stringify({ ...(valid as object), unexpected: true }), field: 'unexpected' });
      // A field missing or empty.
      const first = Object.keys(valid as object)[0]!;
      const { [first]: _dropped, ...rest } = valid as Record<string, unknown>;
      cases.push({ ...base, category: 'missing field', headers: { 'content-type': 'application/json', ...auth('operator') }, body: JSON.stringify(rest), field: first });
    }
  }

  // Bad path parameters (workflow IDs must be of the route's kind).
  const other: Record<string, string> = { 'switching-in': IDS.construction, 'switching-out': IDS.switchingIn, construction: IDS.application, 'occto-operations': IDS.switchingOut };
  for (const r of idRoutes) {
    const area = r.template.split('/')[2]!;
    const ids: [string, string | undefined][] = [
      [e(other[area]!), 'params.workflowId'],
      [e('../../etc/passwd'), 'params.workflowId'],
      [e(`${area}/1234/03`), 'params.workflowId'],
      ['plain-text', 'params.workflowId'],
      [e(`switching-in/１２３４６/0300000000000000001100`), 'params.workflowId'],
      [e('x'.repeat(250)), 'params.workflowId'],
      ['y'.repeat(400), 'params'],
      ['%E0%A4%A', 'url'],
      ['%', 'url'],
      ['a%00b', 'params.workflowId'],
      [e("switching-in/12346/0300000000000000001100' OR 1=1"), 'params.workflowId'],
    ];
    for (const [id, field] of ids) {
      const path = r.template.replace('{workflowId}', id);
      const body = r.body ? JSON.stringify(VALID[r.template]) : undefined;
      cases.push({ category: 'bad path parameter', method: r.method, path, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...auth('operator') }, body, field });
    }
  }

  // Bad query parameters (and unknown ones everywhere).
  const query: [string, string][] = [
    ['/v1/work?limit=0', 'query.limit'],
    ['/v1/work?limit=-1', 'query.limit'],
    ['/v1/work?limit=abc', 'query.limit'],
    ['/v1/work?limit=1000', 'query.limit'],
    ['/v1/work?limit=1.5', 'query.limit'],
    ['/v1/work?limit=1&limit=2', 'query.limit'],
    ['/v1/work?kind=nope', 'query.kind'],
    ['/v1/work?kind=', 'query.kind'],
    ['/v1/work?stage=NOPE', 'query.stage'],
    ['/v1/work?kind=construction&stage=HOLDING', 'query.stage'],
    ['/v1/work?company=abc', 'query.company'],
    ['/v1/work?company=123456', 'query.company'],
    ['/v1/work?area=99', 'query.area'],
    ["/v1/work?area=03'%20OR%20'1'='1", 'query.area'],
    ['/v1/work?pageToken=!!!', 'query.pageToken'],
    [`/v1/work?pageToken=${'A'.repeat(3000)}`, 'query.pageToken'],
    ['/v1/work?pageToken=bm90LWEtdG9rZW4', 'query.pageToken'],
    ['/v1/work?unknown=1', 'query.unknown'],
    ['/v1/switching-out?awaitingHuman=maybe', 'query.awaitingHuman'],
    ['/v1/switching-out?stage=AWAITING_DECISION_X', 'query.stage'],
    ['/v1/switching-out?stage=HOLDING', 'query.stage'],
    ['/v1/switching-out?company=1', 'query.company'],
    ['/v1/switching-out?limit=0', 'query.limit'],
    ['/v1/switching-out?pageToken=%20', 'query.pageToken'],
    ['/metrics?format=json', 'query.format'],
    ['/healthz?x=1', 'query.x'],
  ];
  for (const r of API_ROUTES.filter((x) => x.method === 'GET' && x.template.includes('{workflowId}'))) query.push([`${r.url}?verbose=1`, 'query.verbose']);
  for (const [path, field] of query) cases.push({ category: 'bad query parameter', method: 'GET', path, headers: auth('operator'), field });

  // Bad headers: charsets, malformed auth, no route.
  for (const r of jsonRoutes.slice(0, 6)) {
    cases.push({ category: 'bad header', method: r.method, path: r.url, headers: { 'content-type': 'application/json; charset=utf-16', ...auth('operator') }, body: JSON.stringify(VALID[r.template]) });
    for (const a of ['Bearer', 'Bearer   ', 'Token abc', `Bearer ${'k'.repeat(8_000)}`, 'Basic Og==']) {
      cases.push({ category: 'bad header', method: r.method, path: r.url, headers: { 'content-type': 'application/json', authorization: a }, body: JSON.stringify(VALID[r.template]) });
    }
  }
  for (const [method, path] of [
    ['GET', '/v1/nope'],
    ['DELETE', '/v1/switching-in'],
    ['PUT', `/v1/construction/${e(IDS.construction)}`],
    ['PATCH', '/v1/work'],
    ['GET', '/v2/switching-in'],
    ['POST', '/v1/work'],
    ['GET', '/v1/switching-in//status'],
  ] as const) {
    cases.push({ category: 'no such route', method, path, headers: auth('operator'), field: 'url' });
  }

  // Bad CSV.
  const header = 'company,category,supplyPointId,supplyStartDate,customer.name,customer.kana,customer.address';
  const appHeader = 'kind,company,category,supplyPointId,reference,desiredDate';
  for (const r of csvRoutes) {
    const h = r.template.includes('applications') ? appHeader : header;
    const csv = (body: string | Buffer, ct = 'text/csv') => ({ 'content-type': ct, ...auth('operator'), body });
    const fileLevel: [string | Buffer, string, string?][] = [
      ['', 'body'],
      [`${h}\n`, 'body'],
      [`${h}\n12346,"LV\n`, 'body'],
      [`${h}\n12346,"LV"x,0300\n`, 'body'],
      [`${h},bogus\n1,2,3,4,5,6,7,8\n`, 'header.'],
      [`${h},company\n1,2,3,4,5,6,7,8\n`, 'header.'],
      ['company\n12346\n', h.startsWith('kind') ? 'kind' : 'category'], // required columns missing
      ['\uFEFF\uFEFFcompany\n1\n', h.startsWith('kind') ? 'kind' : 'category'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'body'],
      [`${h}\n${'1,'.repeat(10)}\n`.repeat(1).concat(Array.from({ length: 1001 }, () => '1,2,3,4,5,6').join('\n')), 'body'],
      [`${h}\n${'z'.repeat(2.1 * 1024 * 1024)}\n`, 'body'],
      [`${h}\n12346,LV\n`, 'headers.content-type', 'text/csv; charset=latin1'],
      [`${h}\n12346,LV\n`, 'headers.content-type', 'application/json'],
      [`${h}\n12346,LV\n`, 'headers.content-type', 'text/plain'],
      [`${h}\n12346,LV\n`, 'headers.content-type', 'application/vnd.ms-excel'],
    ];
    for (const [body, field, ct] of fileLevel) {
      const { body: b, ...headers } = csv(body, ct);
      cases.push({ category: 'bad CSV', method: 'POST', path: r.url, headers, body: b, field });
    }
    // Row-level: the file is readable, every row is malformed → 200 with each row invalid.
    const rowLevel = [
      `${h}\n12346,LV\n1\n`, // ragged
      `\uFEFF${h}\n\uFEFF12346,LV,x,y,z,a,b\n`, // a BOM inside the data
      `${h}\n"12346",LV,"030000""0000",2027-13-01,"",ア,"x"\n`, // quoted garbage
      `${h}\n,,,,,,\n`, // all empty
      `${h}\nabc,XX,123,notadate,n,ascii,a\n`, // wrong values everywhere
    ];
    for (const body of rowLevel) {
      const { body: b, ...headers } = csv(body);
      cases.push({ category: 'bad CSV rows', method: 'POST', path: r.url, headers, body: b, perRow: true });
    }
  }
  return cases;
}

describe('malformed input', () => {
  it('never gets a 5xx; every 4xx has the error shape and names the field at fault', async () => {
    const cases = buildCases();
    expect(cases.length).toBeGreaterThan(500);
    const counts = { requests: 0, '4xx': 0, perRow: 0, '5xx': 0, other: 0 };
    const byCategory = new Map<string, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i]!;
        const res = await fetch(`${gw.url}${c.path}`, { method: c.method, headers: c.headers, body: c.body });
        const text = await res.text();
        counts.requests++;
        byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + 1);
        const what = `${c.category}: ${c.method} ${c.path.slice(0, 120)} ${String(c.body ?? '').slice(0, 160)} → ${res.status} ${text.slice(0, 300)}`;
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (res.status >= 500) {
          counts['5xx']++;
          failures.unshift(`5xx — ${what}`);
        } else if (res.status >= 400) {
          counts['4xx']++;
          if (!isErrorShape(body)) failures.push(`not the error shape — ${what}`);
          else if (c.field) {
            const fields = body.error.violations.map((v) => v.field);
            const hit = fields.some((f) => f === c.field || f.startsWith(`${c.field}`) || c.field!.startsWith(`${f}.`) || (c.field!.startsWith('query.') && f === c.field));
            if (!hit) failures.push(`field ${c.field} not named (${fields.join(', ') || 'none'}) — ${what}`);
          }
        } else if (c.perRow && res.status === 200) {
          counts.perRow++;
          const rows = (body as { results: { outcome: string; violations?: unknown[] }[] }).results;
          if (!rows.length || !rows.every((r) => r.outcome === 'invalid' && (r.violations?.length ?? 0) > 0)) failures.push(`a malformed row was not refused — ${what}`);
        } else {
          counts.other++;
          failures.push(`accepted — ${what}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const line = `malformed-input: ${counts.requests} requests, ${counts['4xx']} 4xx, ${counts.perRow} 200 with every CSV row refused, ${counts['5xx']} 5xx`;
    console.log(line);
    console.log(`malformed-input by category: ${[...byCategory].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(counts['5xx']).toBe(0);
    expect(counts.requests).toBe(cases.length);
  }, 120_000);
});
