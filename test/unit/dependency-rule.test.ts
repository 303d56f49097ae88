// The dependency rule (.dependency-cruiser.cjs, docs/architecture.md §2.2): the tree keeps it, and
// each rule fails on the import it forbids — shown on a small tree of our layers in a temp dir,
// with the imports the rule still allows beside them.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';

const run = promisify(execFile);
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const LAYERS = ['domain', 'platform', 'protocols', 'workflows', 'activities', 'worker', 'client', 'simulators', 'systems', 'scripts', 'test'];
const REPO_DIRS = [...LAYERS, 'bench', 'deploy'];

async function cruise(cwd: string, dirs: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(DEPCRUISE, ['--config', CONFIG, '--output-type', 'err', ...dirs], { cwd });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'denki-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a module; `imports` are value imports unless prefixed with 'type:'. */
function mod(path: string, ...imports: string[]): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  const lines = imports.map((spec, i) => (spec.startsWith('type:') ? `import type { T${i} } from '${spec.slice(5)}';\nexport type U${i} = T${i};` : `import { v${i} } from '${spec}';\nexport const u${i} = v${i};`));
  writeFileSync(file, `${lines.join('\n')}\nexport const v0 = 0, v1 = 1, v2 = 2, v3 = 3;\nexport type T0 = 0; export type T1 = 1; export type T2 = 2; export type T3 = 3;\n`);
}

