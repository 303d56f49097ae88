// Belt and braces beside the lint rule: domain code — the shared domain/ and each system's
// systems/<name>/domain/ — is bundled into Temporal workflows, so it may import only zod,
// @holiday-jp/holiday_jp, its own folder's files and (a system's) the shared domain/, and must not
// read the clock.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/processes.js';

const dirs = ['domain', ...readdirSync(join(ROOT, 'systems')).map((s) => `systems/${s}/domain`)];
const files = dirs.flatMap((d) => {
  try {
    return readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`);
  } catch {
    return [];
  }
});

describe('domain purity', () => {
  it('has the expected files', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'domain/areas.ts', 'domain/business-calendar.ts', 'domain/categories.ts', 'domain/company.ts', 'domain/errors.ts', 'domain/index.ts',
        'domain/jst.ts', 'domain/maintenance.ts', 'domain/supply-point.ts', 'domain/task-queues.ts',
        'systems/occto/domain/start-date-rules.ts', 'systems/occto/domain/switching-in.ts', 'systems/kansai-takusou/domain/construction.ts',
      ]),
    );
  });

  it.each(files)('%s imports only allowed modules and no clock or randomness', (file) => {
    const src = readFileSync(join(ROOT, file), 'utf8');
    const inSystem = file.startsWith('systems/');
    const specifiers = [...src.matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);
    for (const s of specifiers) {
      const ok = s === 'zod' || s === '@holiday-jp/holiday_jp' || /^\.\/[a-z-]+\.js$/.test(s!) || (inSystem && /^\.\.\/\.\.\/\.\.\/domain\/[a-z-]+\.js$/.test(s!));
      expect(ok, `${file}: ${s}`).toBe(true);
    }
    expect(src).not.toMatch(/Date\.now|Math\.random|new Date\(\)|process\.|Buffer\./);
  });
});
