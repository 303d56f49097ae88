// The construction-application schema: defaults, and the API's unsupported functions refused with the field named.
import { describe, expect, it } from 'vitest';
import { constructionInputSchema, constructionWorkflowId } from '../../domain/construction.js';
import { violationsFromZodError } from '../../../../domain/errors.js';

const base = (extra: Record<string, unknown> = {}) => ({
  company: '12346',
  kind: 'JOJI',
  reference: 'ref-001',
  desiredDate: '2027-03-01',
  supplyTypes: ['DENTO'],
  contractAmperes: 40,
  site: { customerName: '工事 花子', address: '大阪府大阪市北区中之島3-6-16' },
  equipment: [{ name: '照明', capacityKw: 0.5 }],
  files: [{ ref: '/data/drawing.pdf', documentType: 'DRAWING', sizeBytes: 2048 }],
  ...extra,
});
const refusals = (input: unknown) => {
  const r = constructionInputSchema.safeParse(input);
  expect(r.success, 'expected a refusal').toBe(false);
  return violationsFromZodError(r.error!);
};

describe('constructionInputSchema', () => {
  it('fills the defaults (poll every 3 hours, 30-day completion deadline)', () => {
    const p = constructionInputSchema.parse(base());
    expect(p.options.pollInterval).toBe(3 * 3_600_000);
    expect(p.options.decisionDeadline).toBe(30 * 86_400_000);
    expect(p.equipment[0]!.quantity).toBe(1);
    expect(constructionWorkflowId('12346', 'ref-001')).toBe('construction/12346/ref-001');
  });

  it('refuses bundled supply types, several lamps, and a 臨時 of a year or more', () => {
    expect(refusals(base({ supplyTypes: ['DENTO', 'DENTO_SHINYA'] }))[0]).toMatchObject({ field: 'supplyTypes' });
    const lamps = refusals(base({ kind: 'GAIROTO', supplyTypes: undefined, contractAmperes: undefined, equipment: [], lamps: [{ lampType: 'LED', wattage: 40 }, { lampType: 'LED', wattage: 40 }], files: [{ ref: '/m.pdf', documentType: 'SITE_MAP', sizeBytes: 1 }] }));
    expect(lamps.map((v) => v.message).join()).toMatch(/one lamp per application/);
    const rinji = refusals(base({ kind: 'RINJI', supplyTypes: ['DENRYOKU'], temporaryUntil: '2028-03-01' }));
    expect(rinji).toEqual([expect.objectContaining({ field: 'temporaryUntil', message: expect.stringMatching(/less than one year/) })]);
  });

  it('needs the kind’s document, a water heater’s maker/class/capacity, an allowed file type', () => {
    expect(refusals(base({ kind: 'GAIROTO', supplyTypes: undefined, contractAmperes: undefined, equipment: [], lamps: [{ lampType: 'LED', wattage: 40 }] }))[0]!.message).toMatch(/SITE_MAP/);
    const heater = refusals(base({ equipment: [{ name: '温水器', capacityKw: 1, waterHeater: { model: 'EQ-46' } }] }));
    expect(heater.map((v) => v.field)).toEqual(expect.arrayContaining(['equipment.0.waterHeater.maker', 'equipment.0.waterHeater.heaterClass', 'equipment.0.waterHeater.capacityLitres']));
    expect(refusals(base({ files: [{ ref: '/data/drawing.docx', documentType: 'DRAWING', sizeBytes: 10 }] })).map((v) => v.field)).toContain('files.0.ref');
    expect(refusals(base({ desiredDate: undefined })).map((v) => v.field)).toEqual(['desiredDate']);
  });
});
