// Notifications to people, for every lifecycle of every system: the contract workflows import
// (types only), served on the denki-flow.notify queue by activities.ts.
/** Notifications to people (reminders, escalations, operator alerts). No personal data. */
export interface NotifyInput {
  kind: 'REMINDER' | 'ESCALATION' | 'OPERATOR_ALERT' | 'INFO';
  workflowId: string;
  stage: string;
  message: string;
  dueAt?: string; // ISO
}
export interface NotificationActivities {
  notifyPerson(input: NotifyInput): Promise<void>;
}
