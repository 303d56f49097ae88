// Demo switchings for the local stack, in different stages: some go through, one is judged NG
// and waits for a person, one is never judged and keeps waiting. Supply point IDs are fixed, so a
// second run finds the same workflows (idempotent start) instead of adding more.
import { Connection } from '@temporalio/client';
import { createTemporalClient } from '../platform/temporal-client.js';
import { startSwitchingIn } from '../systems/occto/client/switching-in.js';
import { ensureNoticeWatcher, startConstruction, startStreetLights } from '../systems/kansai-takusou/client/construction.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { CodecKeys } from '../platform/payload-codec.js';
import { addDays, jstDate } from '../domain/jst.js';
import { runOcctoDemo } from './demo-occto.js';

// The OCCTO simulator keys its behaviour on the last three digits of the supply point ID.
// Exported: the local-stack test looks for these (made-up) customers, decoded, in the Web UI.
export const DEMO_SWITCHINGS = [
  { point: '0300000000000000001100', name: '関西 花子', kana: 'カンサイ ハナコ', note: 'completes' },
  { point: '0600000000000000001200', name: '大阪 一郎', kana: 'オオサカ イチロウ', note: 'completes' },
  { point: '0300000000000000001801', name: '東京 次郎', kana: 'トウキョウ ジロウ', note: 'NG → awaits a decision' },
  { point: '0400000000000000001802', name: '名古屋 三郎', kana: 'ナゴヤ サブロウ', note: 'NG once → awaits a decision; resubmit goes through' },
  { point: '0900000000000000001880', name: '福岡 四郎', kana: 'フクオカ シロウ', note: 'never judged: awaits the judgement' },
  { point: '0300000000000000001870', name: '横浜 五郎', kana: 'ヨコハマ ゴロウ', note: 'processing rejected → awaits a decision' },
] as const;

export async function runDemo(o: { address: string; codecKeys: CodecKeys; company: string; filesDir: string; occtoSimAdminUrl: string }) {
  const connection = await Connection.connect({ address: o.address });
  const client = await createTemporalClient({ connection, codecKeys: o.codecKeys });
  const today = jstDate(Date.now());
  let started = 0;
  let existing = 0;
  let incoming = 0;
  const ids: string[] = [];
  try {
    for (const d of DEMO_SWITCHINGS) {
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
    // たくそう君: the お知らせ watcher, and construction applications that end in different stages.
    await ensureNoticeWatcher(client, o.company, '1 minute');
    mkdirSync(o.filesDir, { recursive: true });
    const drawing = `${o.filesDir}/drawing.pdf`;
    const siteMap = `${o.filesDir}/site-map.pdf`;
    writeFileSync(drawing, Buffer.alloc(4096, 1));
    writeFileSync(siteMap, Buffer.alloc(2048, 2));
    const file = (kind: string) => [{ ref: kind === 'GAIROTO' ? siteMap : drawing, documentType: kind === 'GAIROTO' ? 'SITE_MAP' : 'DRAWING', sizeBytes: kind === 'GAIROTO' ? 2048 : 4096 }];
    const construction = [
      { kind: 'JOJI', reference: 'demo-joji-100', supplyTypes: ['DENTO'], contractAmperes: 40, equipment: [{ name: 'エコキュート', capacityKw: 1.5, waterHeater: { maker: 'ダイキン', heaterClass: 'ヒートポンプ', capacityLitres: 370 } }] },
      { kind: 'RINJI', reference: 'demo-rinji-802', supplyTypes: ['DENRYOKU'], contractAmperes: 30, temporaryUntil: addDays(today, 200), equipment: [{ name: '仮設動力', capacityKw: 5.5 }] },
      { kind: 'SHUDAN', reference: 'demo-shudan-100', units: [{ unitNo: '101', supplyType: 'DENTO', contractAmperes: 30 }, { unitNo: '102', supplyType: 'DENTO', contractAmperes: 40 }] },
      { kind: 'JOJI', reference: 'demo-joji-803', supplyTypes: ['DENRYOKU'], contractAmperes: 60, equipment: [{ name: '動力', capacityKw: 7.5 }] },
    ];
    for (const c of construction) {
      const r = await startConstruction(client, {
        company: o.company,
        site: { customerName: '関西 工務', address: '大阪府大阪市北区中之島3-6-16' },
        desiredDate: addDays(today, 30),
        files: file(c.kind),
        options: { pollInterval: '10 seconds', decisionDeadline: '7 days', reminderInterval: '1 day' },
        ...c,
      });
      if (r.started) started++;
      else existing++;
      ids.push(r.workflowId);
    }
    const lamps = await startStreetLights(client, {
      company: o.company,
      kind: 'GAIROTO',
      reference: 'demo-street-100',
      site: { customerName: '大阪市 建設局', address: '大阪府大阪市北区中之島1-3-20' },
      desiredDate: addDays(today, 30),
      lamps: [1, 2].map((i) => ({ lampType: 'LED', wattage: 40, poleNo: `P-${i}` })),
      files: file('GAIROTO'),
      options: { pollInterval: '10 seconds' },
    });
    for (const l of lamps) {
      if (l.started) started++;
      else existing++;
      ids.push(l.workflowId);
    }
    // OCCTO current-retailer side (incoming 廃止取次) and the other operations.
    const occto = await runOcctoDemo(client, { company: o.company, simAdminUrl: o.occtoSimAdminUrl });
    started += occto.operationsStarted;
    incoming = occto.incomingInjected;
    ids.push(...occto.ids);
  } finally {
    await connection.close();
  }
  return { started, existing, ids, incoming };
}
