// Replays recorded histories against today's workflow code: a non-deterministic change (a step
// added, removed or reordered without patched()) fails here before it reaches running workflows.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, inject } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { createDataConverter } from '../../platform/data-converter.js';
import { TEST_CODEC_KEYS } from '../support/temporal-env.js';
import { HISTORIES_DIR } from '../support/replay-fixtures.js';

const files = readdirSync(fileURLToPath(HISTORIES_DIR)).filter((f) => f.endsWith('.json'));

describe('replay of recorded switching histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, HISTORIES_DIR), 'utf8')));
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundle') }, dataConverter: createDataConverter(TEST_CODEC_KEYS) },
      history,
      `replay-${file}`,
    );
  });
});
