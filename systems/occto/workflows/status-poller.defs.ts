// Messages of the batched status tracker: one poller per company and category reads every
// subscribed application (IF_x11110) and relay (IS_x20210) in batches and signals the workflows
// whose status changed. Shared by the poller, its subscribers and the fleet activity.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { categorySchema, type Category } from '../../../domain/categories.js';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import type { ApplicationKind, ProcessingStatus, RelayResult } from '../activities/contract.js';

export const STATUS_POLLER_WORKFLOW_TYPE = 'occtoStatusPollerWorkflow';

export function statusPollerWorkflowId(company: string, category: Category): string {
  return `occto-status/${company}/${category}`;
}

/** A workflow waiting for the 受付工程 of one application. */
export interface ApplicationSubscription {
  workflowId: string;
  applicationNo: string;
  kind: ApplicationKind;
  /** The fingerprint the subscriber already knows (see statusFingerprint); absent = nothing yet. */
  known?: string;
  /** How often the subscriber wants to hear (its own poll interval): the poller never polls slower than the fastest wish. */
  wantedIntervalMs?: number;
}

/** A workflow waiting for the judgement of one of our 廃止取次 (new-retailer side). */
export interface RelaySubscription {
  workflowId: string;
  relayNo: string;
  known?: string;
  wantedIntervalMs?: number;
}

export type StatusSubscription = ({ type: 'application' } & ApplicationSubscription) | ({ type: 'relay' } & RelaySubscription);

/** What changes for a subscriber: stage and dates of an application. */
export function statusFingerprint(s: Pick<ProcessingStatus, 'stageCode' | 'plannedDate' | 'actualDate'>): string {
  return `${s.stageCode}|${s.plannedDate ?? ''}|${s.actualDate ?? ''}`;
}
export function relayFingerprint(r: Pick<RelayResult, 'statusCode' | 'judgement' | 'matched'>): string {
  return `${r.statusCode}|${r.judgement}|${r.matched ? 'M' : ''}`;
}

/** Subscriptions as carried over continue-as-new: with the last contact (subscribe or delivered signal). */
const carried = { lastContactAt: z.number().int(), known: z.string().optional(), wantedIntervalMs: z.number().int().positive().optional() };

export const statusPollerInputSchema = z
  .object({
    company: companyCodeField('company'),
    category: categorySchema,
    /** Production default 10 minutes; the poller polls faster only when a subscriber wants it. */
    interval: durationAtLeast(1_000, '1 second').default(10 * 60_000),
    /** Continue-as-new after this many poll cycles (or when the server suggests it). */
    cyclesBeforeContinueAsNew: z.number().int().min(1, 'cyclesBeforeContinueAsNew must be ≥ 1').default(200),
    applications: z
      .array(z.object({ workflowId: z.string(), applicationNo: z.string(), kind: z.string(), ...carried }).strict())
      .default([]),
    relays: z.array(z.object({ workflowId: z.string(), relayNo: z.string(), ...carried }).strict()).default([]),
    windows: z.array(z.object({ start: z.number(), end: z.number(), area: z.string().optional(), reason: z.string().optional() })).default([]),
    /** Generation counter over continue-as-new (shown in the status). */
    generation: z.number().int().default(0),
  })
  .strict();
export type StatusPollerInput = z.input<typeof statusPollerInputSchema>;

export interface StatusPollerStatus {
  company: string;
  category: Category;
  generation: number;
  configuredIntervalMs: number;
  effectiveIntervalMs: number;
  applications: number;
  relays: number;
  cycles: number;
  lastPollAt?: string;
  /** External calls made by this run (batch calls only). */
  calls: number;
  signalsSent: number;
  dropped: number;
  waitingForMaintenanceUntil?: string;
  lastError?: string;
}

/** Subscriber → poller (through the fleet activity's signalWithStart). */
export const subscribeStatusSignal = defineSignal<[StatusSubscription]>('subscribeStatus');
/** Subscriber → poller: it no longer waits (finished or cancelled). */
export const unsubscribeStatusSignal = defineSignal<[{ workflowId: string }]>('unsubscribeStatus');
export const statusPollerStatusQuery = defineQuery<StatusPollerStatus>('status');

/** Poller → subscriber: an application's status changed. */
export const processingStatusChangedSignal = defineSignal<[ProcessingStatus]>('processingStatusChanged');
/** Poller → subscriber: a relay's result changed. */
export const relayResultChangedSignal = defineSignal<[RelayResult]>('relayResultChanged');

/** At most this many numbers per batch call (IF_x11110, IS_x20210). */
export const BATCH_MAX = 200;
