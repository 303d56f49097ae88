// お知らせ (notices): KTD's notices (INFO, and MAINTENANCE published for ad-hoc windows) are seen
// by every supplier; a notice registered through API 20 (JIGYOSHA) is seen by the supplier that
// posted it. Read receipts (API 21) are per supplier. There is no edit or delete (public rule):
// a correction is a new notice.
import {
  formatNoticeId,
  jstDateTime,
  type Notice,
  type NoticeKind,
} from '../activities/provisional-wire-format.js';
import { TakusouError } from './takusou-error.js';
import type { NoticeView } from './types.js';

interface SimNotice {
  id: string;
  kind: NoticeKind;
  kenmei: string;
  honbun: string;
  postedAt: number;
  postedBy?: string;
  start?: number;
  end?: number;
  readBy: Set<string>;
}

export type SavedNotice = Omit<SimNotice, 'readBy'> & { readBy: string[] };

export interface NoticeListCriteria {
  unreadOnly: boolean;
  from?: number;
}

export class NoticeStore {
  private notices: SimNotice[] = [];
  private counter = 0;

  post(n: Omit<SimNotice, 'id' | 'readBy'>): SimNotice {
    const notice: SimNotice = { ...n, id: formatNoticeId(++this.counter), readBy: new Set() };
    this.notices.push(notice);
    return notice;
  }

  /** The MAINTENANCE notice of an ad-hoc window, posted at `now`. */
  publishMaintenance(w: { start: number; end: number; reason?: string }, now: number): SimNotice {
    const from = jstDateTime(w.start);
    const to = jstDateTime(w.end);
    return this.post({
      kind: 'MAINTENANCE',
      kenmei: 'サービス停止のお知らせ',
      honbun: `${from} から ${to} までたくそう君APIを停止します。${w.reason ? `(${w.reason})` : ''}`,
      postedAt: now,
      start: w.start,
      end: w.end,
    });
  }

  private visible(n: SimNotice, company: string, now: number): boolean {
    return n.postedAt <= now && (n.kind !== 'JIGYOSHA' || n.postedBy === company);
  }

  list(company: string, now: number, c: NoticeListCriteria): Notice[] {
    return this.notices
      .filter((n) => this.visible(n, company, now) && (!c.unreadOnly || !n.readBy.has(company)) && (c.from === undefined || Math.floor(n.postedAt / 1000) * 1000 >= c.from))
      .sort((a, b) => b.postedAt - a.postedAt || b.id.localeCompare(a.id))
      .map((n) => ({
        oshiraseId: n.id,
        oshiraseShubetsu: n.kind,
        kenmei: n.kenmei,
        honbun: n.honbun,
        ...(n.start !== undefined ? { teishiKaishiNichiji: jstDateTime(n.start) } : {}),
        ...(n.end !== undefined ? { teishiShuryoNichiji: jstDateTime(n.end) } : {}),
        keisaiNichiji: jstDateTime(n.postedAt),
        kidokuFlag: n.readBy.has(company) ? '1' : '0',
      }));
  }

  /** API 21: every id must be a notice this supplier can see; marking twice is harmless. */
  markRead(company: string, ids: string[], now: number): string[] {
    const unknown = ids
      .map((id, i) => ({ id, i, n: this.notices.find((x) => x.id === id) }))
      .filter(({ n }) => !n || !this.visible(n, company, now));
    if (unknown.length > 0) {
      throw new TakusouError(
        'NOT_FOUND',
        `unknown notice ID(s): ${unknown.map((u) => u.id).join(', ')}`,
        unknown.map(({ id, i }) => ({ item: `oshiraseId.${i}`, message: `no notice ${id}` })),
      );
    }
    for (const id of ids) this.notices.find((x) => x.id === id)?.readBy.add(company);
    return [...new Set(ids)];
  }

  views(): NoticeView[] {
    return this.notices.map((n) => ({
      oshiraseId: n.id,
      oshiraseShubetsu: n.kind,
      kenmei: n.kenmei,
      postedAtMs: n.postedAt,
      ...(n.postedBy !== undefined ? { postedBy: n.postedBy } : {}),
      ...(n.start !== undefined ? { teishiKaishiMs: n.start } : {}),
      ...(n.end !== undefined ? { teishiShuryoMs: n.end } : {}),
      readBy: [...n.readBy],
    }));
  }

  reset(): void {
    this.notices = [];
  }

  /** Notices with their read receipts, for the simulator's state file. */
  saved(): { notices: SavedNotice[]; counter: number } {
    return { notices: this.notices.map((n) => ({ ...n, readBy: [...n.readBy] })), counter: this.counter };
  }

  load(s: { notices: readonly SavedNotice[]; counter: number }): void {
    this.notices = s.notices.map((n) => ({ ...n, readBy: new Set(n.readBy) }));
    this.counter = s.counter;
  }
}
