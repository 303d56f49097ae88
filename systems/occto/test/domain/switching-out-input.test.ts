// systems/occto/domain/switching-out.ts: the current-retailer workflow's input (the relay as OCCTO delivered
// it), the judgement a person gives (Update `judge`), the auto-judge rule and the workflow ID.
import { describe, expect, it } from 'vitest';
import { violationsFromZodError } from '../../../../domain/errors.js';
import {
  NO_AUTO_JUDGE,
  autoJudgeRuleSchema,
  isSwitchingRole,
  judgeDecisionSchema,
  mistakenOkReportSchema,
  ngReasonsProblem,
  switchingOutDecisionSchema,
  switchingOutInputSchema,
  switchingOutWorkflowId,
} from '../../domain/switching-out.js';
import { ruleJudgement } from '../../workflows/switching-out.js';

const relay = () => ({
  relayNo: 'HT0000123',
  category: 'LV',
  supplyPointId: '0312345678901234567890',
  newRetailerCode: '98763',
  supplyStartDate: '2026-06-01',
  registeredAt: '2026-05-12T10:00:00+09:00',
  statusCode: '01',
  customer: { name: '電気 太郎', kana: 'デンキ タロウ', address: '東京都千代田区1-1-1' },
});
const fields = (r: { success: boolean; error?: unknown }) => {
  expect(r.success).toBe(false);
  return violationsFromZodError(r.error as never).map((v) => v.field);
};
const messages = (r: { success: boolean; error?: unknown }) => violationsFromZodError(r.error as never).map((v) => `${v.field}: ${v.message}`).join('\n');

describe('switching-out input', () => {
  it('accepts the relay with defaults (everything to a person, batched tracking)', () => {
    const p = switchingOutInputSchema.parse({ company: '12346', relay: relay() });
    expect(p.options.autoJudge).toBeUndefined();
    expect(p.options.statusTracking).toBe('auto');
    expect(p.options.judgementDeadline).toBe(86_400_000);
    expect(p.options.reminderInterval).toBe(4 * 3_600_000);
  });

  it('accepts FIT (受電地点特定番号 in the same 22-digit field) and HV', () => {
    for (const category of ['FIT', 'HV']) expect(switchingOutInputSchema.safeParse({ company: '12346', relay: { ...relay(), category } }).success).toBe(true);
  });

  it('names every field at fault', () => {
    const r = switchingOutInputSchema.safeParse({
      company: '1234',
      relay: { ...relay(), relayNo: 'a/b', supplyPointId: '03', newRetailerCode: 'x', supplyStartDate: '2026-02-30', statusCode: '1', extra: 1 },
      options: { reminderInterval: '1 second', statusTracking: 'sometimes' },
    });
    expect(fields(r)).toEqual(
      expect.arrayContaining(['company', 'relay.relayNo', 'relay.supplyPointId', 'relay.newRetailerCode', 'relay.supplyStartDate', 'relay.statusCode', 'relay', 'options.reminderInterval', 'options.statusTracking']),
    );
    expect(messages(r)).toMatch(/relay.relayNo: relayNo must be 1–32 letters, digits or hyphens/);
    expect(messages(r)).toMatch(/options.reminderInterval: must be at least 1 minute/);
  });

  it('the workflow ID is company + relay number: no personal data', () => {
    expect(switchingOutWorkflowId('12346', 'HT0000123')).toBe('switching-out/12346/HT0000123');
  });
});

