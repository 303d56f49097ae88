// Structured logs (pino JSON) for our code and for the Temporal runtime, with personal data and
// secrets redacted two ways (docs/observability.md):
//   - by key: the value of every key in REDACTED_KEYS, and of every key naming a credential
//     (CREDENTIAL_WORDS: OCCTO_12346_PASSWORD, X-Api-Key, Set-Cookie…), at any depth and in any
//     letter case ('-' and '_' ignored), becomes '[redacted]' — in logged objects, child bindings
//     and errors' own properties;
//   - by value: in the finished JSON line (message, error message and stack included), every
//     registered secret (registerSecrets: the worker's passwords, login IDs, keys) and everything
//     shaped like a secret or a contact detail (private-key PEM blocks, Bearer/Basic credentials,
//     gateway API keys, e-mail addresses, Japanese phone numbers) is replaced.
// Also the one Runtime.install of the process: the runtime's logs through pino, and Prometheus
// metrics when an address is given (platform/metrics.ts).
import pino from 'pino';
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import { prometheusExporter, useMetricMeter } from './metrics.js';

/** Keys whose values never reach a log line (compared in lower case, without '-' and '_'). */
export const REDACTED_KEYS = [
  // Customers: our inputs (domain/*.ts), customer records, incoming 廃止取次.
  'customer', 'customerName', 'kana', 'address', 'phone', 'tel', 'email', 'mail', 'mailAddress',
  'site', 'changes', 'relayDetails',
  // The same on the wire (OCCTO SOAP, たくそう君 JSON).
  'juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho', 'juyoshaDenwa', 'juyoBashoJusho',
  'kojitenMei', 'kojitenDenwa', 'secchiBasho', 'tatemonoMei', 'renrakuJiko', 'fileMei',
  // Credentials and keys.
  'password', 'passphrase', 'passwd', 'shokaiPassword', 'loginID', 'loginId', 'secret', 'clientSecret',
  'token', 'accessToken', 'refreshToken', 'apiKey', 'x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  'key', 'privateKey', 'cert', 'pfx', 'keys', 'payloadKeys', 'codecKeys', 'DENKI_PAYLOAD_KEYS',
];

/** Keys containing any of these (normalised) name a credential, e.g. OCCTO_12346_PASSWORD, sessionToken. */
export const CREDENTIAL_WORDS = ['password', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'authorization', 'cookie', 'loginid', 'payloadkeys', 'codeckeys'];

const normal = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
const REDACTED = new Set(REDACTED_KEYS.map(normal));
const MAX_DEPTH = 12;
export const REDACTED_VALUE = '[redacted]';

/** Is the value of `key` redacted? */
export function isRedactedKey(key: string): boolean {
  const k = normal(key);
  return REDACTED.has(k) || CREDENTIAL_WORDS.some((w) => k.includes(w));
}

/**
 * A copy of `value` with every redacted key (any depth, any letter case) replaced. Errors become
 * plain objects (type, message, stack and their own properties, redacted the same way).
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const source = value instanceof Error ? errorFields(value) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) out[k] = isRedactedKey(k) ? REDACTED_VALUE : redactDeep(v, depth + 1);
  return out;
}

/** pino's own error serialisation (messages and stacks of the cause chain) without the raw error. */
function errorFields(e: Error): Record<string, unknown> {
  const s = pino.stdSerializers.err(e) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(s)) if (s[k] !== undefined) out[k] = s[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Redaction by value
// ---------------------------------------------------------------------------------------------

/** Secrets shorter than this are not registered (they would blank out ordinary words and numbers). */
export const MIN_SECRET_LENGTH = 4;
const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Registers values that must never appear in a log line, wherever they occur (the configured
 * passwords, login IDs, API keys, payload keys…). Empty and very short values are ignored.
 */
export function registerSecrets(values: Iterable<string | undefined>): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.trim().length < MIN_SECRET_LENGTH) continue;
    secrets.add(v);
    // The same value as it appears inside a JSON string (quotes, backslashes, newlines escaped).
    secrets.add(JSON.stringify(v).slice(1, -1));
    // PEMs: each line on its own as well (a line can surface alone in an error message).
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 16 && !line.startsWith('-----')) secrets.add(line.trim());
  }
  // Longest first, so a secret containing another is replaced whole.
  const all = [...secrets].sort((a, b) => b.length - a.length);
  secretPattern = all.length ? new RegExp(all.map(escapeRe).join('|'), 'g') : undefined;
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
  secretPattern = undefined;
}

