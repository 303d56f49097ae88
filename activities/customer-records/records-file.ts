// The customer records file: JSON, zod-checked, re-read when it changes (mtime). A stand-in for
// the CIS until it has an API; one file per worker, path from CUSTOMER_RECORDS_FILE.
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { categorySchema } from '../../domain/categories.js';
import { companyCodeField } from '../../domain/company.js';
import { supplyPointIdSchema } from '../../domain/supply-point.js';

export const customerRecordSchema = z
  .object({
    company: companyCodeField('company'),
    category: categorySchema,
    supplyPointId: supplyPointIdSchema,
    /** ACTIVE = we supply the point now; ENDED = our contract there has ended. */
    status: z.enum(['ACTIVE', 'ENDED'], { error: "status must be 'ACTIVE' or 'ENDED'" }),
    customer: z
      .object({
        name: z.string().min(1, 'customer.name is required'),
        kana: z.string().min(1, 'customer.kana is required'),
        address: z.string().min(1, 'customer.address is required'),
        phone: z.string().optional(),
      })
      .strict(),
  })
  .strict();
export type CustomerRecord = z.infer<typeof customerRecordSchema>;

export const recordsFileSchema = z.object({ records: z.array(customerRecordSchema) }).strict();

export class RecordsFile {
  private cache: { mtimeMs: number; size: number; byKey: Map<string, CustomerRecord> } | undefined;

  constructor(readonly path: string) {}

  static key(company: string, supplyPointId: string): string {
    return `${company}/${supplyPointId}`;
  }

  /** The record of the point, or undefined. Throws (naming the file and the problem, no values) if unreadable. */
  async find(company: string, supplyPointId: string): Promise<CustomerRecord | undefined> {
    const s = await stat(this.path);
    if (!this.cache || this.cache.mtimeMs !== s.mtimeMs || this.cache.size !== s.size) {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(this.path, 'utf8'));
      } catch (err) {
        throw new Error(`customer records file ${this.path} is not valid JSON (${(err as Error).name})`);
      }
      const parsed = recordsFileSchema.safeParse(json);
      if (!parsed.success) {
        // Paths and messages only: the values are personal data.
        const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
        throw new Error(`customer records file ${this.path} is malformed: ${problems.join('; ')}`);
      }
      const byKey = new Map(parsed.data.records.map((r) => [RecordsFile.key(r.company, r.supplyPointId), r] as const));
      this.cache = { mtimeMs: s.mtimeMs, size: s.size, byKey };
    }
    return this.cache.byKey.get(RecordsFile.key(company, supplyPointId));
  }
}
