// domain/: pure, workflow-safe business code. No Node built-ins, no I/O, no clock, no randomness —
// the current time is always a parameter (epoch ms).
export * from './errors.js';
export * from './areas.js';
export * from './supply-point.js';
export * from './company.js';
export * from './categories.js';
export * from './jst.js';
export * from './business-calendar.js';
export * from './maintenance.js';
export * from './task-queues.js';
export * from './durations.js';
