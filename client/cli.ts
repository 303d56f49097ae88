#!/usr/bin/env node
// Operator CLI over the client library: start from a JSON file, decide, cancel, status, list.
//   npm run cli -- switching-in start --file input.json
//   npm run cli -- switching-in list --awaiting-human --company 12346
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Client } from '@temporalio/client';
import { loadCodecKeys } from '../platform/codec-keys.js';
import { createTemporalClient } from '../platform/temporal-client.js';
import {
  DecisionRejectedError,
  InvalidInputError,
  cancelSwitchingIn,
  decideSwitchingIn,
  getSwitchingInStatus,
  listAwaitingHuman,
  startSwitchingIn,
} from '../systems/occto/client/switching-in.js';
import type { SwitchingInDecision } from '../systems/occto/workflows/switching-in.defs.js';
import {
  cancelConstruction,
  confirmConstructionCompletion,
  correctConstruction,
  getConstructionStatus,
  sendNoticeAction,
  startConstruction,
  startStreetLights,
} from '../systems/kansai-takusou/client/construction.js';
import { registerOcctoCommands } from '../systems/occto/client/cli.js';
import { RoleNotPermittedError } from '../systems/occto/client/switching-out.js';
import { OperationNotOfferedError } from '../systems/occto/client/occto-operations.js';

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

const ko = program.command('construction').description('Kansai T&D たくそう君 construction applications (工事申込)');

ko.command('start')
  .description('start one application (or, for GAIROTO with several lamps, one per lamp) from a JSON file')
  .requiredOption('-f, --file <path>', 'input JSON (company, kind, reference, site, files …)')
  .action(async (o: { file: string }) => {
    const input = JSON.parse(readFileSync(o.file, 'utf8')) as { kind?: string; lamps?: unknown[] };
    const c = await getClient();
    const started = input.kind === 'GAIROTO' && (input.lamps?.length ?? 0) > 1 ? await startStreetLights(c, input) : [await startConstruction(c, input)];
    print(started.map((s) => ({ workflowId: s.workflowId, started: s.started })));
  });

ko.command('status')
  .argument('<workflowId>')
  .action(async (workflowId: string) => print(await getConstructionStatus(await getClient(), workflowId)));

ko.command('confirm')
  .description('confirm the work is complete, with the completion documents (then the 竣工届 is filed)')
  .argument('<workflowId>')
  .requiredOption('--by <userId>')
  .requiredOption('--completed-on <date>', 'YYYY-MM-DD')
  .requiredOption('--documents <json>', 'e.g. [{"ref":"/data/done.pdf","documentType":"COMPLETION_REPORT","sizeBytes":1234}]', json('--documents'))
  .action(async (workflowId: string, o: { by: string; completedOn: string; documents: unknown }) =>
    print(await confirmConstructionCompletion(await getClient(), workflowId, { confirmedBy: o.by, completedOn: o.completedOn, documents: o.documents as never })),
  );

ko.command('correct')
  .description('send a 訂正 (changed items and/or more files)')
  .argument('<workflowId>')
  .requiredOption('--by <userId>')
  .option('--changes <json>', 'e.g. {"contractAmperes":50}', json('--changes'))
  .option('--files <json>', 'file references to attach', json('--files'))
  .action(async (workflowId: string, o: { by: string; changes?: unknown; files?: unknown }) =>
    print(await correctConstruction(await getClient(), workflowId, { correctedBy: o.by, changes: o.changes as never, files: o.files as never })),
  );

ko.command('cancel')
  .description('申込取消')
  .argument('<workflowId>')
  .requiredOption('--by <userId>')
  .requiredOption('--reason <text>')
  .action(async (workflowId: string, o: { by: string; reason: string }) =>
    print(await cancelConstruction(await getClient(), workflowId, { requestedBy: o.by, reason: o.reason })),
  );

ko.command('notice')
  .description('register a お知らせ (notices cannot be corrected or deleted: register a new one)')
  .requiredOption('--company <code>')
  .requiredOption('--by <userId>')
  .requiredOption('--title <text>')
  .requiredOption('--body <text>')
  .action(async (o: { company: string; by: string; title: string; body: string }) =>
    print(await sendNoticeAction(await getClient(), o.company, { action: 'register', title: o.title, body: o.body, by: o.by })),
  );

registerOcctoCommands(program, { getClient, print });

program
  .parseAsync()
  .catch((err: unknown) => {
    if (err instanceof InvalidInputError || err instanceof DecisionRejectedError || err instanceof RoleNotPermittedError || err instanceof OperationNotOfferedError) {
      console.error(err.message);
      process.exitCode = 2;
    } else {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    }
  })
  .finally(() => client?.connection.close());
