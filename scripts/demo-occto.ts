// Demo of the current retailer's side and the other OCCTO operations for the local stack:
// 廃止取次 addressed to us from a simulated new retailer (one our records match — the rule judges it
// OK; two that need a person), the inbox Schedule plus one forced sweep now, and one of each other
// operation. Runs once per stack: a second run finds switching-out workflows and adds nothing.
import { writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { addDays, jstDate } from '../domain/jst.js';
import { ensureInboxSchedule } from '../systems/occto/client/occto-inbox.js';
import { listSwitchingOut } from '../systems/occto/client/switching-out.js';
import { startFacilityQuery, startOcctoApplication, startUsageQuery } from '../systems/occto/client/occto-operations.js';
import { WORKFLOWS_TASK_QUEUE } from '../domain/task-queues.js';
import { INBOX_SWEEP_WORKFLOW_TYPE, type InboxSweepInput } from '../systems/occto/workflows/incoming-relays.defs.js';

const NEW_RETAILER = '99991';
const ADDRESS = '大阪府大阪市北区中之島3-6-16';

/** Incoming relays and what our customer records say about them. */
const INCOMING = [
  { point: '0300000000000000002100', category: 'LV', name: '千葉 桜子', kana: 'チバ サクラコ', records: 'match', note: 'records match → judged OK by the rule, 廃止申請, completes' },
  { point: '0300000000000000002200', category: 'LV', name: '埼玉 健太', kana: 'サイタマ ケンタ', records: 'mismatch', note: 'name differs from our records → awaits a person' },
  { point: '0600000000000000002300', category: 'LV', name: '京都 美咲', kana: 'キョウト ミサキ', records: 'none', note: 'not in our records → awaits a person (NG 1 expected)' },
  { point: '0300000000000000002400', category: 'HV', name: '株式会社 川崎製作所', kana: 'カブシキガイシャ カワサキセイサクショ', records: 'match', note: '高圧: records match → OK by the rule' },
] as const;

/** The customer-records file the worker reads (CUSTOMER_RECORDS_FILE): a stand-in for the CIS. */
export function writeDemoCustomerRecords(path: string, company: string): void {
  const records = INCOMING.filter((r) => r.records !== 'none').map((r) => ({
    company,
    category: r.category,
    supplyPointId: r.point,
    status: 'ACTIVE',
    customer: { name: r.records === 'mismatch' ? '埼玉 健一' : r.name, kana: r.kana, address: ADDRESS },
  }));
  writeFileSync(path, JSON.stringify({ records }, null, 2), { mode: 0o600 });
}

export interface OcctoDemoResult {
  incomingInjected: number;
  operationsStarted: number;
  ids: string[];
}

export async function runOcctoDemo(client: Client, o: { company: string; simAdminUrl: string }): Promise<OcctoDemoResult> {
  const ids: string[] = [];
  const today = jstDate(Date.now());
  // Hourly duty: Schedules sweep the inbox every 30 min in business hours (JST, business days).
  await ensureInboxSchedule(client, {
    company: o.company,
    switchingOut: { judgementDeadline: '1 day', reminderInterval: '4 hours', pollInterval: '10 seconds' },
  });

  let injected = 0;
  const existing = await listSwitchingOut(client, { company: o.company }, 1).catch(() => []);
  if (existing.length === 0) {
    for (const r of INCOMING) {
      const res = await fetch(`${o.simAdminUrl}/incoming-relays`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          toCompany: o.company,
          category: r.category,
          supplyPointId: r.point,
          newRetailerCode: NEW_RETAILER,
          customer: { name: r.name, kana: r.kana, address: ADDRESS },
        }),
      });
      if (res.ok) injected++;
      else if (res.status !== 409) throw new Error(`OCCTO simulator refused the demo relay for ${r.point}: ${res.status} ${await res.text()}`);
    }
    // Look now rather than at the next half hour (and also outside business hours): a forced sweep.
    const sweep: InboxSweepInput = { company: o.company, force: true, switchingOut: { judgementDeadline: '1 day', reminderInterval: '4 hours', pollInterval: '10 seconds' } };
    await client.workflow.start(INBOX_SWEEP_WORKFLOW_TYPE, {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId: `occto-inbox/${o.company}/demo-sweep-${Date.now()}`,
      args: [sweep],
    });
  }

  // One of each other operation (idempotent by reference).
  const base = { company: o.company, options: { pollInterval: '10 seconds' } };
  const ops = [
    startFacilityQuery(client, { company: o.company, category: 'LV', supplyPointId: '0300000000000000003100', reference: 'demo-facility-1' }),
    startUsageQuery(client, { ...base, category: 'LV', supplyPointId: '0300000000000000003200', reference: 'demo-usage-1' }),
    startOcctoApplication(client, { ...base, kind: 'AMPERE_CHANGE', category: 'LV', supplyPointId: '0300000000000000003300', reference: 'demo-amp-1', desiredDate: addDays(today, 10), amperes: 40 }),
    startOcctoApplication(client, { ...base, kind: 'DISCONTINUATION', category: 'HV', supplyPointId: '0400000000000000003400', reference: 'demo-haishi-1', desiredDate: addDays(today, 20), withRemoval: false }),
  ];
  let operationsStarted = 0;
  for (const r of await Promise.all(ops)) {
    if (r.started) operationsStarted++;
    ids.push(r.workflowId);
  }
  return { incomingInjected: injected, operationsStarted, ids };
}
