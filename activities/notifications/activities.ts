// Notifications to people (reminders, escalations, operator alerts). For now each one is a
// structured log line on the `notifications` child logger; a mail or chat sender replaces
// `deliver` later without touching workflows. Inputs carry no personal data (contract.ts).
import type { Logger } from 'pino';
import type { NotificationActivities, NotifyInput } from './contract.js';

/** Where a notification goes. The default writes it to the log. */
export type NotificationSender = (notification: NotifyInput) => Promise<void>;

export interface NotificationDeps {
  logger: Logger;
  /** Replaces log-only delivery (mail, chat); the notification is still logged. */
  send?: NotificationSender;
}

const LEVEL: Readonly<Record<NotifyInput['kind'], 'info' | 'warn' | 'error'>> = {
  INFO: 'info',
  REMINDER: 'info',
  ESCALATION: 'warn',
  OPERATOR_ALERT: 'error',
};

export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const log = deps.logger.child({ component: 'notifications' });
  return {
    async notifyPerson(input) {
      const entry = {
        event: 'notification',
        kind: input.kind,
        workflowId: input.workflowId,
        stage: input.stage,
        message: input.message,
        ...(input.dueAt !== undefined ? { dueAt: input.dueAt } : {}),
      };
      log[LEVEL[input.kind]](entry, `${input.kind} for ${input.workflowId} (${input.stage})`);
      if (deps.send) await deps.send(input);
    },
  };
}
