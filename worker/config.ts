// Worker configuration from the environment, validated once at start with messages that name the
// variable and the rule. Secrets (passwords, keys) come from the environment or files only — never
// from workflow inputs — and are never echoed in error messages.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { companyCodeProblem } from '../domain/company.js';
import {
  companyCredentialsSchema,
  occtoClientConfigSchema,
  parseOcctoClientConfig,
  type CompanyCredentials,
  type OcctoClientConfig,
} from '../systems/occto/activities/config.js';
import { takusouClientConfigSchema, type TakusouClientConfig } from '../systems/kansai-takusou/activities/config.js';
import type { StatusTrackingConfig } from '../activities/fleet/fleet.js';
import { recordsFileSchema } from '../activities/customer-records/records-file.js';
import { parseDurationMs } from '../domain/durations.js';
import { autoJudgeRuleSchema, type AutoJudgeRule } from '../systems/occto/domain/switching-out.js';
import type { CodecKeys } from '../platform/payload-codec.js';
import { valueOrFile, type Env } from '../platform/env-files.js';
import { loadCodecKeys } from '../platform/codec-keys.js';

export interface WorkerConfig {
  temporal: { address: string; namespace: string };
  companies: string[];
  /** OCCTO, when OCCTO_ENDPOINT is set. */
  occto?: OcctoClientConfig;
  /** Server-side cap per OCCTO task queue (docs/architecture.md §3: just under 1 request/s per company). */
  occtoRatePerSecond: number;
  occtoMaxConcurrent: number;
  codecKeys: CodecKeys;
  /** WORKER_QUEUES: the queue groups this process polls; undefined = all. */
  queues?: WorkerQueueGroup[];
  /** Warn when an OCCTO client certificate has fewer days left (CERT_EXPIRY_WARN_DAYS, default 30). */
  certExpiryWarnDays: number;
  logLevel: string;
  workflowBundlePath?: string;
  /** たくそう君, when TAKUSOU_BASE_URL is set. */
  takusou?: { client: TakusouClientConfig; concurrencyShare: number };
  /** OCCTO status tracking: STATUS_TRACKING (batched | own), STATUS_POLLER_INTERVAL, STATUS_POLLER_CYCLES. */
  statusTracking: StatusTrackingConfig;
  /** Current-retailer switching: CUSTOMER_RECORDS_FILE and SWITCHING_OUT_AUTO_JUDGE (JSON). */
  customerRecords?: { filePath: string; autoJudge?: AutoJudgeRule };
  /** Prometheus /metrics (METRICS_ADDRESS) and the decision gauges' refresh (METRICS_DECISIONS_INTERVAL; undefined = off); off when absent. */
  metrics?: { address: string; decisionsIntervalMs?: number };
}

/** Queue groups a worker process can poll (WORKER_QUEUES). */
export const WORKER_QUEUE_GROUPS = ['workflows', 'occto', 'takusou', 'notify', 'customer-records', 'certificates'] as const;
export type WorkerQueueGroup = (typeof WORKER_QUEUE_GROUPS)[number];

