// Structured logs (pino JSON) for our code and for the Temporal runtime, with personal data and
// secrets redacted by key wherever they appear.
import pino from 'pino';
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';

/** Keys whose values never reach a log line. */
export const REDACTED_KEYS = [
  'customer', 'kana', 'address', 'phone',
  'juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho', 'juyoshaDenwa',
  'password', 'passphrase', 'loginID', 'loginId', 'key', 'cert', 'pfx', 'authorization', 'apiKey',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'denki-flow'): pino.Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), ...REDACTED_KEYS.map((k) => `*.*.${k}`)],
      censor: '[redacted]',
    },
  });
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
