// What a running simulator offers its tests and admin API (server.ts starts one), and the books it
// keeps in a state file. In a file of its own so that the admin API can name it without importing
// the server that mounts it.
import type { ApplicationStore } from './applications.js';
import type { NoticeStore } from './notices.js';
import type { Pattern } from './patterns.js';
import type { CallRecord, FaultSpec, KtdNoticeInput, SimulatorState, SimulatorSummary, TakusouMaintenanceWindow, Violation } from './types.js';

export interface TakusouSavedState {
  clockOffsetMs: number;
  applications: ReturnType<ApplicationStore['saved']>;
  notices: ReturnType<NoticeStore['saved']>;
  patternOverrides: Record<string, Pattern>;
}

export interface TakusouSimulator {
  /** Base URL including the path: https://127.0.0.1:<port>/api/low-takusou/ */
  url: string;
  /** http://127.0.0.1:<adminPort> */
  adminUrl: string;
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  calls(): CallRecord[];
  violations(): Violation[];
  state(): SimulatorState;
  summary(): SimulatorSummary;
  /** Highest number of requests of APIs 1–18 in flight at once since start / reset. */
  maxInFlightObserved(): number;
  /** Pattern for one reference (jigyoshaKanriNo); applies to applications filed after the call. */
  setPattern(jigyoshaKanriNo: string, pattern: Pattern): void;
  injectFault(f: FaultSpec): void;
  /** Adds an ad-hoc window; unless `announce: false` it is published as a MAINTENANCE notice (API 19). Returns that notice's ID. */
  addMaintenance(w: TakusouMaintenanceWindow): string | undefined;
  /** Every API answers 503 while on. */
  forceMaintenance(on: boolean): void;
  /** A notice from KTD (INFO by default); returns its ID. */
  addNotice(n: KtdNoticeInput): string;
  /** Forgets calls, violations, applications, files, notices, overrides, faults, added windows, the force switch and the clock offset. */
  reset(): void;
  /** The books a restart must keep (applications, notices, overrides, clock offset): see main.ts --state-file. */
  exportState(): TakusouSavedState;
  /** Replaces the books with saved ones. */
  importState(s: TakusouSavedState): void;
  close(): Promise<void>;
}
