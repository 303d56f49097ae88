// Settings from the environment, or, for secrets mounted as files, from the file VAR_FILE names.
import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

/** A value from VAR, or from the file named by VAR_FILE (secrets mounted as files). */
export function valueOrFile(env: Env, name: string, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '') return direct;
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      problems.push(`${name}_FILE: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return undefined;
}

