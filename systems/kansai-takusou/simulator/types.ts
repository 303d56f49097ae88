// Public types of the たくそう君 simulator (the programmatic API and the admin JSON).
import type {
  AcceptanceResultCode,
  ApplicationKind,
  DocumentType,
  NoticeKind,
  ProcessStageCode,
  ServiceName,
  SupplyType,
} from '../activities/provisional-wire-format.js';
import type { Pattern } from './patterns.js';

export type { Pattern } from './patterns.js';

/** Simulated-time delays (sim clock ms) and real-time waits (real ms). */
export interface Timing {
  /** Simulated ms from submission (集団: from 集団申込完了) to the 受付結果. Default 1 h. */
  acceptanceDelayMs: number;
  /** Simulated ms between the 工程 stages 調査 → 設計 → 工事 → 工事完了 after acceptance. Default 1 day. */
  processStepMs: number;
  /** Simulated ms from acceptance to the 契約算定. Default 2 days. */
  calculationDelayMs: number;
  /** Simulated ms from the 竣工届 to the 結果通知 (never before the 契約算定). Default 1 day. */
  resultDelayMs: number;
  /** Real ms added to every request, so that concurrency can be observed. Default 0. */
  latencyMs: number;
  /** Real ms of the 'slow' pattern. Default 3 000. */
  slowMs: number;
  /** Real ms a 'timeout-once' response is held before the socket is destroyed. Default 60 000. */
  hangMs: number;
}

/** One request as the simulator saw it. Refused ones (404, 400, 503, faults, limits …) are included. */
export interface CallRecord {
  seq: number;
  /** Real wall clock (epoch ms) when the request head arrived: the basis of L1 and L2. */
  receivedAtMs: number;
  /** The simulator's clock at arrival. */
  simulatedAtMs: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** '' when the path names no service (404). */
  service: ServiceName | '';
  /** Catalogue number 1–21; 0 when unknown. */
  serviceNo: number;
  /** The application number the request is about (request body, or the response of a new application). */
  moshikomiNo?: string;
  jigyoshaKanriNo?: string;
  /** Requests in flight across APIs 1–18 when this one arrived, itself included (0 for 19–21 and 404s). */
  inFlightAtArrival: number;
  /** 0 while in flight, and when no response was ever sent (socket destroyed). */
  httpStatus: number;
  errorCode?: string;
  inMaintenance: boolean;
  /** Real ms from arrival to the end of the response (or to the socket being destroyed). */
  durationMs: number;
  /** Real epoch ms when the response was fully sent; absent if none was. */
  respondedAtMs?: number;
}

export type Violation =
  /** L2: a request of APIs 1–18 that arrived while 8 others were in flight. */
  | { kind: 'concurrency'; seq: number; service: ServiceName; inFlight: number; atMs: number }
  /** L1: a request of APIs 1–7/10 on an application number less than 1 s after the previous response on it. */
  | { kind: 'spacing'; seq: number; service: ServiceName; moshikomiNo: string; previousSeq: number; gapMs: number; atMs: number };

export type FaultSpec =
  | { kind: 'status'; status: 500 | 502 | 503 | 504; count: number; service?: ServiceName }
  /** Destroys the socket without a response, after the body was read. */
  | { kind: 'reset'; count: number; service?: ServiceName }
  /** Processes the request, then answers with a truncated JSON body. */
  | { kind: 'malformed'; count: number; service?: ServiceName }
  /** Delays the request by `ms` real time before processing it. */
  | { kind: 'delay'; ms: number; count: number; service?: ServiceName };

/** An ad-hoc maintenance window (simulated epoch ms, end exclusive). */
export interface TakusouMaintenanceWindow {
  start: number;
  end: number;
  reason?: string;
  /** Publish it as a お知らせ (kind MAINTENANCE) through API 19. Default true (KTD may announce by e-mail only: false). */
  announce?: boolean;
}

/** A notice posted by KTD (admin / addNotice). */
export interface KtdNoticeInput {
  kenmei: string;
  honbun: string;
  oshiraseShubetsu?: Extract<NoticeKind, 'INFO' | 'MAINTENANCE'>;
  teishiKaishi?: number;
  teishiShuryo?: number;
}

/** Answer of the auth hook: undefined lets the request through. */
export type AuthDecision = undefined | { status: number; errorCode: string; errorMessage: string };
export type AuthHook = (req: { service: ServiceName; headers: Readonly<Record<string, string | string[] | undefined>>; remoteAddress?: string }) => AuthDecision;

export interface ApplicationView {
  moshikomiNo: string;
  kind: ApplicationKind;
  company: string;
  jigyoshaKanriNo: string;
  /** 'web' = seeded as submitted through the web screens: never visible through the API (L3). */
  channel: 'api' | 'web';
  pattern: Pattern;
  kyokyuShubetsu: SupplyType;
  uketsukeKekka: AcceptanceResultCode;
  /** Latest 工程 stage done at the simulated now. */
  koteiCode?: ProcessStageCode;
  calculated: boolean;
  resultNotified: boolean;
  documents: DocumentType[];
  corrections: number;
  /** 集団 only. */
  units?: string[];
  groupCompletedAtMs?: number;
  createdAtMs: number;
  acceptedAtMs?: number;
  completionNoticeAtMs?: number;
  cancelledAtMs?: number;
}

export interface NoticeView {
  oshiraseId: string;
  oshiraseShubetsu: NoticeKind;
  kenmei: string;
  postedAtMs: number;
  /** Company that registered it (API 20); absent for KTD notices. */
  postedBy?: string;
  teishiKaishiMs?: number;
  teishiShuryoMs?: number;
  readBy: string[];
}

export interface SimulatorState {
  nowMs: number;
  nowJst: string;
  applications: ApplicationView[];
  notices: NoticeView[];
  patternOverrides: Record<string, Pattern>;
  pendingFaults: FaultSpec[];
  adHocMaintenance: TakusouMaintenanceWindow[];
  forcedMaintenance: boolean;
  inFlight: number;
}

export interface SimulatorSummary {
  calls: number;
  violations: { concurrency: number; spacing: number };
  maxInFlight: number;
  callsInMaintenance: number;
  byService: Partial<Record<ServiceName, number>>;
  byStatus: Record<string, number>;
}