const num = (name: string, dflt: number, rule: (n: number) => boolean, ruleText: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return dflt;
      const n = Number(v);
      if (!Number.isFinite(n) || !rule(n)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be ${ruleText} (got '${v}')` });
        return z.NEVER;
      }
      return n;
    });

/** ip:port as the runtime's exporter binds it (an IP literal, IPv6 in brackets; port 0–65535). */
function metricsAddressOk(v: string): boolean {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(v);
  return !!m && (m[1] ? isIP(m[1]) === 6 : isIP(m[2] ?? '') === 4) && Number(m[3]) <= 65535;
}

/** Every plain variable the worker reads (secrets and PEMs also come as *_FILE; see below). */
export const workerEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  DENKI_COMPANIES: z
    .string({ error: 'DENKI_COMPANIES is required: the 事業者コード (5 digits) we operate for, comma-separated' })
    .transform((v, ctx) => {
      const codes = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (codes.length === 0) ctx.addIssue({ code: 'custom', message: 'DENKI_COMPANIES must list at least one 事業者コード' });
      for (const c of codes) {
        const p = companyCodeProblem(c, `DENKI_COMPANIES entry '${c}'`);
        if (p) ctx.addIssue({ code: 'custom', message: p });
      }
      return codes;
    }),
  OCCTO_ENDPOINT: z.string().optional(),
  OCCTO_SOURCE_IP: z.string().default('127.0.0.1'),
  OCCTO_TIMEOUT_MS: num('OCCTO_TIMEOUT_MS', 30_000, (n) => Number.isInteger(n) && n > 0, 'a positive integer of milliseconds'),
  OCCTO_MIN_SPACING_MS: num('OCCTO_MIN_SPACING_MS', 1_000, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer of milliseconds'),
  OCCTO_RATE_PER_SECOND: num('OCCTO_RATE_PER_SECOND', 0.97, (n) => n > 0 && n <= 100, 'a number of requests per second in (0, 100]'),
  OCCTO_MAX_CONCURRENT: num('OCCTO_MAX_CONCURRENT', 2, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { error: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent' }).default('info'),
  DENKI_WORKFLOW_BUNDLE: z.string().optional(),
  DENKI_PAYLOAD_ACTIVE_KEY: z.string().optional(),
  TAKUSOU_BASE_URL: z.string().optional(),
  TAKUSOU_TIMEOUT_MS: num('TAKUSOU_TIMEOUT_MS', 30_000, (n) => Number.isInteger(n) && n > 0, 'a positive integer of milliseconds'),
  // Which task queues this process polls (scale-out: e.g. one process for the occto.* queues, more for
  // workflows). Default: all of them.
  WORKER_QUEUES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = names.filter((n) => !(WORKER_QUEUE_GROUPS as readonly string[]).includes(n));
      if (bad.length || names.length === 0) {
        ctx.addIssue({ code: 'custom', message: `WORKER_QUEUES must list some of ${WORKER_QUEUE_GROUPS.join(', ')} (got '${bad.join(',') || v}')` });
        return z.NEVER;
      }
      return names as WorkerQueueGroup[];
    }),
  CERT_EXPIRY_WARN_DAYS: num('CERT_EXPIRY_WARN_DAYS', 30, (n) => Number.isInteger(n) && n >= 1 && n <= 365, 'an integer 1–365 (days before an OCCTO client certificate expires to start warning)'),
  STATUS_TRACKING: z.enum(['batched', 'own'], { error: "STATUS_TRACKING must be 'batched' (one poller per company and category) or 'own' (each workflow polls)" }).default('batched'),
  STATUS_POLLER_INTERVAL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 10 * 60_000;
      const ms = parseDurationMs(/^\d+$/.test(v) ? Number(v) : v);
      if (ms === undefined || ms < 1_000) {
        ctx.addIssue({ code: 'custom', message: `STATUS_POLLER_INTERVAL must be a duration of at least 1 second, like "10 minutes" or milliseconds (got '${v}')` });
        return z.NEVER;
      }
      return ms;
    }),
  STATUS_POLLER_CYCLES: num('STATUS_POLLER_CYCLES', 200, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1 (poll cycles before the poller continues-as-new)'),
  CUSTOMER_RECORDS_FILE: z.string().optional(),
  SWITCHING_OUT_AUTO_JUDGE: z.string().optional(),
  // This process's share of the 8 requests in flight (APIs 1–18); the shares of all processes add up to ≤ 8.
  TAKUSOU_CONCURRENCY_SHARE: num('TAKUSOU_CONCURRENCY_SHARE', 8, (n) => Number.isInteger(n) && n >= 1 && n <= 8, 'an integer 1–8 (this process\'s share of the 8 requests in flight)'),
  // Prometheus metrics (docs/observability.md): host:port of /metrics; unset or empty = off.
  METRICS_ADDRESS: z
    .string()
    .optional()
    .refine((v) => !v || metricsAddressOk(v), {
      message: 'METRICS_ADDRESS must be ip:port for the Prometheus /metrics endpoint, e.g. 0.0.0.0:9464 or [::]:9464 — an IP address, not a host name (unset = metrics off)',
    }),
  METRICS_DECISIONS_INTERVAL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 30_000;
      if (v === 'off') return undefined; // e.g. every worker process but one, when scaled out
      const ms = parseDurationMs(/^\d+$/.test(v) ? Number(v) : v);
      if (ms === undefined || ms < 1_000) {
        ctx.addIssue({ code: 'custom', message: `METRICS_DECISIONS_INTERVAL must be a duration of at least 1 second, like "30 seconds" or milliseconds, or 'off' (got '${v}')` });
        return z.NEVER;
      }
      return ms;
    }),
});

/** PEM from VAR_FILE (path) — per company OCCTO_<code>_CERT_FILE, falling back to OCCTO_CERT_FILE. */
function pemFor(env: Env, company: string | undefined, what: 'CERT' | 'KEY' | 'CA', problems: string[], required: boolean): string | undefined {
  const names = company ? [`OCCTO_${company}_${what}`, `OCCTO_${what}`] : [`OCCTO_${what}`];
  for (const n of names) {
    const v = valueOrFile(env, n, problems);
    if (v) return v;
  }
  if (required) problems.push(`${names.map((n) => `${n}_FILE`).join(' or ')} is required (PEM file of the ${what === 'CERT' ? 'client certificate' : 'private key'} for ${company})`);
  return undefined;
}

/** Reads and checks everything, then reports every problem at once (never a secret's value). */
export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const problems: string[] = [];
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)));
  }
  const e = parsed.success ? parsed.data : undefined;
  // Even when DENKI_COMPANIES has a bad entry, check the files of the good ones now.
  const codes = e?.DENKI_COMPANIES ?? (env.DENKI_COMPANIES ?? '').split(',').map((c) => c.trim()).filter((c) => c && !companyCodeProblem(c));

  const shape = occtoClientConfigSchema.shape;
  for (const [name, schema, value] of [
    ['OCCTO_ENDPOINT', shape.endpoint, env.OCCTO_ENDPOINT],
    ['OCCTO_SOURCE_IP', shape.sourceIp, env.OCCTO_SOURCE_IP || '127.0.0.1'],
  ] as const) {
    if (value === undefined) continue; // reported by the env schema
    const r = schema.safeParse(value);
    if (!r.success) problems.push(`${name}: ${r.error.issues[0]?.message}`);
  }

  // Each external system is enabled by its endpoint; a worker serves at least one.
  const occtoEnabled = env.OCCTO_ENDPOINT !== undefined;
  if (!occtoEnabled && !env.TAKUSOU_BASE_URL) {
    problems.push('OCCTO_ENDPOINT (the https:// URL of the OCCTO SOAP service) or TAKUSOU_BASE_URL is required: configure at least one external system');
  }
  const ca = occtoEnabled ? pemFor(env, undefined, 'CA', problems, false) : undefined;
  const companies: Record<string, CompanyCredentials> = {};
  for (const code of occtoEnabled ? codes : []) {
    const creds = {
      cert: pemFor(env, code, 'CERT', problems, true),
      key: pemFor(env, code, 'KEY', problems, true),
      ca,
      loginId: valueOrFile(env, `OCCTO_${code}_LOGIN_ID`, problems) ?? valueOrFile(env, 'OCCTO_LOGIN_ID', problems),
      password: valueOrFile(env, `OCCTO_${code}_PASSWORD`, problems) ?? valueOrFile(env, 'OCCTO_PASSWORD', problems),
    };
    if (!creds.loginId) problems.push(`OCCTO_${code}_LOGIN_ID or OCCTO_LOGIN_ID is required`);
    if (!creds.password) problems.push(`OCCTO_${code}_PASSWORD(_FILE) or OCCTO_PASSWORD(_FILE) is required`);
    if (creds.cert && creds.key && creds.loginId && creds.password) {
      const r = companyCredentialsSchema.safeParse(creds);
      if (r.success) companies[code] = r.data;
      else problems.push(...r.error.issues.map((i) => `credentials of ${code}: ${i.path.join('.')}: ${i.message}`));
    }
  }
  let codecKeys: CodecKeys | undefined;
  try {
    codecKeys = loadCodecKeys(env);
  } catch (err) {
    problems.push((err as Error).message);
  }
  let takusou: WorkerConfig['takusou'];
  if (env.TAKUSOU_BASE_URL) {
    const r = takusouClientConfigSchema.safeParse({
      baseUrl: env.TAKUSOU_BASE_URL,
      ca: valueOrFile(env, 'TAKUSOU_CA', problems),
      timeoutMs: e?.TAKUSOU_TIMEOUT_MS,
      companies: Object.fromEntries(codes.map((c) => [c, {}])),
    });
    if (r.success) takusou = { client: r.data, concurrencyShare: e?.TAKUSOU_CONCURRENCY_SHARE ?? 8 };
    else problems.push(...r.error.issues.map((i) => `TAKUSOU_${i.path.length ? i.path.join('.').toUpperCase() : 'CONFIG'}: ${i.message}`));
  }
  const customerRecords = loadCustomerRecordsConfig(env, problems);
  if (problems.length || !e || !codecKeys) throw new Error(`invalid worker configuration: ${problems.join('; ')}`);
  const occto = !occtoEnabled ? undefined : parseOcctoClientConfig({
    endpoint: e.OCCTO_ENDPOINT,
    sourceIp: e.OCCTO_SOURCE_IP,
    timeoutMs: e.OCCTO_TIMEOUT_MS,
    minSpacingMs: e.OCCTO_MIN_SPACING_MS,
    companies,
  });
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    companies: e.DENKI_COMPANIES,
    occto,
    occtoRatePerSecond: e.OCCTO_RATE_PER_SECOND,
    occtoMaxConcurrent: e.OCCTO_MAX_CONCURRENT,
    codecKeys,
    certExpiryWarnDays: e.CERT_EXPIRY_WARN_DAYS,
    queues: e.WORKER_QUEUES,
    logLevel: e.LOG_LEVEL,
    workflowBundlePath: e.DENKI_WORKFLOW_BUNDLE,
    takusou,
    statusTracking: { mode: e.STATUS_TRACKING, intervalMs: e.STATUS_POLLER_INTERVAL, cyclesBeforeContinueAsNew: e.STATUS_POLLER_CYCLES },
    customerRecords,
    metrics: e.METRICS_ADDRESS ? { address: e.METRICS_ADDRESS, decisionsIntervalMs: e.METRICS_DECISIONS_INTERVAL } : undefined,
  };
}

/**
 * CUSTOMER_RECORDS_FILE (checked now: readable, valid JSON of the records schema; problems name
 * paths, never values — the file holds personal data) and SWITCHING_OUT_AUTO_JUDGE (JSON rule).
 */
function loadCustomerRecordsConfig(env: Env, problems: string[]): WorkerConfig['customerRecords'] {
  let autoJudge: AutoJudgeRule | undefined;
  if (env.SWITCHING_OUT_AUTO_JUDGE) {
    let json: unknown;
    try {
      json = JSON.parse(env.SWITCHING_OUT_AUTO_JUDGE);
    } catch {
      problems.push('SWITCHING_OUT_AUTO_JUDGE must be JSON, e.g. {"okWhenMatch":true,"ngWhenNotFound":true,"ngReasonsWhenNotFound":[1]}');
    }
    if (json !== undefined) {
      const r = autoJudgeRuleSchema.safeParse(json);
      if (r.success) autoJudge = r.data;
      else problems.push(...r.error.issues.map((i) => `SWITCHING_OUT_AUTO_JUDGE${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`));
    }
  }
  const filePath = env.CUSTOMER_RECORDS_FILE;
  if (!filePath) {
    if (autoJudge) problems.push('SWITCHING_OUT_AUTO_JUDGE needs CUSTOMER_RECORDS_FILE: a rule judges only what our records say');
    return undefined;
  }
  let text: string | undefined;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    problems.push(`CUSTOMER_RECORDS_FILE: cannot read '${filePath}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(`CUSTOMER_RECORDS_FILE: '${filePath}' is not valid JSON`);
    }
    if (json !== undefined) {
      const r = recordsFileSchema.safeParse(json);
      if (!r.success) problems.push(...r.error.issues.slice(0, 5).map((i) => `CUSTOMER_RECORDS_FILE ${i.path.join('.')}: ${i.message}`));
    }
  }
  return { filePath, autoJudge };
}
