// Belt and braces beside the lint rule: domain/ is bundled into Temporal workflows, so it may
// import only zod, @holiday-jp/holiday_jp and its own files, and must not read the clock.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const domainDir = fileURLToPath(new URL('../../domain/', import.meta.url));
const files = readdirSync(domainDir).filter((f) => f.endsWith('.ts'));

describe('domain/ purity', () => {
  it('has the expected files', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'areas.ts', 'business-calendar.ts', 'categories.ts', 'company.ts', 'errors.ts', 'index.ts',
        'jst.ts', 'maintenance.ts', 'start-date-rules.ts', 'supply-point.ts', 'task-queues.ts',
      ]),
    );
  });

  it.each(files)('%s imports only allowed modules and no clock or randomness', (file) => {
    const src = readFileSync(domainDir + file, 'utf8');
    const specifiers = [...src.matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);
    for (const s of specifiers) {
      expect(s === 'zod' || s === '@holiday-jp/holiday_jp' || /^\.\/[a-z-]+\.js$/.test(s!), `${file}: ${s}`).toBe(true);
    }
    expect(src).not.toMatch(/Date\.now|Math\.random|new Date\(\)|process\.|Buffer\./);
  });
});