/** Shapes that are secrets or contact details whatever their key. */
const VALUE_PATTERNS: readonly [RegExp, string][] = [
  // PEM private keys (also as they appear in JSON, with \n escaped).
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, '[redacted private key]'],
  // HTTP credentials: Authorization header values.
  [/\b(Bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // Gateway API keys (client/gateway/api-keys.ts: dk_<role>_<43 base64url>).
  [/\bdk_[a-z]+_[A-Za-z0-9_-]{20,}/g, '[redacted api key]'],
  // E-mail addresses (also user:password@ in URLs).
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[redacted email]'],
  // Japanese phone numbers with separators (06-1234-5678, 090-1234-5678, 0120-123-456).
  [/(?<![\w.-])0\d{1,4}[-(]\d{1,4}[-)]\d{3,4}(?![\w-])/g, '[redacted phone]'],
];

/** `text` with every registered secret and every secret-shaped value replaced. */
export function redactText(text: string): string {
  let out = secretPattern ? text.replace(secretPattern, REDACTED_VALUE) : text;
  for (const [re, replacement] of VALUE_PATTERNS) out = out.replace(re, replacement);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Loggers
// ---------------------------------------------------------------------------------------------

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'denki-flow', destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Every log object passes through here, however deep the data sits.
    formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
    // Errors are already plain (redacted) objects: pino's serializer would take them for errors again.
    serializers: { err: (e: unknown) => e },
    // The finished line, message included: secrets and secret-shaped values by value.
    hooks: { streamWrite: redactText },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // Child bindings are serialised once, when the child is made, and pino gives children no bindings
  // formatter: redact them here. Children inherit this method (they are prototypes of the root).
  type Child = (this: pino.Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => pino.Logger;
  const child = logger.child as unknown as Child;
  const redactingChild: Child = function (bindings, childOptions) {
    return child.call(this, redactDeep(bindings) as pino.Bindings, childOptions);
  };
  logger.child = redactingChild as unknown as typeof logger.child;
  return logger;
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

export const FAILURE_MESSAGE_WITHHELD = '[withheld: failure messages may carry customer data — read it decoded in the Web UI or with the CLI]';

/**
 * An error of the SDK's lifecycle lines ('Workflow failed', 'Activity failed') without its
 * message: failure messages can carry input values (history keeps them encrypted,
 * encodeCommonAttributes), so the log keeps the kind, the failure type and the stack frames.
 */
function withoutFailureMessage(error: unknown, depth = 0): unknown {
  if (!error || typeof error !== 'object' || depth > 5) return error;
  const e = error as { name?: unknown; type?: unknown; nonRetryable?: unknown; stack?: unknown; cause?: unknown };
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n') : undefined;
  return {
    type: typeof e.name === 'string' ? e.name : error.constructor?.name,
    ...(typeof e.type === 'string' ? { failureType: e.type } : {}),
    ...(typeof e.nonRetryable === 'boolean' ? { nonRetryable: e.nonRetryable } : {}),
    message: FAILURE_MESSAGE_WITHHELD,
    ...(frames ? { stack: frames } : {}),
    ...(e.cause ? { cause: withoutFailureMessage(e.cause, depth + 1) } : {}),
  };
}

/** Temporal's Logger interface over pino, so SDK and workflow logs are the same JSON stream. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: pino.Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const m = meta && 'error' in meta ? { ...meta, error: withoutFailureMessage(meta.error) } : meta;
    this.logger[LEVELS[level]](m ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata) { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata) { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata) { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata) { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata) { this.log('ERROR', message, meta); }
}

export interface RuntimeSetup {
  logger: pino.Logger;
  /** host:port for the Prometheus /metrics endpoint (METRICS_ADDRESS); metrics off when absent. */
  metricsAddress?: string;
}

let installed: RuntimeSetup | undefined;

/**
 * The process's one Runtime.install: the SDK's and the Rust core's logs through pino, and, with
 * `metricsAddress`, the Prometheus exporter with our denki_* metrics on the runtime's meter.
 * A second call is a no-op, unless it asks for metrics the first one did not set up (an error:
 * the runtime cannot be changed once installed).
 */
export function installRuntime(setup: RuntimeSetup): void {
  if (installed) {
    if (setup.metricsAddress && setup.metricsAddress !== installed.metricsAddress) {
      throw new Error(`the Temporal runtime is already installed ${installed.metricsAddress ? `with metrics on ${installed.metricsAddress}` : 'without metrics'}; metrics must be set up by the first installRuntime()`);
    }
    return;
  }
  Runtime.install({
    logger: new PinoTemporalLogger(setup.logger.child({ component: 'temporal' })),
    telemetryOptions: {
      // The Rust core's own messages go through pino too, not straight to the console.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(setup.metricsAddress ? { metrics: prometheusExporter(setup.metricsAddress) } : {}),
    },
  });
  installed = setup;
  if (setup.metricsAddress) useMetricMeter(Runtime.instance().metricMeter);
}

/** Runtime.install with logging only (kept for callers that never export metrics). */
export function installRuntimeLogging(logger: pino.Logger): void {
  installRuntime({ logger });
}
