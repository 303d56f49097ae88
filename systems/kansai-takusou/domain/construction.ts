// Low-voltage construction applications to Kansai T&D through たくそう君 (docs/external-systems/kansai-takusou.md):
// one schema for the workflow, the client library and the activities, refusing before any call
// what the API cannot do (注意事項), with field-level messages.
import { z } from 'zod';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import { isoDateSchema } from '../../../domain/jst.js';
import { maintenanceConfigSchema } from '../../../domain/maintenance.js';

export const CONSTRUCTION_KINDS = ['JOJI', 'RINJI', 'GAIROTO', 'SHUDAN'] as const; // 常時 / 臨時 / 街路灯 / 集団
export type ConstructionKind = (typeof CONSTRUCTION_KINDS)[number];
export const CONSTRUCTION_KIND_LABELS: Record<ConstructionKind, string> = { JOJI: '常時', RINJI: '臨時', GAIROTO: '街路灯', SHUDAN: '集団' };

export const SUPPLY_TYPES = ['DENTO', 'DENRYOKU', 'DENTO_SHINYA'] as const; // 電灯 / 電力 / 電灯(深夜)
export type SupplyType = (typeof SUPPLY_TYPES)[number];
export const SUPPLY_TYPE_LABELS: Record<SupplyType, string> = { DENTO: '電灯', DENRYOKU: '電力', DENTO_SHINYA: '電灯(深夜)' };

