// What the logs must never show of a worker's configuration (registered with platform/logging.ts).
import type { WorkerConfig } from './config.js';

/** The secrets of a worker's configuration, for registerSecrets (certificates are public, keys are not). */
export function workerSecrets(config: Pick<WorkerConfig, 'occto' | 'takusou' | 'codecKeys'>): string[] {
  const out: string[] = [];
  for (const c of Object.values(config.occto?.companies ?? {})) out.push(c.loginId, c.password, c.key);
  for (const a of Object.values(config.takusou?.client.companies ?? {})) out.push(...[a.apiKey, ...Object.values(a.headers ?? {})].filter((v): v is string => v !== undefined));
  for (const k of Object.values(config.codecKeys.keys)) out.push(Buffer.from(k).toString('base64'));
  return out;
}