describe('judge decision (Update validator)', () => {
  it('OK, or NG with distinct reasons 1–9', () => {
    expect(judgeDecisionSchema.safeParse({ judgement: 'OK', decidedBy: 'approver1' }).success).toBe(true);
    expect(judgeDecisionSchema.safeParse({ judgement: 'NG', ngReasons: [2, 3], decidedBy: 'approver1' }).success).toBe(true);
  });

  it('refuses NG without reasons, repeated or out-of-range reasons, OK with reasons, a bad judgement or user', () => {
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'NG', ngReasons: [], decidedBy: 'a' }))).toMatch(/ngReasons: ngReasons must name at least one 判断NG理由/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'NG', decidedBy: 'a' }))).toMatch(/ngReasons is required for NG/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'NG', ngReasons: [2, 2], decidedBy: 'a' }))).toMatch(/must not repeat a reason/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'NG', ngReasons: [0, 10], decidedBy: 'a' }))).toMatch(/integers 1–9 only \(got 0\)/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'OK', ngReasons: [1], decidedBy: 'a' }))).toMatch(/ngReasons must be empty for an OK judgement/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'MAYBE', decidedBy: 'a' }))).toMatch(/judgement must be 'OK' or 'NG'/);
    expect(messages(judgeDecisionSchema.safeParse({ judgement: 'OK', decidedBy: 'two words' }))).toMatch(/decidedBy: decidedBy must be a user ID/);
  });

  it('ngReasonsProblem', () => {
    expect(ngReasonsProblem([1, 9])).toBeUndefined();
    expect(ngReasonsProblem('1')).toMatch(/must be a list/);
    expect(ngReasonsProblem([1.5])).toMatch(/integers 1–9/);
  });
});

describe('auto-judge rule', () => {
  const check = (verdict: 'MATCH' | 'MISMATCH' | 'NOT_FOUND' | 'NOT_ACTIVE') => ({ verdict, mismatchedFields: [], suggestedNgReasons: [] });

  it('default: nothing without a person', () => {
    expect(NO_AUTO_JUDGE).toEqual({ okWhenMatch: false, ngWhenNotFound: false, ngReasonsWhenNotFound: [1], ngWhenNotActive: false, ngReasonsWhenNotActive: [1] });
    for (const v of ['MATCH', 'MISMATCH', 'NOT_FOUND', 'NOT_ACTIVE'] as const) expect(ruleJudgement(NO_AUTO_JUDGE, check(v))).toBeUndefined();
  });

  it('clear cases by rule; a mismatch and a missing records check always go to a person', () => {
    const rule = autoJudgeRuleSchema.parse({ okWhenMatch: true, ngWhenNotFound: true, ngReasonsWhenNotFound: [1, 8], ngWhenNotActive: true });
    expect(ruleJudgement(rule, check('MATCH'))).toMatchObject({ judgement: 'OK', by: 'rule', decidedBy: 'rule:okWhenMatch' });
    expect(ruleJudgement(rule, check('NOT_FOUND'))).toMatchObject({ judgement: 'NG', ngReasons: [1, 8] });
    expect(ruleJudgement(rule, check('NOT_ACTIVE'))).toMatchObject({ judgement: 'NG', ngReasons: [1] });
    expect(ruleJudgement(rule, check('MISMATCH'))).toBeUndefined();
    expect(ruleJudgement(rule, undefined)).toBeUndefined();
  });

  it('refuses bad reason lists, naming the key', () => {
    expect(messages(autoJudgeRuleSchema.safeParse({ ngWhenNotFound: true, ngReasonsWhenNotFound: [] }))).toMatch(/ngReasonsWhenNotFound: ngReasonsWhenNotFound must name at least one/);
    expect(fields(autoJudgeRuleSchema.safeParse({ okWhenMatch: 'yes' }))).toEqual(['okWhenMatch']);
  });
});

describe('other updates and roles', () => {
  it('mistaken-OK report and business-error decision', () => {
    expect(mistakenOkReportSchema.safeParse({ reportedBy: 'op1', note: 'wrong customer' }).success).toBe(true);
    expect(fields(mistakenOkReportSchema.safeParse({}))).toEqual(['reportedBy']);
    expect(messages(switchingOutDecisionSchema.safeParse({ action: 'abandon', decidedBy: 'op1' }))).toMatch(/reason is required to abandon/);
    expect(messages(switchingOutDecisionSchema.safeParse({ action: 'resubmit', decidedBy: 'op1' }))).toMatch(/action must be 'retry' or 'abandon'/);
  });

  it('only switching roles may read relay data', () => {
    expect(isSwitchingRole('switching-operator')).toBe(true);
    expect(isSwitchingRole('sales')).toBe(false);
    expect(isSwitchingRole(undefined)).toBe(false);
  });
});
