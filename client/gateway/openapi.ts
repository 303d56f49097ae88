// The OpenAPI document's finishing touches: fastify-type-provider-zod emits every registered schema
// twice (its input and its output form); only those the paths reference, directly or through other
// schemas, are kept, so the document lists what the API really uses. And @fastify/swagger marks
// every request body required; a body that may be null (the body-less POSTs) is marked optional.

type Json = unknown;

function refsIn(value: Json, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice('#/components/schemas/'.length));
      else refsIn(v, out);
    }
  }
}

export function pruneUnusedSchemas<T extends { paths?: unknown; components?: { schemas?: Record<string, unknown> } }>(doc: T): T {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = new Set<string>();
  refsIn(doc.paths, used);
  const queue = [...used];
  while (queue.length) {
    const name = queue.pop()!;
    const found = new Set<string>();
    refsIn(schemas[name], found);
    for (const f of found) {
      if (used.has(f)) continue;
      used.add(f);
      queue.push(f);
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([k]) => used.has(k)));
  markOptionalBodies(doc.paths);
  return { ...doc, components: { ...doc.components, schemas: kept } };
}

type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: { type?: string }[] } }> } };

function markOptionalBodies(paths: unknown): void {
  for (const item of Object.values((paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const op of Object.values(item)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (op.requestBody && schema?.anyOf?.some((s) => s.type === 'null')) op.requestBody.required = false;
    }
  }
}
