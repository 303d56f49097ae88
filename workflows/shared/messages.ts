// Messages every lifecycle workflow understands, declared once for the workflows, the activities
// that send them (activities/fleet) and clients. Declarations only: no workflow code, so anything
// may import this file.
import { defineSignal } from '@temporalio/workflow';
import type { AdHocWindow } from '../../domain/maintenance.js';

/**
 * An ad-hoc maintenance window (OCCTO インフォメーション, たくそう君 お知らせ, or an operator): the
 * switching, construction and operation workflows and the status poller all take it.
 */
export const maintenanceAnnouncedSignal = defineSignal<[AdHocWindow]>('maintenanceAnnounced');
