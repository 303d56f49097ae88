// Public types of the OCCTO simulator (the programmatic API and the admin JSON).
import type { Operation, WireCategory } from '../../activities/occto/provisional-wire-format.js';
import type { AreaCode } from '../../domain/areas.js';
import type { AdHocWindow } from '../../domain/maintenance.js';
import type { Pattern } from './patterns.js';

export type { Pattern } from './patterns.js';
export type { AdHocWindow } from '../../domain/maintenance.js';

export interface SimCompany {
  /** 事業者コード (5 digits) = the client certificate's subject CN. */
  code: string;
  loginId: string;
  password: string;
  /** 託送基本契約 areas; default all. Forwarded (IF_) operations elsewhere → ERR_20250. */
  contractAreas?: AreaCode[];
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

export interface ApplicationView {
  moshikomiNo: string;
  /** 'start' = ours (05 SW開始); 'stop' = the simulated current retailer's (03 SW廃止). */
  kind: 'start' | 'stop';
  moshikomiShubetsu: string;
  company: string;
  category: WireCategory;
  supplyPointId: string;
  haishiToritsugiNo: string;
  jigyoshaKanriNo?: string;
  uketsukeKoteiCode: string;
  idoYoteiBi: string;
  idoBi?: string;
  createdAtMs: number;
  cancelledAtMs?: number;
}

export interface SimulatorState {
  nowMs: number;
  nowJst: string;
  relays: RelayView[];
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
