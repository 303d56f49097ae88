// CLI commands for the current retailer's side (incoming 廃止取次), the inbox and the other OCCTO
// operations. Registered by cli.ts; the same client library the gateway uses.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import {
  decideSwitchingOut,
  getRelayDetails,
  getSwitchingOutStatus,
  judgeSwitchingOut,
  listSwitchingOut,
  reportMistakenOk,
} from './switching-out.js';
import { ensureInboxSchedule, getInboxWatcherStatus, startInboxWatcher, sweepInboxNow } from './occto-inbox.js';
import {
  cancelOcctoApplication,
  decideOperation,
  getOperationStatus,
  requeryUsage,
  startFacilityQuery,
  startOcctoApplication,
  startUsageQuery,
} from './occto-operations.js';
import type { JudgeDecision, SwitchingOutDecision } from '../domain/switching-out.js';
import type { SwitchingOutStage } from '../workflows/switching-out.defs.js';
import type { OperationDecision } from '../workflows/operations/operation.defs.js';
import { CATEGORIES, type Category } from '../../../domain/categories.js';

export interface CliKit {
  getClient(): Promise<Client>;
  print(v: unknown): void;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;

/** "1,4" → [1, 4]; anything else is left for the Update's validator to name. */
const reasonList = (v: string): number[] => v.split(',').map((s) => Number(s.trim()));

function categoryList(v: string | undefined): Category[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim()) as Category[];
}

