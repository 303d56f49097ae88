// Reading the deployment files for test/deploy: docker-compose.yml (with the `yaml` package), the
// Dockerfile (stages, copies, CMDs), the simulators' environment variables (from their main.ts) and
// the import graph of an entry point (which packages a runtime image must contain).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../support/processes.js';

export { ROOT };

// ---- docker-compose.yml -----------------------------------------------------------------------

export interface Port {
  hostIp?: string;
  published?: number;
  target: number;
}

export interface Service {
  image?: string;
  build?: { context?: string; target?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { host_ip?: string; published?: string | number; target: number })[];
  secrets?: (string | { source: string; target?: string })[];
  configs?: (string | { source: string; target?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { replicas?: number };
  profiles?: string[];
  restart?: string;
  user?: string;
}

export interface Compose {
  name?: string;
  services: Record<string, Service>;
  secrets?: Record<string, { file?: string; environment?: string; external?: boolean }>;
  configs?: Record<string, { file?: string; environment?: string; external?: boolean }>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')): Compose {
  return parse(text) as Compose;
}

/** A service's environment as strings (map or list form); compose passes numbers and booleans as text. */
export function envOf(s: Service): Record<string, string> {
  const e = s.environment ?? {};
  if (Array.isArray(e)) {
    return Object.fromEntries(e.map((kv) => {
      const i = kv.indexOf('=');
      return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Short ("[ip:][published:]target[/proto]") and long port syntax. */
export function portsOf(s: Service): Port[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return { hostIp: p.host_ip, published: p.published === undefined ? undefined : Number(p.published), target: Number(p.target) };
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : undefined;
    const hostIp = parts.length ? parts.join(':') : undefined;
    return { hostIp, published, target };
  });
}

export const secretNames = (s: Service) => (s.secrets ?? []).map((x) => (typeof x === 'string' ? x : x.source));

/** Where a service sees each secret and config file. */
export function mountedFiles(s: Service): Map<string, { kind: 'secret' | 'config'; name: string }> {
  const m = new Map<string, { kind: 'secret' | 'config'; name: string }>();
  for (const x of s.secrets ?? []) {
    const name = typeof x === 'string' ? x : x.source;
    const target = typeof x === 'string' || !x.target ? `/run/secrets/${name}` : x.target.startsWith('/') ? x.target : `/run/secrets/${x.target}`;
    m.set(target, { kind: 'secret', name });
  }
  for (const x of s.configs ?? []) {
    const name = typeof x === 'string' ? x : x.source;
    m.set(typeof x === 'string' || !x.target ? `/${name}` : x.target, { kind: 'config', name });
  }
  return m;
}

/** Bind mounts and volumes: container path → source (host path as written, or volume name). */
export function mountsOf(s: Service): { source: string; target: string; readOnly: boolean }[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v === 'object') return { source: v.source ?? '', target: v.target, readOnly: !!v.read_only };
    const [source, target, mode] = v.split(':') as [string, string | undefined, string | undefined];
    return target === undefined ? { source: '', target: source, readOnly: false } : { source, target, readOnly: mode === 'ro' };
  });
}

export const dependsOn = (s: Service): Record<string, string> =>
  Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, 'service_started'])) : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([k, v]) => [k, v.condition ?? 'service_started']));

export const argv = (x: string[] | string | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : x.split(/\s+/).filter(Boolean));

export const buildTarget = (s: Service): string | undefined => (typeof s.build === 'object' ? s.build.target : undefined);

// ---- Dockerfile ---------------------------------------------------------------------------------

export interface Stage {
  name: string;
  from: string;
  /** COPY --from=<stage> sources and destinations. */
  copiesFrom: { stage: string; src: string; dest: string }[];
  /** COPY sources from the build context. */
  copies: { src: string[]; dest: string }[];
  runs: string[];
  cmd?: string[];
  user?: string;
  env: Record<string, string>;
}