/** Document types the attachments carry (provisional codes; the real list is in KTD's IF spec). */
export const DOCUMENT_TYPES = ['DRAWING', 'SITE_MAP', 'WIRING_DIAGRAM', 'COMPLETION_REPORT', 'INSPECTION_RECORD', 'OTHER'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The document an application cannot be accepted without (a street light is placed by its 位置図). */
export const REQUIRED_DOCUMENT: Record<ConstructionKind, DocumentType> = { JOJI: 'DRAWING', RINJI: 'DRAWING', GAIROTO: 'SITE_MAP', SHUDAN: 'DRAWING' };

export const ALLOWED_FILE_TYPES = { '.pdf': 'application/pdf', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff' } as const;
/** Assumption until KTD's IF spec: 10 MiB per file. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A file passed by reference (a path the worker can read, or a stored object key) — never its bytes. */
export const fileRefSchema = z
  .object({
    ref: z.string().min(1, 'ref is required: a path or stored-object key the worker can read').max(500),
    documentType: z.enum(DOCUMENT_TYPES, { error: `documentType must be one of ${DOCUMENT_TYPES.join(', ')}` }),
    /** Declared size in bytes; checked again against the real file before sending. */
    sizeBytes: z.number().int().positive().max(MAX_FILE_BYTES, `sizeBytes must be at most ${MAX_FILE_BYTES} (10 MiB)`),
  })
  .strict()
  .superRefine((f, ctx) => {
    const ext = /\.[a-z0-9]+$/i.exec(f.ref)?.[0]?.toLowerCase();
    if (!ext || !(ext in ALLOWED_FILE_TYPES)) {
      ctx.addIssue({ code: 'custom', path: ['ref'], message: `ref must name a ${Object.keys(ALLOWED_FILE_TYPES).join(' / ')} file (got '${ext ?? 'no extension'}')` });
    }
  });
export type FileRef = z.infer<typeof fileRefSchema>;

/** 温水器: the API does not look the maker/class/capacity up from the model — the caller sends them. */
export const waterHeaterSchema = z
  .object({
    model: z.string().min(1).max(40).optional(),
    maker: z.string({ error: 'waterHeater.maker is required (the API does not look it up from the model)' }).min(1, 'waterHeater.maker is required (the API does not look it up from the model)').max(40),
    heaterClass: z.string({ error: 'waterHeater.heaterClass (分類) is required (the API does not look it up from the model)' }).min(1).max(20),
    capacityLitres: z.number({ error: 'waterHeater.capacityLitres (容量) is required (the API does not look it up from the model)' }).positive().max(2000),
  })
  .strict();

export const equipmentSchema = z
  .object({
    name: z.string().min(1).max(40),
    capacityKw: z.number().positive().max(500),
    quantity: z.number().int().positive().max(999).default(1),
    waterHeater: waterHeaterSchema.optional(),
  })
  .strict();

/** 申込者/需要場所: personal data, encrypted in Temporal payloads. */
export const siteSchema = z
  .object({
    customerName: z.string().trim().min(1, 'site.customerName is required').max(80),
    address: z.string().trim().min(1, 'site.address is required').max(200),
    phone: z.string().regex(/^0\d+(-\d+)*$/, 'site.phone must start with 0 and hold digits, with hyphens only between digits').optional(),
  })
  .strict();

const lampSchema = z
  .object({
    lampType: z.string().min(1).max(20),
    wattage: z.number().positive().max(2000),
    poleNo: z.string().min(1).max(30).optional(),
  })
  .strict();

const groupUnitSchema = z
  .object({
    unitNo: z.string().min(1).max(20),
    supplyType: z.enum(SUPPLY_TYPES),
    contractAmperes: z.number().int().positive().max(200),
    equipment: z.array(equipmentSchema).max(50).default([]),
  })
  .strict();

export const constructionOptionsSchema = z
  .object({
    /** How often to read acceptance, process, calculation and result while waiting. */
    // 3 hours keeps a months-long application's history small (about 14 events a poll while in progress).
    pollInterval: durationAtLeast(5_000, '5 seconds').default(3 * 60 * 60_000),
    /** How long a person has to confirm completion / decide on a correction. */
    decisionDeadline: durationAtLeast(60_000, '1 minute').default(30 * 86_400_000),
    reminderInterval: durationAtLeast(60_000, '1 minute').default(3 * 86_400_000),
    unannouncedOutageRetry: durationAtLeast(1_000, '1 second').default(15 * 60_000),
    maintenance: maintenanceConfigSchema.optional(),
  })
  .strict();

/**
 * One construction application. Refusals the API demands (注意事項, docs/external-systems/kansai-takusou.md §8) are checked here:
 * one supply type per 常時/臨時 application (電灯/電力/電灯(深夜) cannot be bundled), one lamp per
 * 街路灯 application, water heaters with maker/class/capacity, at least one drawing.
 */
export const constructionInputSchema = z
  .object({
    company: companyCodeField('company'),
    kind: z.enum(CONSTRUCTION_KINDS, { error: `kind must be one of ${CONSTRUCTION_KINDS.join(', ')} (常時, 臨時, 街路灯, 集団)` }),
    /** Our reference: the business key of the workflow (letters, digits, - _). */
    reference: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'reference must be 1–40 letters, digits, - or _'),
    supplyTypes: z.array(z.enum(SUPPLY_TYPES, { error: `supplyTypes entries must be one of ${SUPPLY_TYPES.join(', ')}` })).min(1).optional(),
    contractAmperes: z.number().int().positive().max(600).optional(),
    desiredDate: isoDateSchema.optional(),
    /** 臨時: the end of the temporary supply (< 1 year). */
    temporaryUntil: isoDateSchema.optional(),
    site: siteSchema,
    equipment: z.array(equipmentSchema).max(50).default([]),
    lamps: z.array(lampSchema).optional(),
    units: z.array(groupUnitSchema).max(500).optional(),
    files: z.array(fileRefSchema).max(20).default([]),
    options: constructionOptionsSchema.default(constructionOptionsSchema.parse({})),
  })
  .strict()
  .superRefine((a, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!a.desiredDate) issue(['desiredDate'], 'desiredDate (希望供給開始日) is required');
    if (a.kind === 'JOJI' || a.kind === 'RINJI') {
      if (!a.supplyTypes) issue(['supplyTypes'], `supplyTypes is required for ${a.kind}: exactly one of ${SUPPLY_TYPES.join(', ')}`);
      else if (a.supplyTypes.length > 1) {
        issue(
          ['supplyTypes'],
          a.kind === 'JOJI'
            ? '常時 applications take one of 電灯/電力/電灯(深夜) each: the API cannot bundle several — file one application per type'
            : '臨時 applications take one of 電灯/電力 each: the API cannot bundle them — file one application per type',
        );
      }
      if (a.kind === 'RINJI' && a.supplyTypes?.includes('DENTO_SHINYA')) issue(['supplyTypes'], '臨時 applications take 電灯 or 電力 only');
      if (a.kind === 'RINJI' && !a.temporaryUntil) issue(['temporaryUntil'], 'temporaryUntil is required for 臨時 (supply of less than one year)');
      if (a.contractAmperes === undefined) issue(['contractAmperes'], `contractAmperes is required for ${a.kind}`);
      if (a.equipment.length === 0) issue(['equipment'], `equipment must list at least one item for ${a.kind}`);
      if (a.kind === 'RINJI' && a.desiredDate && a.temporaryUntil) {
        if (a.temporaryUntil <= a.desiredDate) issue(['temporaryUntil'], 'temporaryUntil must be after desiredDate');
        const limit = `${Number(a.desiredDate.slice(0, 4)) + 1}${a.desiredDate.slice(4)}`;
        if (a.temporaryUntil >= limit) issue(['temporaryUntil'], `臨時 is for less than one year (temporaryUntil before ${limit}): use 常時 (JOJI) otherwise`);
      }
    }
    if (a.kind === 'GAIROTO') {
      if (!a.lamps || a.lamps.length === 0) issue(['lamps'], '街路灯 applications need exactly one lamp');
      else if (a.lamps.length > 1) {
        issue(['lamps'], `街路灯: one lamp per application — the API has no bulk street-light filing (got ${a.lamps.length}); start one application per lamp`);
      }
    } else if (a.lamps) issue(['lamps'], `lamps is only for 街路灯 (GAIROTO) applications`);
    if (a.kind === 'SHUDAN') {
      if (!a.units || a.units.length === 0) issue(['units'], '集団 applications need at least one dwelling unit');
    } else if (a.units) issue(['units'], 'units is only for 集団 (SHUDAN) applications');
    const required = REQUIRED_DOCUMENT[a.kind];
    if (!a.files.some((f) => f.documentType === required)) {
      issue(['files'], `files must include a ${required} (${required === 'SITE_MAP' ? '位置図' : '図面'}) for a ${CONSTRUCTION_KIND_LABELS[a.kind]} application`);
    }
  });
