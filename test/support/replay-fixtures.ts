// Recorded histories guard determinism: a change to workflow code that would break running
// workflows fails test/workflows/replay.test.ts (then use patched() or a new workflow type).
// Record fresh ones with: RECORD_REPLAY_FIXTURES=1 npx vitest run systems/occto/test/workflows/switching-in.test.ts
import { writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export const HISTORIES_DIR = new URL('../replay/histories/', import.meta.url);

export async function recordReplayFixture(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_REPLAY_FIXTURES) return;
  const history = await handle.fetchHistory();
  writeFileSync(new URL(`${name}.json`, HISTORIES_DIR), historyToJSON(history));
}