export function registerOcctoCommands(program: Command, kit: CliKit): void {
  const { getClient, print } = kit;

  const out = program.command('switching-out').description('OCCTO switching as the current retailer (スイッチング・現小売): incoming 廃止取次');

  out
    .command('list')
    .description('incoming relays in progress (default: those awaiting a person)')
    .option('--all', 'every running one, not only those awaiting a person')
    .option('--company <code>')
    .option('--area <code>')
    .option('--stage <stage>', 'e.g. AWAITING_JUDGEMENT')
    .action(async (o: { all?: boolean; company?: string; area?: string; stage?: string }) =>
      print(await listSwitchingOut(await getClient(), { company: o.company, area: o.area, stage: o.stage as SwitchingOutStage | undefined, awaitingHuman: o.all ? undefined : true })),
    );

  out
    .command('status')
    .description('stage, numbers and recent events (no customer data)')
    .argument('<workflowId>')
    .action(async (workflowId: string) => print(await getSwitchingOutStatus(await getClient(), workflowId)));

  out
    .command('details')
    .description('the relay with the customer data — switching roles only (win-back ban)')
    .argument('<workflowId>')
    .requiredOption('--role <role>', 'switching-operator | switching-approver | switching-admin')
    .requiredOption('--by <userId>')
    .action(async (workflowId: string, o: { role: string; by: string }) =>
      print(
        await getRelayDetails(await getClient(), workflowId, {
          role: o.role,
          userId: o.by,
          // Who read which relay, never what: the audit trail the terms ask for (docs/external-systems/occto-switching.md §8.6).
          audit: (e) => console.error(JSON.stringify({ audit: e })),
        }),
      ),
    );

  out
    .command('judge')
    .description('judge an incoming relay: OK, or NG with 判断NG理由 flags (final: an OK cannot be retracted)')
    .argument('<workflowId>')
    .requiredOption('--judgement <OK|NG>')
    .option('--reasons <list>', 'for NG: 判断NG理由 1–9, comma-separated, e.g. 2,3', reasonList)
    .requiredOption('--by <userId>')
    .option('--comment <text>', 'free comment (no personal data)')
    .action(async (workflowId: string, o: { judgement: string; reasons?: number[]; by: string; comment?: string }) => {
      const decision = { judgement: o.judgement, ngReasons: o.reasons, decidedBy: o.by, comment: o.comment } as JudgeDecision;
      print(await judgeSwitchingOut(await getClient(), workflowId, decision));
    });

  out
    .command('mistaken-ok')
    .description('report that an OK was given by mistake (we cannot retract it; the new retailer must 取消)')
    .argument('<workflowId>')
    .requiredOption('--by <userId>')
    .option('--note <text>', 'what happened (no personal data)')
    .action(async (workflowId: string, o: { by: string; note?: string }) =>
      print(await reportMistakenOk(await getClient(), workflowId, { reportedBy: o.by, note: o.note })),
    );

  out
    .command('decide')
    .description('after a business error: retry or abandon')
    .argument('<workflowId>')
    .requiredOption('--action <retry|abandon>')
    .requiredOption('--by <userId>')
    .option('--reason <text>', 'for abandon: why')
    .action(async (workflowId: string, o: { action: string; by: string; reason?: string }) =>
      print(await decideSwitchingOut(await getClient(), workflowId, { action: o.action, decidedBy: o.by, reason: o.reason } as SwitchingOutDecision)),
    );

  const inbox = program.command('inbox').description('スイッチング廃止取次照会: the current retailer\'s hourly duty');

  inbox
    .command('schedule')
    .description('create or update the Temporal Schedules that sweep the inbox in business hours')
    .requiredOption('--company <code>')
    .option('--categories <list>', `comma-separated, default ${CATEGORIES.join(',')}`)
    .option('--cadence-minutes <n>', 'minutes between sweeps (a divisor of 60), default 30', Number)
    .option('--options <file>', 'JSON options for the switching-out workflows the sweeps start (deadlines, autoJudge …)')
    .action(async (o: { company: string; categories?: string; cadenceMinutes?: number; options?: string }) =>
      print(
        await ensureInboxSchedule(await getClient(), {
          company: o.company,
          categories: categoryList(o.categories),
          cadenceMinutes: o.cadenceMinutes,
          switchingOut: o.options ? (readJson(o.options) as never) : undefined,
        }),
      ),
    );

  inbox
    .command('watch')
    .description('start the long-running inbox watcher instead (where Schedules are unavailable)')
    .requiredOption('--company <code>')
    .option('--categories <list>')
    .option('--cadence-minutes <n>', 'default 30', Number)
    .action(async (o: { company: string; categories?: string; cadenceMinutes?: number }) =>
      print(await startInboxWatcher(await getClient(), { company: o.company, categories: categoryList(o.categories), cadenceMinutes: o.cadenceMinutes })),
    );

  inbox
    .command('sweep')
    .description('ask the watcher to sweep now')
    .requiredOption('--company <code>')
    .action(async (o: { company: string }) => {
      await sweepInboxNow(await getClient(), o.company);
      print({ company: o.company, sweepRequested: true });
    });

  inbox
    .command('status')
    .requiredOption('--company <code>')
    .action(async (o: { company: string }) => print(await getInboxWatcherStatus(await getClient(), o.company)));

  const op = program.command('occto').description('other OCCTO operations: 設備情報照会, 使用量情報照会, 再点, 廃止・撤去, アンペア変更, 需要者情報変更');

  op.command('facility')
    .description('設備情報照会 from a JSON file {company, category, supplyPointId, reference}')
    .requiredOption('-f, --file <path>')
    .action(async (o: { file: string }) => {
      const r = await startFacilityQuery(await getClient(), readJson(o.file));
      print({ workflowId: r.workflowId, started: r.started });
    });

  op.command('usage')
    .description('使用量情報照会申請 → 使用量情報照会 from a JSON file')
    .requiredOption('-f, --file <path>')
    .action(async (o: { file: string }) => {
      const r = await startUsageQuery(await getClient(), readJson(o.file));
      print({ workflowId: r.workflowId, started: r.started });
    });

  op.command('requery')
    .description('query the usage again with the still-valid password (applies again after it expired)')
    .argument('<workflowId>')
    .requiredOption('--by <userId>')
    .action(async (workflowId: string, o: { by: string }) => print(await requeryUsage(await getClient(), workflowId, { requestedBy: o.by })));

  op.command('apply')
    .description('再点 / 廃止・撤去 / アンペア変更 / 需要者情報変更 from a JSON file {kind, company, category, supplyPointId, reference, …}')
    .requiredOption('-f, --file <path>')
    .action(async (o: { file: string }) => {
      const r = await startOcctoApplication(await getClient(), readJson(o.file));
      print({ workflowId: r.workflowId, started: r.started });
    });

  op.command('status')
    .argument('<workflowId>')
    .action(async (workflowId: string) => print(await getOperationStatus(await getClient(), workflowId)));

  op.command('cancel')
    .description('取消 of an application still in progress')
    .argument('<workflowId>')
    .requiredOption('--by <userId>')
    .requiredOption('--reason <text>')
    .action(async (workflowId: string, o: { by: string; reason: string }) =>
      print(await cancelOcctoApplication(await getClient(), workflowId, { requestedBy: o.by, reason: o.reason })),
    );

  op.command('decide')
    .description('after a business error: retry or abandon')
    .argument('<workflowId>')
    .requiredOption('--action <retry|abandon>')
    .requiredOption('--by <userId>')
    .option('--reason <text>')
    .action(async (workflowId: string, o: { action: string; by: string; reason?: string }) =>
      print(await decideOperation(await getClient(), workflowId, { action: o.action, decidedBy: o.by, reason: o.reason } as OperationDecision)),
    );
}
