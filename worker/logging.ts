// Structured logs (pino JSON) for our code and for the Temporal runtime, with personal data and
// secrets redacted by key wherever they appear.
import pino from 'pino';
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';

/** Keys whose values never reach a log line. */
export const REDACTED_KEYS = [
  'customer', 'kana', 'address', 'phone',
  'juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho', 'juyoshaDenwa',
  'password', 'passphrase', 'loginID', 'loginId', 'key', 'cert', 'pfx', 'authorization', 'apiKey',
  // OCCTO 使用量情報照会 password (wire and contract names), incoming relay data.
  'shokaiPassword', 'relayDetails',
];

const REDACTED = new Set(REDACTED_KEYS.map((k) => k.toLowerCase()));
const MAX_DEPTH = 12;

/** A copy of `value` with every redacted key (any depth, any letter case) replaced. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED.has(k.toLowerCase()) ? '[redacted]' : redactDeep(v, depth + 1);
  return out;
}

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'denki-flow', destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Every log object passes through here, however deep the personal data sits.
    formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/** Temporal's Logger interface over pino, so SDK and workflow logs are the same JSON stream. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: pino.Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[LEVELS[level]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata) { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata) { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata) { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata) { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata) { this.log('ERROR', message, meta); }
}

let installed = false;
/** Runtime.install may run once per process; later calls are no-ops. */
export function installRuntimeLogging(logger: pino.Logger): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    // The Rust core's own messages go through pino too, not straight to the console.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
