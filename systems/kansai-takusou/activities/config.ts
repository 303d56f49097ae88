// Configuration of the たくそう君 client: base URL, the CA that signs the server's certificate, the
// request timeout and, per 事業者コード, the authentication hook.
//
// Authentication is NOT specified in the public source (docs/external-systems/kansai-takusou.md §10:
// no header, token, client certificate or login API, no 401/403). So every company's entry is a
// placeholder that sends nothing by default. When KTD's detailed IF spec names a scheme, set
// `apiKey` (sent as the header `apiKeyHeader`, default `X-API-Key`) and/or fixed `headers` for the
// company; nothing else changes. Values arrive already loaded (the worker reads them from files or
// the environment). Messages name the field and never echo a value (they may be keys).
import { z } from 'zod';
import { companyCodeProblem } from '../../../domain/company.js';
import { TAKUSOU_BASE_PATH } from './provisional-wire-format.js';

/** An HTTP header name (RFC 9110 token); the header value is never shown in a message. */
const headerName = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, `${field} must be an HTTP header name (letters, digits and - only)`);

/** Headers we set ourselves: the auth hook must not override them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'accept', 'accept-charset', 'host', 'transfer-encoding', 'connection']);

export const companyAuthSchema = z
  .object({
    /** Off by default: the public spec names no authentication. */
    apiKey: z.string({ error: 'apiKey must be a string' }).min(1, 'apiKey must not be empty').max(4096, 'apiKey must be at most 4096 characters').optional(),
    /** Header that carries apiKey (only used when apiKey is set). */
    apiKeyHeader: headerName('apiKeyHeader').default('X-API-Key'),
    /** Extra fixed headers for this company (e.g. a gateway's subscription key). */
    headers: z
      .record(headerName('headers key'), z.string({ error: 'headers values must be strings' }).max(4096, 'headers values must be at most 4096 characters'), {
        error: 'headers must map header names to string values',
      })
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const name of Object.keys(a.headers ?? {})) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['headers', name], message: `headers must not set ${name} (the client sets it)` });
    }
    if (a.apiKey !== undefined && RESERVED_HEADERS.has(a.apiKeyHeader.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: ['apiKeyHeader'], message: `apiKeyHeader must not be ${a.apiKeyHeader} (the client sets it)` });
    }
  });
export type CompanyAuth = z.infer<typeof companyAuthSchema>;

export const takusouClientConfigSchema = z
  .object({
    /**
     * The service's base URL, ending in the base path, e.g. production
     * `https://www2.kepcoco.jp/api/low-takusou/` or a simulator's `url`. A missing final `/` is added.
     */
    baseUrl: z
      .url({ protocol: /^https$/, error: `baseUrl must be an https:// URL ending in ${TAKUSOU_BASE_PATH}` })
      .refine((u) => {
        const path = new URL(u).pathname;
        return (path.endsWith('/') ? path : `${path}/`).endsWith(TAKUSOU_BASE_PATH) && !new URL(u).search && !new URL(u).hash;
      }, `baseUrl must end in the base path ${TAKUSOU_BASE_PATH} (no query or fragment)`)
      .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
    /** CA bundle (PEM) to verify the server; the system's default trust store when absent. */
    ca: z
      .string({ error: 'ca must be a PEM string (CA certificate)' })
      .refine((s) => /-----BEGIN CERTIFICATE-----/.test(s), { message: 'ca must be a PEM CA certificate (-----BEGIN CERTIFICATE----- block)' })
      .optional(),
    /** Per request, from sending the first byte to the last byte of the response (uploads included). */
    timeoutMs: z
      .number({ error: 'timeoutMs must be a number of milliseconds' })
      .int('timeoutMs must be an integer')
      .positive('timeoutMs must be positive')
      .default(30_000),
    /** 事業者コード (5 digits) → authentication hook (`{}` = none, the default). */
    companies: z
      .record(z.string(), companyAuthSchema, { error: 'companies must map 事業者コード (5 digits) to an auth entry ({} when none)' })
      .superRefine((companies, ctx) => {
        const codes = Object.keys(companies);
        if (codes.length === 0) ctx.addIssue({ code: 'custom', message: 'companies must configure at least one 事業者コード' });
        for (const code of codes) {
          const problem = companyCodeProblem(code, `companies key '${code}'`);
          if (problem) ctx.addIssue({ code: 'custom', path: [code], message: problem });
        }
      }),
  })
  .strict();
export type TakusouClientConfig = z.infer<typeof takusouClientConfigSchema>;
export type TakusouClientConfigInput = z.input<typeof takusouClientConfigSchema>;

/** Parses and validates; throws one Error listing every problem as `path: message` (no values). */
export function parseTakusouClientConfig(input: unknown): TakusouClientConfig {
  const r = takusouClientConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : 'config'}: ${i.message}`);
  throw new Error(`invalid たくそう君 client configuration: ${lines.join('; ')}`);
}

/** The headers the auth hook adds for a company (none by default). */
export function authHeaders(auth: CompanyAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return { ...(auth.headers ?? {}), ...(auth.apiKey !== undefined ? { [auth.apiKeyHeader]: auth.apiKey } : {}) };
}