export type ConstructionInput = z.input<typeof constructionInputSchema>;
export type ConstructionParsed = z.output<typeof constructionInputSchema>;

/** Workflow ID from the business key. */
export function constructionWorkflowId(company: string, reference: string): string {
  return `construction/${company}/${reference}`;
}

// ---- decisions on a running application (the Update arguments of construction.defs.ts) ----------
// One definition for the workflow's Update validators and the gateway (which also documents them).
const personId = (field: string) =>
  z.string({ error: `${field} must be the person's user ID` }).regex(/^[\w.@-]{1,64}$/, `${field} must be a user ID of 1–64 letters, digits, . @ - _`);

/** 訂正: changed items and/or more files. */
export const constructionCorrectionSchema = z
  .object({
    correctedBy: personId('correctedBy'),
    changes: z
      .object({
        contractAmperes: z.number().int().positive().max(600).optional(),
        desiredDate: isoDateSchema.optional(),
        temporaryUntil: isoDateSchema.optional(),
        site: siteSchema.partial().strict().optional(),
        equipment: z.array(equipmentSchema).max(50).optional(),
      })
      .strict()
      .optional(),
    files: z.array(fileRefSchema).max(20).optional(),
    comment: z.string().max(500, 'comment must be at most 500 characters').optional(),
  })
  .strict();

/** A person confirms the construction is complete (竣工), with the completion documents. */
export const completionConfirmationSchema = z
  .object({
    confirmedBy: personId('confirmedBy'),
    completedOn: isoDateSchema,
    documents: z.array(fileRefSchema).min(1, 'documents: attach the completion documents (竣工書類)').max(20),
  })
  .strict()
  .refine((c) => c.documents.some((d) => d.documentType === 'COMPLETION_REPORT'), {
    message: 'documents must include a COMPLETION_REPORT (竣工書類)',
    path: ['documents'],
  });

/** 申込取消. */
export const constructionCancelSchema = z
  .object({
    requestedBy: personId('requestedBy'),
    reason: z.string({ error: 'reason is required' }).trim().min(1, 'reason is required').max(200, 'reason must be at most 200 characters'),
  })
  .strict();
