// Public types of the OCCTO simulator (the programmatic API and the admin JSON).
import type { ApplicationKindName, Operation, WireCategory } from '../activities/provisional-wire-format.js';
import type { AreaCode } from '../../../domain/areas.js';
import type { AdHocWindow } from '../../../domain/maintenance.js';
import type { Pattern } from './patterns.js';

export type { Pattern } from './patterns.js';
export type { AdHocWindow } from '../../../domain/maintenance.js';

export interface SimCompany {
  /** 事業者コード (5 digits) = the client certificate's subject CN. */
  code: string;
  loginId: string;
  password: string;
  /** 託送基本契約 areas; default all. Forwarded (IF_) operations elsewhere → ERR_20250. */
  contractAreas?: AreaCode[];
  /** 事業者名 in 事業者一覧取得; default 登録小売電気事業者<code>. */
  name?: string;
}

/** One request as the simulator saw it. Rejected requests (429, 403, 503, faults …) are included. */
export interface CallRecord {
  seq: number;
  /** Real wall clock (epoch ms) when the request head arrived: the basis of rate accounting. */
  receivedAtMs: number;
  /** The simulator's clock at arrival. */
  simulatedAtMs: number;
  /** Client certificate CN ('' if none could be read). */
  company: string;
  /** Header serviceID; '' when the request could not be parsed that far. */
  serviceId: string;
  operation: Operation | 'unknown';
  category: WireCategory | 'unknown';
  /** Header requestID; '' when unknown. */
  requestId: string;
  supplyPointId?: string;
  /** 0 while in flight, and when no response was ever sent (socket destroyed). */
  httpStatus: number;
  /** kekkaCode of a SOAP result, or the faultcode of a Fault. */
  resultCode?: string;
  inMaintenance: boolean;
  /** Real ms from arrival to the end of the response (or to the socket being destroyed). */
  durationMs: number;
}

/** Two consecutive requests of one company that arrived less than 1000 ms apart (real time). */
export interface Violation {
  company: string;
  firstSeq: number;
  secondSeq: number;
  gapMs: number;
  /** Real arrival time of the second request. */
  atMs: number;
}

export type FaultSpec =
  | { kind: 'status'; status: 500 | 502 | 503 | 504; count: number; serviceId?: string }
  /** Destroys the socket without a response, before the request is processed. */
  | { kind: 'reset'; count: number; serviceId?: string }
  /** Processes the request, then answers with malformed XML. */
  | { kind: 'malformed'; count: number; serviceId?: string }
  /** Delays the request by `ms` real time before processing it. */
  | { kind: 'delay'; ms: number; count: number; serviceId?: string };

export interface RelayView {
  haishiToritsugiNo: string;
  company: string;
  category: WireCategory;
  supplyPointId: string;
  jigyoshaKanriNo: string;
  /** 'YYYY-MM-DD'. */
  kyokyuKaishiBi: string;
  /** 状況コード at the simulated now. */
  jokyoCode: string;
  matchingZumi: boolean;
  registeredAtMs: number;
  /** When the (simulated) current retailer judges / judged it; absent if it never will. */
  judgedAtMs?: number;
  cancelledAtMs?: number;
  ngReasons: number[];
  pattern: Pattern;
}

/** A 廃止取次 a simulated new retailer addressed to one of our companies (no customer data here). */
export interface IncomingRelayView {
  haishiToritsugiNo: string;
  /** Our company, the current retailer. */
  toCompany: string;
  category: WireCategory;
  supplyPointId: string;
  newRetailerCode: string;
  /** 'YYYY-MM-DD'. */
  kyokyuKaishiBi: string;
  /** 状況コード at the simulated now. */
  jokyoCode: string;
  /** Judged OK and our スイッチング廃止申請 exists (the new retailer's start application is filed at the OK). */
  matchingZumi: boolean;
  registeredAtMs: number;
  judgedAtMs?: number;
  cancelledAtMs?: number;
  ngReasons: number[];
  pattern: Pattern;
}

export type ApplicationViewKind = 'start' | 'stop' | 'usageQuery' | 'reconnection' | 'discontinuation' | 'infoChange' | 'ampereChange';

export interface ApplicationView {
  moshikomiNo: string;
  /**
   * 'start' / 'stop' = スイッチング開始 / 廃止申請. Ours (simulated false), or the counterpart's
   * (simulated true): the simulated current retailer's stop for our relays, the simulated new
   * retailer's start for relays addressed to us — neither is visible over SOAP.
   */
  kind: ApplicationViewKind;
  /** The wire format's application kind (discontinuation vs discontinuationWithRemoval …). */
  applicationKind: ApplicationKindName;
  simulated: boolean;
  moshikomiShubetsu: string;
  company: string;
  category: WireCategory;
  supplyPointId: string;
  /** Start / stop applications: the relay. */
  haishiToritsugiNo?: string;
  jigyoshaKanriNo?: string;
  uketsukeKoteiCode: string;
  /** 異動予定日 'YYYY-MM-DD' (none for a 使用量情報照会申請). */
  idoYoteiBi?: string;
  idoBi?: string;
  createdAtMs: number;
  cancelledAtMs?: number;
  /** 使用量情報照会申請: the password's last valid day once issued (the password itself is never shown). */
  passwordYukoKigen?: string;
}

export interface SimulatorState {
  nowMs: number;
  nowJst: string;
  relays: RelayView[];
  incomingRelays: IncomingRelayView[];
  applications: ApplicationView[];
  patternOverrides: Record<string, Pattern>;
  pendingFaults: FaultSpec[];
  adHocMaintenance: AdHocWindow[];
}

export interface CompanySummary {
  calls: number;
  violations: number;
  rateLimited: number;
  inMaintenance: number;
}

export interface SimulatorSummary {
  calls: number;
  violations: number;
  callsInMaintenance: number;
  byCompany: Record<string, CompanySummary>;
}
