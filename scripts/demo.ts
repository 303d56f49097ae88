// Demo switchings for the local stack, in different stages: some go through, one is judged NG
// and waits for a person, one is never judged and keeps waiting. Supply point IDs are fixed, so a
// second run finds the same workflows (idempotent start) instead of adding more.
import { Connection } from '@temporalio/client';
import { createTemporalClient } from '../client/temporal-client.js';
import { startSwitchingIn } from '../client/switching-in.js';
import type { CodecKeys } from '../worker/payload-codec.js';
import { addDays, jstDate } from '../domain/jst.js';

// The OCCTO simulator keys its behaviour on the last three digits of the supply point ID.
const DEMO = [
  { point: '0300000000000000001100', name: '関西 花子', kana: 'カンサイ ハナコ', note: 'completes' },
  { point: '0600000000000000001200', name: '大阪 一郎', kana: 'オオサカ イチロウ', note: 'completes' },
  { point: '0300000000000000001801', name: '東京 次郎', kana: 'トウキョウ ジロウ', note: 'NG → awaits a decision' },
  { point: '0400000000000000001802', name: '名古屋 三郎', kana: 'ナゴヤ サブロウ', note: 'NG once → awaits a decision; resubmit goes through' },
  { point: '0900000000000000001880', name: '福岡 四郎', kana: 'フクオカ シロウ', note: 'never judged: awaits the judgement' },
  { point: '0300000000000000001870', name: '横浜 五郎', kana: 'ヨコハマ ゴロウ', note: 'processing rejected → awaits a decision' },
];

export async function runDemo(o: { address: string; codecKeys: CodecKeys; company: string }) {
  const connection = await Connection.connect({ address: o.address });
  const client = await createTemporalClient({ connection, codecKeys: o.codecKeys });
  const today = jstDate(Date.now());
  let started = 0;
  let existing = 0;
  const ids: string[] = [];
  try {
    for (const d of DEMO) {
      const r = await startSwitchingIn(client, {
        company: o.company,
        category: 'LV',
        supplyPointId: d.point,
        supplyStartDate: addDays(today, 14),
        nextButOneMeterReadingDate: addDays(today, 45),
        customer: { name: d.name, kana: d.kana, address: '大阪府大阪市北区中之島3-6-16' },
        reference: `demo-${d.point.slice(-4)}`,
        options: { pollInterval: '10 seconds', decisionDeadline: '7 days', reminderInterval: '1 day' },
      });
      if (r.started) started++;
      else existing++;
      ids.push(r.workflowId);
    }
  } finally {
    await connection.close();
  }
  return { started, existing, ids };
}
