// Messages of the current retailer's inbox: one sweep (started by a Schedule) and the long-running
// watcher (where Schedules are unavailable). Results name relays by number only: no customer data.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { DEFAULT_BUSINESS_HOURS, businessHoursSchema } from '../../../domain/business-calendar.js';
import { CATEGORIES, categorySchema, type Category } from '../../../domain/categories.js';
import { companyCodeField } from '../../../domain/company.js';
import { inboxConfigSchema } from '../domain/inbox.js';
import { maintenanceConfigSchema } from '../../../domain/maintenance.js';
import { switchingOutOptionsSchema } from '../domain/switching-out.js';

export const INBOX_SWEEP_WORKFLOW_TYPE = 'occtoInboxSweepWorkflow';
export const INBOX_WATCHER_WORKFLOW_TYPE = 'occtoInboxWatcherWorkflow';

export const inboxSweepInputSchema = z
  .object({
    company: companyCodeField('company'),
    categories: z.array(categorySchema).min(1, 'categories must name at least one of LV, HV, FIT').default([...CATEGORIES]),
    businessHours: businessHoursSchema.default({ ...DEFAULT_BUSINESS_HOURS }),
    /** Sweep even outside business hours / on a closed day (an operator's "look now"). */
    force: z.boolean({ error: 'force must be true or false' }).default(false),
    /** Options for every switching-out workflow this sweep starts. */
    switchingOut: switchingOutOptionsSchema.optional(),
    maintenance: maintenanceConfigSchema.optional(),
  })
  .strict();
export type InboxSweepInput = z.input<typeof inboxSweepInputSchema>;

export interface CategorySweep {
  category: Category;
  /** Relays awaiting our judgement (状況コード 01) seen by this sweep. */
  seen: number;
  /** Switching-out workflows this sweep started. */
  started: number;
  /** Relays whose workflow already existed (seen by an earlier sweep). */
  alreadyStarted: number;
  /** Relays refused by the input schema (field names only in `problems`). */
  refused: number;
  problems?: string[];
  error?: string;
}

export interface InboxSweepResult {
  company: string;
  sweptAt: string; // ISO
  skipped?: string; // why nothing was fetched
  categories: CategorySweep[];
  startedWorkflowIds: string[];
}

export const inboxWatcherInputSchema = z
  .object({
    company: companyCodeField('company'),
    inbox: inboxConfigSchema.default(inboxConfigSchema.parse({})),
    switchingOut: switchingOutOptionsSchema.optional(),
    maintenance: maintenanceConfigSchema.optional(),
    /** Continue-as-new after this many sweeps (or when the server suggests it). */
    sweepsBeforeContinueAsNew: z.number().int().min(1, 'sweepsBeforeContinueAsNew must be ≥ 1').default(100),
    /** Carried over continue-as-new: the grid instant of the last sweep (epoch ms). */
    lastScheduledAt: z.number().int().optional(),
    generation: z.number().int().default(0),
  })
  .strict();
export type InboxWatcherInput = z.input<typeof inboxWatcherInputSchema>;

export interface InboxWatcherStatus {
  company: string;
  generation: number;
  cadenceMinutes: number;
  businessHours: { start: string; end: string };
  categories: Category[];
  sweeps: number;
  nextSweepAt?: string;
  lastSweep?: InboxSweepResult;
}

export const inboxWatcherStatusQuery = defineQuery<InboxWatcherStatus>('status');
/** An operator asks for a sweep now (forced: also outside business hours). */
export const sweepNowSignal = defineSignal('sweepNow');
