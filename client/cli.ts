#!/usr/bin/env node
// Operator CLI over the client library: start from a JSON file, decide, cancel, status, list.
//   npm run cli -- switching-in start --file input.json
//   npm run cli -- switching-in list --awaiting-human --company 12346
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Client } from '@temporalio/client';
import { loadCodecKeys } from '../worker/config.js';
import { createTemporalClient } from './temporal-client.js';
import {
  DecisionRejectedError,
  InvalidInputError,
  cancelSwitchingIn,
  decideSwitchingIn,
  getSwitchingInStatus,
  listAwaitingHuman,
  startSwitchingIn,
} from './switching-in.js';
import type { SwitchingInDecision } from '../workflows/occto/switching-in.defs.js';

const program = new Command()
  .name('denki')
  .description('denki-flow operator CLI')
  .option('--address <host:port>', 'Temporal frontend', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233')
  .option('--namespace <ns>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default');

let client: Client | undefined;
async function getClient(): Promise<Client> {
  const o = program.opts<{ address: string; namespace: string }>();
  client ??= await createTemporalClient({ address: o.address, namespace: o.namespace, codecKeys: loadCodecKeys() });
  return client;
}
const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
const json = (what: string) => (v: string) => {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new InvalidArgumentError(`${what} must be JSON`);
  }
};

const sw = program.command('switching-in').description('OCCTO switching as the new retailer (スイッチング・新小売)');

sw.command('start')
  .description('start a switching from a JSON file (the same one for a repeat returns the running one)')
  .requiredOption('-f, --file <path>', 'input JSON (company, category, supplyPointId, supplyStartDate, customer …)')
  .action(async (o: { file: string }) => {
    const input = JSON.parse(readFileSync(o.file, 'utf8')) as unknown;
    const r = await startSwitchingIn(await getClient(), input);
    print({ workflowId: r.workflowId, started: r.started });
  });

sw.command('decide')
  .description('answer a switching awaiting a decision')
  .argument('<workflowId>')
  .requiredOption('--action <action>', 'resubmit | retry | abandon')
  .requiredOption('--by <userId>', 'the deciding person\'s user ID')
  .option('--corrections <json>', 'for resubmit: corrected fields, e.g. {"supplyStartDate":"2026-12-10"}', json('--corrections'))
  .option('--reason <text>', 'for abandon: why')
  .option('--comment <text>', 'free comment (no personal data)')
  .action(async (workflowId: string, o: { action: string; by: string; corrections?: unknown; reason?: string; comment?: string }) => {
    const decision = { action: o.action, decidedBy: o.by, corrections: o.corrections, reason: o.reason, comment: o.comment } as SwitchingInDecision;
    print(await decideSwitchingIn(await getClient(), workflowId, decision));
  });

sw.command('cancel')
  .description('cancel a switching; what it registered is cancelled (取消) first')
  .argument('<workflowId>')
  .action(async (workflowId: string) => {
    await cancelSwitchingIn(await getClient(), workflowId);
    print({ workflowId, cancelRequested: true });
  });

sw.command('status')
  .description('current stage, numbers and recent events of a switching')
  .argument('<workflowId>')
  .action(async (workflowId: string) => print(await getSwitchingInStatus(await getClient(), workflowId)));

sw.command('list')
  .description('switchings awaiting a person')
  .option('--awaiting-human', 'only those awaiting a decision (the default and only list for now)', true)
  .option('--company <code>')
  .option('--area <code>')
  .option('--stage <stage>')
  .action(async (o: { company?: string; area?: string; stage?: string }) =>
    print(await listAwaitingHuman(await getClient(), { company: o.company, area: o.area, stage: o.stage as never })),
  );

program
  .parseAsync()
  .catch((err: unknown) => {
    if (err instanceof InvalidInputError || err instanceof DecisionRejectedError) {
      console.error(err.message);
      process.exitCode = 2;
    } else {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    }
  })
  .finally(() => client?.connection.close());
