// Messages of the たくそう君 notice watcher (one per company), shared by the watcher, the fleet
// activity that subscribes construction workflows to it, and clients. Declarations only.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AdHocWindow } from '../../../domain/maintenance.js';

export const noticeWatcherWorkflowId = (company: string) => `takusou-notices/${company}`;

export type NoticeAction = { action: 'register'; title: string; body: string; by: string } | { action: 'correct' | 'delete'; noticeId: string; by: string };
export interface NoticeWatcherStatus {
  company: string;
  windows: AdHocWindow[];
  noticesSeen: number;
  lastPollAt?: string;
  registered: { id: string; title: string }[];
  subscribers: number;
}

export const noticeWatcherStatusQuery = defineQuery<NoticeWatcherStatus>('status');
export const noticeActionUpdate = defineUpdate<{ id: string }, [NoticeAction]>('notice');
/** A construction workflow (its ID) subscribes to announced maintenance windows (fleet activity). */
export const subscribeToMaintenanceSignal = defineSignal<[string]>('subscribe');
