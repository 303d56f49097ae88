// The three OCCTO switching categories (docs/external-systems/occto-switching.md §2.2); each has its own interface IDs and rules.
import { z } from 'zod';

export const CATEGORIES = ['LV', 'HV', 'FIT'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  LV: '低圧託送',
  HV: '高圧500kW未満',
  FIT: '低圧FIT電源',
};

export const CATEGORY_LABELS_EN: Readonly<Record<Category, string>> = {
  LV: 'low-voltage wheeling',
  HV: 'high voltage below 500 kW',
  FIT: 'low-voltage FIT generator',
};

export function isCategory(s: unknown): s is Category {
  return typeof s === 'string' && (CATEGORIES as readonly string[]).includes(s);
}

export const categorySchema = z.enum(CATEGORIES, {
  error: (issue) => `category must be one of LV (低圧託送), HV (高圧500kW未満), FIT (低圧FIT電源) (got ${JSON.stringify(issue.input)})`,
});
