// A structural check of an OpenAPI 3.1 document against the rules of the specification that a
// generator can get wrong: required fields, path templating, parameters, unique operation IDs,
// response descriptions, security requirements naming defined schemes, resolvable $refs, and every
// schema being well-formed JSON Schema 2020-12 (keywords with values of the right kind, valid
// regular expressions). Returns the problems found (empty = valid).

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'];
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const NON_NEGATIVE_INT = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRINGS = ['title', 'description', 'format', '$comment', '$id', '$schema', '$anchor', 'contentEncoding', 'contentMediaType'];
const KNOWN = new Set([
  ...SCHEMA_MAP_KEYWORDS, ...SCHEMA_KEYWORDS, ...SCHEMA_LIST_KEYWORDS, ...NON_NEGATIVE_INT, ...NUMBERS, ...STRINGS,
  'type', 'enum', 'const', 'required', 'pattern', 'uniqueItems', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$ref', 'dependentRequired',
  'discriminator', 'xml', 'externalDocs',
]);

export function checkOpenApi31(doc: unknown): string[] {
  const problems: string[] = [];
  const p = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObj(doc)) return ['document: not an object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) p('openapi', `must be 3.1.x (got ${String(doc.openapi)})`);
  const info = doc.info;
  if (!isObj(info) || typeof info.title !== 'string' || typeof info.version !== 'string') p('info', 'title and version are required strings');
  if (!isObj(doc.paths)) p('paths', 'must be an object');
  const components = isObj(doc.components) ? doc.components : {};
  const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, s] of Object.entries(schemes)) {
    if (!isObj(s) || !['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(s.type))) p(`securitySchemes.${name}`, 'bad type');
    else if (s.type === 'apiKey' && (typeof s.name !== 'string' || !['query', 'header', 'cookie'].includes(String(s.in)))) p(`securitySchemes.${name}`, 'apiKey needs name and in');
    else if (s.type === 'http' && typeof s.scheme !== 'string') p(`securitySchemes.${name}`, 'http needs scheme');
  }
  const checkSecurity = (where: string, sec: unknown) => {
    if (!Array.isArray(sec)) return p(where, 'security must be an array');
    for (const req of sec) {
      if (!isObj(req)) p(where, 'security requirement must be an object');
      else for (const [k, v] of Object.entries(req)) if (!(k in schemes) || !Array.isArray(v)) p(where, `security names undefined scheme '${k}' or has no array`);
    }
  };
  if (doc.security !== undefined) checkSecurity('security', doc.security);

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!path.startsWith('/')) p(path, 'path must start with /');
    if (!isObj(item)) {
      p(path, 'path item must be an object');
      continue;
    }
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const method of Object.keys(item)) {
      if (!METHODS.includes(method) && !['parameters', 'summary', 'description', 'servers', '$ref'].includes(method)) p(path, `unknown path item field '${method}'`);
    }
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!isObj(op)) {
        p(where, 'operation must be an object');
        continue;
      }
      if (op.operationId !== undefined) {
        if (typeof op.operationId !== 'string') p(where, 'operationId must be a string');
        else if (operationIds.has(op.operationId)) p(where, `operationId '${op.operationId}' is not unique`);
        else operationIds.add(op.operationId);
      }
      const params = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(Array.isArray(op.parameters) ? op.parameters : [])];
      const seen = new Set<string>();
      const pathParams = new Set<string>();
      for (const prm of params) {
        if (!isObj(prm) || typeof prm.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(String(prm.in))) {
          p(where, `parameter needs a name and in (got ${JSON.stringify(prm)})`);
          continue;
        }
        const key = `${prm.in}:${prm.name}`;
        if (seen.has(key)) p(where, `duplicate parameter ${key}`);
        seen.add(key);
        if (prm.in === 'path') {
          pathParams.add(prm.name);
          if (prm.required !== true) p(where, `path parameter ${prm.name} must be required: true`);
        }
        if (prm.schema === undefined && prm.content === undefined) p(where, `parameter ${prm.name} needs a schema or content`);
        if (prm.schema !== undefined) checkSchema(`${where} parameter ${prm.name}`, prm.schema, p);
      }
      for (const t of templated) if (!pathParams.has(t)) p(where, `path template {${t}} has no path parameter`);
      for (const n of pathParams) if (!templated.includes(n)) p(where, `path parameter ${n} is not in the path`);
      if (op.requestBody !== undefined) {
        const rb = op.requestBody;
        if (!isObj(rb) || !isObj(rb.content) || Object.keys(rb.content).length === 0) p(where, 'requestBody needs content');
        else for (const [mt, m] of Object.entries(rb.content)) if (isObj(m) && m.schema !== undefined) checkSchema(`${where} body ${mt}`, m.schema, p);
      }
      if (!isObj(op.responses) || Object.keys(op.responses).length === 0) p(where, 'responses are required');
      else {
        for (const [code, r] of Object.entries(op.responses)) {
          if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) p(where, `response key '${code}' is not a status code`);
          if (!isObj(r)) p(where, `response ${code} must be an object`);
          else if (typeof r.description !== 'string') p(where, `response ${code} needs a description`);
          else if (isObj(r.content)) for (const [mt, m] of Object.entries(r.content)) if (isObj(m) && m.schema !== undefined) checkSchema(`${where} ${code} ${mt}`, m.schema, p);
        }
      }
      if (op.security !== undefined) checkSecurity(where, op.security);
      if (op.tags !== undefined && (!Array.isArray(op.tags) || !op.tags.every((t) => typeof t === 'string'))) p(where, 'tags must be strings');
    }
  }
  for (const [name, s] of Object.entries(isObj(components.schemas) ? components.schemas : {})) checkSchema(`components.schemas.${name}`, s, p);

  // Every $ref resolves inside the document.
  const walk = (v: unknown, where: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') {
          if (!x.startsWith('#/')) p(where, `$ref ${x} is not local`);
          else if (resolvePointer(doc, x) === undefined) p(where, `$ref ${x} does not resolve`);
        } else walk(x, `${where}.${k}`);
      }
    }
  };
  walk(doc, '#');
  return problems;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  let v: unknown = doc;
  for (const part of ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (!isObj(v) && !Array.isArray(v)) return undefined;
    v = (v as Obj)[part];
  }
  return v;
}

