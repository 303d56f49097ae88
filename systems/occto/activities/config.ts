// Configuration of the OCCTO SOAP client: endpoint, registered source IP, timing and, per
// 事業者コード, the client certificate (mutual TLS) and API login. PEM strings arrive already
// loaded; the worker reads them from files or the environment. Messages name the field and never
// echo a value (they may be passwords or keys).
import { z } from 'zod';
import { companyCodeProblem } from '../../../domain/company.js';

const pem = (field: string, label: RegExp, what: string) =>
  z
    .string({ error: `${field} must be a PEM string (${what})` })
    .refine((s) => label.test(s), { message: `${field} must be a PEM ${what} (-----BEGIN …----- block)` });

export const companyCredentialsSchema = z.object({
  cert: pem('cert', /-----BEGIN CERTIFICATE-----/, 'client certificate'),
  key: pem('key', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'private key'),
  /** CA bundle to verify the OCCTO server; the system's default trust store when absent. */
  ca: pem('ca', /-----BEGIN CERTIFICATE-----/, 'CA certificate').optional(),
  loginId: z
    .string({ error: 'loginId must be a string' })
    .min(1, 'loginId must not be empty')
    .max(32, 'loginId must be at most 32 characters'),
  password: z
    .string({ error: 'password must be a string' })
    .min(1, 'password must not be empty')
    .max(64, 'password must be at most 64 characters'),
});
export type CompanyCredentials = z.infer<typeof companyCredentialsSchema>;

export const occtoClientConfigSchema = z.object({
  endpoint: z.url({
    protocol: /^https$/,
    error: 'endpoint must be an https:// URL of the OCCTO SOAP service',
  }),
  /** The source IP registered with OCCTO for the API certificate; sent in the header's ipAddress. */
  sourceIp: z.union([z.ipv4(), z.ipv6()], { error: 'sourceIp must be an IPv4 or IPv6 address (the registered source IP)' }),
  /** Per request, from leaving the spacer to the last byte of the response. */
  timeoutMs: z
    .number({ error: 'timeoutMs must be a number of milliseconds' })
    .int('timeoutMs must be an integer')
    .positive('timeoutMs must be positive')
    .default(30_000),
  /**
   * Minimum gap between two departures of one company in this process. With afterResponseMs on it
   * never binds (the next request leaves ≥ 1 s after the previous response, so after its departure
   * too); it is the rule when afterResponseMs is 0.
   */
  minSpacingMs: z
    .number({ error: 'minSpacingMs must be a number of milliseconds' })
    .int('minSpacingMs must be an integer')
    .nonnegative('minSpacingMs must not be negative')
    .default(1_000),
  /**
   * One request per company at a time, each this long after the previous RESPONSE: the server then
   * sees requests ≥ 1 s apart whatever delays the client between departure and the wire. 0 = off.
   */
  afterResponseMs: z
    .number({ error: 'afterResponseMs must be a number of milliseconds' })
    .int('afterResponseMs must be an integer')
    .nonnegative('afterResponseMs must not be negative')
    .default(1_000),
  companies: z
    .record(z.string(), companyCredentialsSchema, { error: 'companies must map 事業者コード (5 digits) to credentials' })
    .superRefine((companies, ctx) => {
      const codes = Object.keys(companies);
      if (codes.length === 0) ctx.addIssue({ code: 'custom', message: 'companies must configure at least one 事業者コード' });
      for (const code of codes) {
        const problem = companyCodeProblem(code, `companies key '${code}'`);
        if (problem) ctx.addIssue({ code: 'custom', path: [code], message: problem });
      }
    }),
});
export type OcctoClientConfig = z.infer<typeof occtoClientConfigSchema>;
export type OcctoClientConfigInput = z.input<typeof occtoClientConfigSchema>;

/** Parses and validates; throws one Error listing every problem as `path: message` (no values). */
export function parseOcctoClientConfig(input: unknown): OcctoClientConfig {
  const r = occtoClientConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : 'config'}: ${i.message}`);
  throw new Error(`invalid OCCTO client configuration: ${lines.join('; ')}`);
}
