// Gateway configuration from the environment (zod, every problem named at once, no secret echoed).
// The same schema is checked against docker-compose.yml by test/deploy.
import { z } from 'zod';
import { loadCodecKeys } from '../../platform/codec-keys.js';
import type { CodecKeys } from '../../platform/payload-codec.js';
import { loadApiKeysFile, type ApiKeyStore } from './api-keys.js';

const port = (name: string, dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a TCP port 0–65535 (got '${v}')` });
        return z.NEVER;
      }
      return n;
    });

/** Every variable the gateway reads (secrets as *_FILE or plain, never logged). */
export const gatewayEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port('GATEWAY_PORT', 8080),
  /** JSON file of { keys: [{ name, role, sha256 }] } (client/gateway/api-keys.ts). */
  GATEWAY_API_KEYS_FILE: z.string({ error: 'GATEWAY_API_KEYS_FILE is required: the JSON file of API key hashes and roles' }).min(1),
  /** Origins of the Temporal Web UI allowed to call the codec endpoint (comma-separated). */
  GATEWAY_CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
  /** Rows per second a CSV bulk start submits (the workflows then pace their own external calls). */
  GATEWAY_BULK_ROWS_PER_SECOND: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 20;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0 || n > 1000) {
        ctx.addIssue({ code: 'custom', message: `GATEWAY_BULK_ROWS_PER_SECOND must be a number in (0, 1000] (got '${v}')` });
        return z.NEVER;
      }
      return n;
    }),
  DENKI_PAYLOAD_KEYS: z.string().optional(),
  DENKI_PAYLOAD_KEYS_FILE: z.string().optional(),
  DENKI_PAYLOAD_ACTIVE_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { error: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent' }).default('info'),
});

export interface GatewayConfig {
  temporal: { address: string; namespace: string };
  host: string;
  port: number;
  apiKeys: ApiKeyStore;
  codecKeys: CodecKeys;
  codecCorsOrigins: string[];
  bulkRowsPerSecond: number;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const parsed = gatewayEnvSchema.safeParse(env);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)));
  let codecKeys: CodecKeys | undefined;
  try {
    codecKeys = loadCodecKeys(env);
  } catch (err) {
    problems.push((err as Error).message);
  }
  let apiKeys: ApiKeyStore | undefined;
  if (parsed.success) {
    try {
      apiKeys = loadApiKeysFile(parsed.data.GATEWAY_API_KEYS_FILE);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length || !parsed.success || !codecKeys || !apiKeys) throw new Error(`invalid gateway configuration: ${problems.join('; ')}`);
  const e = parsed.data;
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    host: e.GATEWAY_HOST,
    port: e.GATEWAY_PORT,
    apiKeys,
    codecKeys,
    codecCorsOrigins: e.GATEWAY_CODEC_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    bulkRowsPerSecond: e.GATEWAY_BULK_ROWS_PER_SECOND,
    logLevel: e.LOG_LEVEL,
  };
}