function checkSchema(where: string, s: unknown, p: (where: string, what: string) => void): void {
  if (typeof s === 'boolean') return;
  if (!isObj(s)) return p(where, 'a schema must be an object or a boolean');
  for (const [k, v] of Object.entries(s)) {
    if (!KNOWN.has(k) && !k.startsWith('x-')) p(where, `unknown schema keyword '${k}'`);
    if (k === 'type') {
      const types = Array.isArray(v) ? v : [v];
      if (types.length === 0 || !types.every((t) => JSON_TYPES.includes(String(t)))) p(where, `bad type ${JSON.stringify(v)}`);
    } else if (SCHEMA_MAP_KEYWORDS.includes(k)) {
      if (!isObj(v)) p(where, `${k} must be an object of schemas`);
      else for (const [n, sub] of Object.entries(v)) checkSchema(`${where}.${k}.${n}`, sub, p);
    } else if (SCHEMA_KEYWORDS.includes(k)) checkSchema(`${where}.${k}`, v, p);
    else if (SCHEMA_LIST_KEYWORDS.includes(k)) {
      if (!Array.isArray(v) || v.length === 0) p(where, `${k} must be a non-empty array`);
      else v.forEach((sub, i) => checkSchema(`${where}.${k}[${i}]`, sub, p));
    } else if (NON_NEGATIVE_INT.includes(k)) {
      if (!Number.isInteger(v) || (v as number) < 0) p(where, `${k} must be a non-negative integer`);
    } else if (NUMBERS.includes(k)) {
      if (typeof v !== 'number') p(where, `${k} must be a number (2020-12: exclusiveMinimum is a number, not a boolean)`);
    } else if (STRINGS.includes(k)) {
      if (typeof v !== 'string') p(where, `${k} must be a string`);
    } else if (k === 'required') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string') || new Set(v).size !== v.length) p(where, 'required must be unique strings');
    } else if (k === 'enum') {
      if (!Array.isArray(v)) p(where, 'enum must be an array');
    } else if (k === 'pattern') {
      try {
        new RegExp(String(v), 'u');
      } catch {
        p(where, `pattern ${String(v)} is not a valid regular expression`);
      }
    } else if (k === '$ref' && typeof v !== 'string') p(where, '$ref must be a string');
    else if (k === 'nullable') p(where, "'nullable' is OpenAPI 3.0, not 3.1");
  }
}
