// What a running simulator offers its tests and admin API (server.ts starts one), and the books it
// keeps in a state file. In a file of its own so that the admin API can name it without importing
// the server that mounts it.
import type { Application } from './applications.js';
import type { IncomingRelay, IncomingRelayBulkInput, IncomingRelayInput } from './incoming-relays.js';
import type { Pattern } from './patterns.js';
import type { Relay } from './relays.js';
import type { AdHocWindow, CallRecord, FaultSpec, IncomingRelayView, SimulatorState, SimulatorSummary, Violation } from './types.js';

export interface OcctoSavedState {
  clockOffsetMs: number;
  relays: Relay[];
  incomingRelays: IncomingRelay[];
  lastBulkSerial: number;
  applications: Application[];
  patternOverrides: Record<string, Pattern>;
}

export interface OcctoSimulator {
  /** https://127.0.0.1:<port> */
  url: string;
  /** url + SOAP_ENDPOINT_PATH */
  endpoint: string;
  /** http://127.0.0.1:<adminPort> */
  adminUrl: string;
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  calls(): CallRecord[];
  violations(): Violation[];
  state(): SimulatorState;
  summary(): SimulatorSummary;
  setPattern(supplyPointId: string, pattern: Pattern): void;
  injectFault(f: FaultSpec): void;
  addMaintenance(w: AdHocWindow): void;
  /** A 廃止取次 from a simulated new retailer to one of our companies. Throws ZodError / InjectionError. */
  injectIncomingRelay(input: IncomingRelayInput): IncomingRelayView;
  /** `count` such relays at fresh synthetic points with synthetic customers (benchmarks). */
  injectIncomingRelays(input: IncomingRelayBulkInput): IncomingRelayView[];
  /** The simulated new retailer cancels (取消) its relay; idempotent; InjectionError 404 / 409. */
  cancelIncomingRelay(haishiToritsugiNo: string): IncomingRelayView;
  /** Forgets calls, violations, relays, applications, overrides, faults, added windows, and the clock offset; registers the seed relays again. */
  reset(): void;
  /** The books a restart must keep (relays both ways, applications, overrides, clock offset): see main.ts --state-file. */
  exportState(): OcctoSavedState;
  /** Replaces the books with saved ones (the seed relays included). */
  importState(s: OcctoSavedState): void;
  close(): Promise<void>;
}