describe('the dependency rule', () => {
  it('holds for the whole tree', async () => {
    const r = await cruise(ROOT, REPO_DIRS);
    expect(r.out).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  });

  it('fails on each forbidden import, naming the rule and both modules, and allows what it allows', async () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true } }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    // Allowed: contracts, type-only imports of activities, definitions, the wire format, protocols.
    mod('domain/rules.ts');
    mod('protocols/soap.ts', '../domain/rules.js');
    mod('platform/codec.ts', '../domain/rules.js');
    mod('activities/mail/contract.ts');
    mod('workflows/lifecycle.defs.ts', '../domain/rules.js');
    mod('workflows/lifecycle.ts', '../activities/mail/contract.js', 'type:../activities/mail/activities.js', './lifecycle.defs.js');
    mod('client/library.ts', '../workflows/lifecycle.defs.js', 'type:../workflows/lifecycle.js', '../platform/codec.js');
    mod('simulators/shared/servers.ts', '../../protocols/soap.js', '../../domain/rules.js');
    mod('systems/alpha/activities/contract.ts');
    mod('systems/alpha/activities/provisional-wire-format.ts', '../../../protocols/soap.js');
    mod('systems/alpha/workflows/flow.ts', '../activities/contract.js', 'type:../activities/calls.js', '../../../workflows/lifecycle.defs.js', '../../../domain/rules.js');
    mod('systems/alpha/simulator/server.ts', '../activities/provisional-wire-format.js', '../../../simulators/shared/servers.js');
    mod('systems/alpha/client/start.ts', '../workflows/flow.defs.js', '../../../platform/codec.js');
    mod('systems/alpha/workflows/flow.defs.ts');
    mod('systems/alpha/test/flow.test.ts', '../workflows/flow.js', '../../../test/helper.js');
    mod('scripts/stack.ts', '../worker/main.js', '../client/library.js', '../systems/alpha/simulator/server.js');
    // Forbidden, one per rule.
    mod('domain/impure.ts', '../platform/codec.js'); // domain-is-pure
    mod('platform/leaky.ts', '../workflows/lifecycle.defs.js'); // platform-is-neutral
    mod('protocols/leaky.ts', '../activities/mail/contract.js'); // protocols-are-neutral
    mod('workflows/io.ts', '../platform/codec.js'); // workflows-stay-deterministic
    mod('workflows/calls.ts', '../activities/mail/activities.js'); // workflows-import-activity-contracts-only
    mod('activities/mail/activities.ts', '../../worker/main.js'); // activities-below-processes
    mod('activities/mail/signals.ts', '../../workflows/lifecycle.js'); // activities-import-workflow-definitions-only
    mod('worker/main.ts', '../client/library.js'); // worker-and-client-are-apart
    mod('client/cli.ts', '../worker/main.js'); // client-and-worker-are-apart
    mod('client/handle.ts', '../workflows/lifecycle.js'); // client-uses-workflow-definitions
    mod('client/runs.ts', '../activities/mail/activities.js'); // client-uses-activity-contracts-only
    mod('systems/alpha/activities/calls.ts');
    mod('systems/alpha/simulator/cheat.ts', '../activities/calls.js'); // simulators-share-the-wire-format-only
    mod('systems/alpha/gateway/routes.ts', '../workflows/flow.js'); // client-uses-workflow-definitions
    mod('systems/beta/activities/borrowed.ts', '../../alpha/activities/contract.js'); // systems-are-independent
    mod('domain/knows-a-system.ts', '../systems/alpha/activities/contract.js'); // shared-domain-knows-no-system
    mod('domain/testing.ts', '../test/helper.js'); // nothing-imports-the-composers (and domain-is-pure)
    mod('test/helper.ts');
    mod('platform/a.ts', './b.js'); // no-cycles
    mod('platform/b.ts', './a.js');

    const r = await cruise(dir, LAYERS);
    expect(r.code, r.out).not.toBe(0);
    const violations = r.out.split('\n').filter((l) => /^\s*error /.test(l)).map((l) => l.trim());
    const expected: Array<[string, string, string]> = [
      ['domain-is-pure', 'domain/impure.ts', 'platform/codec.ts'],
      ['platform-is-neutral', 'platform/leaky.ts', 'workflows/lifecycle.defs.ts'],
      ['protocols-are-neutral', 'protocols/leaky.ts', 'activities/mail/contract.ts'],
      ['workflows-stay-deterministic', 'workflows/io.ts', 'platform/codec.ts'],
      ['workflows-import-activity-contracts-only', 'workflows/calls.ts', 'activities/mail/activities.ts'],
      ['activities-below-processes', 'activities/mail/activities.ts', 'worker/main.ts'],
      ['activities-import-workflow-definitions-only', 'activities/mail/signals.ts', 'workflows/lifecycle.ts'],
      ['worker-and-client-are-apart', 'worker/main.ts', 'client/library.ts'],
      ['client-and-worker-are-apart', 'client/cli.ts', 'worker/main.ts'],
      ['client-uses-workflow-definitions', 'client/handle.ts', 'workflows/lifecycle.ts'],
      ['client-uses-workflow-definitions', 'systems/alpha/gateway/routes.ts', 'systems/alpha/workflows/flow.ts'],
      ['client-uses-activity-contracts-only', 'client/runs.ts', 'activities/mail/activities.ts'],
      ['simulators-share-the-wire-format-only', 'systems/alpha/simulator/cheat.ts', 'systems/alpha/activities/calls.ts'],
      ['systems-are-independent', 'systems/beta/activities/borrowed.ts', 'systems/alpha/activities/contract.ts'],
      ['shared-domain-knows-no-system', 'domain/knows-a-system.ts', 'systems/alpha/activities/contract.ts'],
      ['nothing-imports-the-composers', 'domain/testing.ts', 'test/helper.ts'],
    ];
    for (const [rule, from, to] of expected) expect(violations, `${rule}: ${from} → ${to}`).toContain(`error ${rule}: ${from} → ${to}`);
    expect(r.out).toMatch(/error no-cycles: platform\/(a|b)\.ts →/);
    // Nothing else: the allowed imports above raise nothing.
    for (const allowed of ['workflows/lifecycle.ts', 'client/library.ts', 'simulators/shared/servers.ts', 'scripts/stack.ts', 'systems/alpha/workflows/flow.ts', 'systems/alpha/simulator/server.ts', 'systems/alpha/client/start.ts', 'systems/alpha/test/flow.test.ts', 'systems/alpha/activities/provisional-wire-format.ts']) {
      expect(violations.filter((v) => v.includes(`: ${allowed} →`)), allowed).toEqual([]);
    }
  });
});