/** Stages by name, ARG defaults substituted into FROM; line continuations joined. */
export function parseDockerfile(text: string): Map<string, Stage> {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages = new Map<string, Stage>();
  let cur: Stage | undefined;
  for (const line of lines) {
    const [instr = '', ...rest] = line.split(/\s+/);
    const body = rest.join(' ');
    switch (instr.toUpperCase()) {
      case 'ARG': {
        const m = /^(\w+)=(\S+)$/.exec(body);
        if (m && !cur) args[m[1]!] = m[2]!;
        break;
      }
      case 'FROM': {
        const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(body);
        if (!m) throw new Error(`Dockerfile: cannot read '${line}'`);
        const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
        cur = { name: m[2] ?? `#${stages.size}`, from, copiesFrom: [], copies: [], runs: [], env: {} };
        stages.set(cur.name, cur);
        break;
      }
      case 'COPY': {
        if (!cur) break;
        const words = body.split(/\s+/);
        const flags = words.filter((w) => w.startsWith('--'));
        const paths = words.filter((w) => !w.startsWith('--'));
        const dest = paths.pop() ?? '';
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        if (from) for (const src of paths) cur.copiesFrom.push({ stage: from, src, dest });
        else cur.copies.push({ src: paths, dest });
        break;
      }
      case 'RUN':
        cur?.runs.push(body);
        break;
      case 'CMD':
        if (cur) cur.cmd = body.startsWith('[') ? (JSON.parse(body) as string[]) : ['/bin/sh', '-c', body];
        break;
      case 'USER':
        if (cur) cur.user = body;
        break;
      case 'ENV': {
        if (!cur) break;
        for (const m of body.matchAll(/(\w+)=("[^"]*"|\S+)/g)) cur.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      }
    }
  }
  return stages;
}

/** The stage and its ancestors (FROM chain within the file), nearest first. */
export function chain(stages: Map<string, Stage>, name: string): Stage[] {
  const out: Stage[] = [];
  for (let s = stages.get(name); s; s = stages.get(s.from)) {
    if (out.includes(s)) throw new Error(`Dockerfile: FROM cycle at ${s.name}`);
    out.push(s);
  }
  return out;
}

/** The effective value of an instruction: the nearest stage in the chain that sets it. */
export function effective<K extends 'cmd' | 'user'>(stages: Map<string, Stage>, name: string, key: K): Stage[K] {
  for (const s of chain(stages, name)) if (s[key] !== undefined) return s[key];
  return undefined;
}

export const effectiveEnv = (stages: Map<string, Stage>, name: string): Record<string, string> =>
  Object.assign({}, ...chain(stages, name).reverse().map((s) => s.env)) as Record<string, string>;

/**
 * Where a stage's node_modules come from: the stage that ran `npm install`/`npm ci`, found through
 * COPY --from=…/node_modules and the FROM chain. `omitDev`: installed without devDependencies.
 */
export function nodeModulesOrigin(stages: Map<string, Stage>, name: string): { stage: string; omitDev: boolean } | undefined {
  for (const s of chain(stages, name)) {
    const copied = s.copiesFrom.find((c) => /node_modules\/?$/.test(c.src));
    if (copied) return nodeModulesOrigin(stages, copied.stage);
    const install = s.runs.find((r) => /\bnpm\s+(ci|install)\b/.test(r));
    if (install) return { stage: s.name, omitDev: /--omit[= ]dev|--production\b/.test(install) };
  }
  return undefined;
}

/** Whether a container path (under WORKDIR /app) exists in the stage's image: copied dist/ or sources. */
export function builtPaths(stages: Map<string, Stage>, name: string): { dist: boolean; sources: string[] } {
  let dist = false;
  const sources: string[] = [];
  for (const s of chain(stages, name)) {
    if (s.copiesFrom.some((c) => /\/dist\/?$/.test(c.src))) dist = true;
    if (s.runs.some((r) => /npm run build/.test(r))) dist = true;
    for (const c of s.copies) sources.push(...c.src);
  }
  return { dist, sources };
}

// ---- source files --------------------------------------------------------------------------------

/** dist/x/y.js (as a Dockerfile CMD or compose command names it, relative to /app) → x/y.ts, if it exists. */
export function sourceOfDist(path: string): string | undefined {
  const rel = path.replace(/^\/app\//, '').replace(/^\.\//, '');
  const m = /^dist\/(.+)\.js$/.exec(rel);
  if (!m) return undefined;
  const ts = join(ROOT, `${m[1]}.ts`);
  return existsSync(ts) ? ts : undefined;
}

/**
 * Environment variables a simulator's main.ts reads: `setting('flag', 'NAME')` / `intSetting(…)`
 * (PREFIX_NAME; intSetting = a non-negative integer), `env['PREFIX_X']`, and per-company
 * `env[`PREFIX_${code}_X`]` (returned as suffixes).
 */
export function simulatorEnv(mainTs: string, prefix: string): { names: Map<string, 'int' | 'string'>; perCompany: Set<string> } {
  const src = readFileSync(mainTs, 'utf8');
  const names = new Map<string, 'int' | 'string'>();
  for (const m of src.matchAll(/\b(intSetting|setting)\(\s*'[^']+'\s*,\s*'([A-Z0-9_]+)'\s*\)/g)) {
    const name = `${prefix}${m[2]}`;
    if (names.get(name) !== 'int') names.set(name, m[1] === 'intSetting' ? 'int' : 'string');
  }
  for (const m of src.matchAll(/env\[\s*'([A-Z0-9_]+)'\s*\]/g)) if (m[1]!.startsWith(prefix) && !names.has(m[1]!)) names.set(m[1]!, 'string');
  const perCompany = new Set<string>();
  for (const m of src.matchAll(/env\[\s*`([A-Z0-9_]+)\$\{\w+\}_([A-Z0-9_]+)`\s*\]/g)) if (m[1] === prefix) perCompany.add(m[2]!);
  return { names, perCompany };
}

/**
 * Packages (not node: built-ins) a TypeScript entry point loads at run time, following its relative
 * imports; `import type` / `export type` are skipped (erased by tsc).
 */
export function runtimePackages(entryTs: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const todo = [resolve(entryTs)];
  const spec = /(?:^|[\s;}])(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of src.matchAll(spec)) {
      if (m[2]) continue; // import type / export type
      const s = (m[3] ?? m[4])!;
      if (s.startsWith('node:')) continue;
      if (s.startsWith('.')) {
        const base = resolve(dirname(file), s);
        const ts = base.replace(/\.js$/, '.ts');
        const next = [ts, `${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && p.endsWith('.ts'));
        if (next) todo.push(next);
        else if (!existsSync(base)) throw new Error(`${file}: cannot resolve '${s}'`);
        continue;
      }
      const parts = s.split('/');
      packages.add(s.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return { packages, files };
}
