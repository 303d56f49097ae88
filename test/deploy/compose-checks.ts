// The checks test/deploy/compose.test.ts runs on docker-compose.yml, the Dockerfile and
// deploy/: each returns the problems it finds (empty = fine), so a test can also show that a check
// catches a wrong document. No Docker needed: the files are read and compared with the schemas and
// the sources they must agree with.
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { TypedSearchAttributes } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { SINGLE_PARTITION_ARGS } from '../../scripts/dev-server-args.js';
import { occtoTaskQueue } from '../../domain/task-queues.js';
import { SOAP_ENDPOINT_PATH } from '../../systems/occto/activities/provisional-wire-format.js';
import { TAKUSOU_BASE_PATH } from '../../systems/kansai-takusou/activities/provisional-wire-format.js';
import {
  ROOT,
  argv,
  buildTarget,
  builtPaths,
  dependsOn,
  effective,
  envOf,
  mountedFiles,
  mountsOf,
  nodeModulesOrigin,
  portsOf,
  runtimePackages,
  secretNames,
  simulatorEnv,
  type Compose,
  type Service,
  type Stage,
} from './deploy-model.js';

/** The processes of this repository a service can run, by entry point. */
export const PROCESSES = {
  worker: 'worker/main.ts',
  gateway: 'client/gateway/main.ts',
  'occto-sim': 'systems/occto/simulator/main.ts',
  'takusou-sim': 'systems/kansai-takusou/simulator/main.ts',
  'dev-secrets': 'deploy/make-dev-secrets.ts',
} as const;
export type Process = keyof typeof PROCESSES;

export interface Ctx {
  compose: Compose;
  stages: Map<string, Stage>;
  /** Where ./deploy/secrets of the compose file is (a directory dev-secrets wrote for the test). */
  secretsDir: string;
  /** Loads a process's configuration from an environment, as the process does at start (throws when it would refuse to start). */
  loaders: Partial<Record<Process, (env: Record<string, string>) => unknown>>;
  /** Variables a process's schema names (zod shape keys). */
  schemaKeys: Partial<Record<Process, readonly string[]>>;
  packageJson: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; engines?: { node?: string } };
}

export const EXPECTED_SERVICES = ['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui', 'worker', 'gateway', 'occto-sim', 'takusou-sim', 'dev-secrets'];

/** Services a person opens: the only ones that publish ports (and only on 127.0.0.1). */
export const PUBLISHED = { temporal: [7233], 'temporal-ui': [8080], gateway: ['GATEWAY_PORT'] } as const;

// Variables of third-party images, from their documentation / configuration templates.
const TEMPORAL_SERVER_ENV = new Set([
  'DB', 'DB_PORT', 'DBNAME', 'VISIBILITY_DBNAME', 'POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'VISIBILITY_POSTGRES_SEEDS',
  'VISIBILITY_POSTGRES_USER', 'VISIBILITY_POSTGRES_PWD', 'VISIBILITY_DB_PORT', 'SQL_MAX_CONNS', 'SQL_MAX_IDLE_CONNS', 'SQL_MAX_CONN_TIME',
  'SQL_VIS_MAX_CONNS', 'SQL_VIS_MAX_IDLE_CONNS', 'SQL_TLS_ENABLED', 'SQL_CA', 'SQL_CERT', 'SQL_CERT_KEY', 'SQL_HOST_VERIFICATION', 'SQL_HOST_NAME',
  'BIND_ON_IP', 'TEMPORAL_BROADCAST_ADDRESS', 'NUM_HISTORY_SHARDS', 'DYNAMIC_CONFIG_FILE_PATH', 'PROMETHEUS_ENDPOINT', 'PROMETHEUS_TIMER_TYPE',
  'STATSD_ENDPOINT', 'LOG_LEVEL', 'FRONTEND_GRPC_PORT', 'FRONTEND_HTTP_PORT', 'USE_INTERNAL_FRONTEND', 'PUBLIC_FRONTEND_ADDRESS',
]);
const TEMPORAL_UI_ENV = new Set([
  'TEMPORAL_ADDRESS', 'TEMPORAL_UI_PORT', 'TEMPORAL_UI_PUBLIC_PATH', 'TEMPORAL_UI_ENABLED', 'TEMPORAL_CLOUD_UI', 'TEMPORAL_DEFAULT_NAMESPACE',
  'TEMPORAL_FEEDBACK_URL', 'TEMPORAL_CONFIG_REFRESH_INTERVAL', 'TEMPORAL_SHOW_TEMPORAL_SYSTEM_NAMESPACE', 'TEMPORAL_DISABLE_WRITE_ACTIONS',
  'TEMPORAL_CODEC_ENDPOINT', 'TEMPORAL_CODEC_PASS_ACCESS_TOKEN', 'TEMPORAL_CODEC_INCLUDE_CREDENTIALS', 'TEMPORAL_HIDE_LOGS', 'TEMPORAL_CORS_ORIGINS',
  'TEMPORAL_AUTH_ENABLED', 'TEMPORAL_AUTH_TYPE', 'TEMPORAL_AUTH_PROVIDER_URL', 'TEMPORAL_AUTH_ISSUER_URL', 'TEMPORAL_AUTH_CLIENT_ID',
  'TEMPORAL_AUTH_CLIENT_SECRET', 'TEMPORAL_AUTH_CALLBACK_URL', 'TEMPORAL_AUTH_SCOPES', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_ENABLE_HOST_VERIFICATION', 'TEMPORAL_TLS_SERVER_NAME',
]);
const POSTGRES_ENV = new Set(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE', 'POSTGRES_DB', 'POSTGRES_INITDB_ARGS', 'PGDATA']);

/** Pre-allocated custom search attribute columns per type in Temporal's PostgreSQL (v12) visibility schema. */
export const SQL_VISIBILITY_SLOTS: Record<string, number> = { Keyword: 10, Bool: 3, Datetime: 3, Int: 3, Double: 3, Text: 3, KeywordList: 3 };

const svc = (ctx: Ctx, name: string): Service | undefined => ctx.compose.services?.[name];
const isOneShot = (s: Service) => s.restart === 'no' || (s.profiles?.length ?? 0) > 0;

/** The command a built service runs: its own, else its target's CMD. */
export function commandOf(ctx: Ctx, name: string): string[] {
  const s = svc(ctx, name);
  if (!s) return [];
  if (s.command !== undefined) return argv(s.command);
  const target = buildTarget(s);
  return (target && effective(ctx.stages, target, 'cmd')) || [];
}

/** The repository source a command runs: `node dist/x.js` → x.ts, `tsx x.ts` → x.ts (relative to the repo). */
export function entryOf(cmd: string[]): string | undefined {
  const script = cmd.find((a, i) => i > 0 && /\.(c|m)?[jt]s$/.test(a));
  if (!script) return undefined;
  const rel = script.replace(/^\/app\//, '').replace(/^\.\//, '');
  const m = /^dist\/(.+)\.js$/.exec(rel);
  return m ? `${m[1]}.ts` : rel;
}

export function processOf(ctx: Ctx, name: string): Process | undefined {
  const entry = entryOf(commandOf(ctx, name));
  return (Object.keys(PROCESSES) as Process[]).find((p) => PROCESSES[p] === entry);
}

export const servicesRunning = (ctx: Ctx, p: Process) => Object.keys(ctx.compose.services ?? {}).filter((n) => buildTarget(ctx.compose.services[n]!) && processOf(ctx, n) === p);

/** A host path for a path written in the compose file (./deploy/secrets → the test's secrets directory). */
export function hostPath(ctx: Ctx, p: string): string {
  const rel = posix.normalize(p.replace(/^\.\//, ''));
  return rel === 'deploy/secrets' || rel.startsWith('deploy/secrets/') ? join(ctx.secretsDir, rel.slice('deploy/secrets'.length)) : join(ROOT, rel);
}

/** A service's environment with every container path of a mounted secret, config or bind mount replaced by the host file. */
export function hostEnv(ctx: Ctx, name: string): Record<string, string> {
  const s = svc(ctx, name)!;
  const files = mountedFiles(s);
  const binds = mountsOf(s).filter((m) => m.source.startsWith('.'));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(envOf(s))) {
    const f = files.get(v);
    const def = f && (f.kind === 'secret' ? ctx.compose.secrets : ctx.compose.configs)?.[f.name];
    const bind = binds.find((b) => v === b.target || v.startsWith(`${b.target}/`));
    out[k] = def?.file ? hostPath(ctx, def.file) : bind ? hostPath(ctx, bind.source + v.slice(bind.target.length)) : v;
  }
  return out;
}

// ---- services and images --------------------------------------------------------------------------

export function checkServices(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const n of EXPECTED_SERVICES) if (!svc(ctx, n)) problems.push(`service ${n} is missing`);
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    if (!s.image && !s.build) problems.push(`${n}: neither image nor build`);
    const target = buildTarget(s);
    if (s.build && !target) problems.push(`${n}: build without a target (the Dockerfile has one target per role)`);
    if (target && !ctx.stages.has(target)) problems.push(`${n}: build target '${target}' is not a stage of the Dockerfile`);
  }
  for (const p of ['worker', 'gateway', 'occto-sim', 'takusou-sim', 'dev-secrets'] as Process[]) {
    if (servicesRunning(ctx, p).length === 0) problems.push(`no service runs ${PROCESSES[p]}`);
  }
  return problems;
}

export function checkEntryPoints(ctx: Ctx): string[] {
  const problems: string[] = [];
  const buildInclude = (JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    const target = buildTarget(s);
    if (!target || !ctx.stages.has(target)) continue;
    const cmd = commandOf(ctx, n);
    const entry = entryOf(cmd);
    if (!entry) {
      problems.push(`${n}: command ${JSON.stringify(cmd)} names no script`);
      continue;
    }
    if (!existsSync(join(ROOT, entry))) problems.push(`${n}: runs ${cmd.join(' ')}, but its source ${entry} does not exist`);
    const script = cmd.find((a, i) => i > 0 && /\.(c|m)?[jt]s$/.test(a))!;
    const built = builtPaths(ctx.stages, target);
    if (/^(\/app\/)?dist\//.test(script)) {
      if (!built.dist) problems.push(`${n}: runs ${script}, but target '${target}' has no dist/ (npm run build)`);
      if (!buildInclude.includes(entry.split('/')[0]!)) problems.push(`${n}: ${entry} is outside tsconfig.build.json's include, so npm run build does not emit ${script}`);
      if (cmd[0] !== 'node') problems.push(`${n}: compiled code runs with node (got ${cmd[0]})`);
    } else {
      const copied = built.sources.some((src) => entry === src || entry.startsWith(`${src.replace(/\/$/, '')}/`));
      if (!copied) problems.push(`${n}: runs the source ${entry}, which target '${target}' does not copy`);
      else if (existsSync(join(ROOT, entry))) {
        for (const f of runtimePackages(join(ROOT, entry)).files) {
          const r = relative(ROOT, f);
          if (!built.sources.some((src) => r === src || r.startsWith(`${src.replace(/\/$/, '')}/`))) problems.push(`${n}: ${entry} imports ${r}, which target '${target}' does not copy`);
        }
      }
      if (!/tsx$/.test(cmd[0] ?? '')) problems.push(`${n}: a .ts source runs with tsx (got ${cmd[0]})`);
    }
  }
  return problems;
}

/** Every package an entry point loads is in the image: production dependencies, or all of them where the target installed devDependencies. */
export function checkImageDependencies(ctx: Ctx): string[] {
  const problems: string[] = [];
  const deps = new Set(Object.keys(ctx.packageJson.dependencies ?? {}));
  const devDeps = new Set(Object.keys(ctx.packageJson.devDependencies ?? {}));
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    const target = buildTarget(s);
    const entry = entryOf(commandOf(ctx, n));
    if (!target || !ctx.stages.has(target) || !entry || !existsSync(join(ROOT, entry))) continue;
    const origin = nodeModulesOrigin(ctx.stages, target);
    if (!origin) {
      problems.push(`${n}: target '${target}' has no node_modules`);
      continue;
    }
    const cmd = commandOf(ctx, n);
    const needed = new Set(runtimePackages(join(ROOT, entry)).packages);
    if (/tsx$/.test(cmd[0] ?? '')) needed.add('tsx');
    for (const p of needed) {
      if (deps.has(p)) continue;
      if (!devDeps.has(p)) problems.push(`${n}: ${entry} loads '${p}', which package.json does not list`);
      else if (origin.omitDev) problems.push(`${n}: ${entry} loads the devDependency '${p}', but target '${target}' installs production dependencies only`);
    }
  }
  return problems;
}

export function checkNonRoot(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    const target = buildTarget(s);
    if (!target || !ctx.stages.has(target)) continue;
    const user = s.user ?? effective(ctx.stages, target, 'user');
    const root = !user || /^(root|0)(:.*)?$/.test(user);
    if (root && !(s.user && isOneShot(s) && s.profiles?.includes('init'))) problems.push(`${n}: runs as ${user ?? 'root (no USER)'}; long-running services run as a non-root user`);
  }
  return problems;
}

const semver = (v: string) => v.split('.').map(Number) as [number, number, number];
const atLeast = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return true;
};

export function checkImagePins(ctx: Ctx): string[] {
  const problems: string[] = [];
  const engines = /(\d+)\.(\d+)\.(\d+)/.exec(ctx.packageJson.engines?.node ?? '');
  for (const st of ctx.stages.values()) {
    if (ctx.stages.has(st.from)) continue;
    const m = /^node:(\d+)\.(\d+)\.(\d+)(-[a-z0-9.-]+)?$/.exec(st.from);
    if (!m) {
      problems.push(`Dockerfile stage ${st.name}: base image '${st.from}' is not a pinned node:<major>.<minor>.<patch> tag`);
      continue;
    }
    if (engines && m[1] !== engines[1]) problems.push(`Dockerfile stage ${st.name}: Node ${m[1]} but package.json engines asks for Node ${engines[1]}`);
    if (engines && !atLeast(`${m[1]}.${m[2]}.${m[3]}`, `${engines[1]}.${engines[2]}.${engines[3]}`)) problems.push(`Dockerfile stage ${st.name}: Node ${m[1]}.${m[2]}.${m[3]} is older than engines ${ctx.packageJson.engines?.node}`);
    if (/alpine/.test(m[4] ?? '')) problems.push(`Dockerfile stage ${st.name}: Alpine (musl) — the Temporal SDK's native core needs glibc`);
    // Production runs the Node that the local commands, the suite and the benchmarks ran on.
    const local = ctx.packageJson.devDependencies?.node;
    const image = `${m[1]}.${m[2]}.${m[3]}`;
    if (local && image !== local) problems.push(`Dockerfile stage ${st.name}: Node ${image}, but the local commands run Node ${local} (package.json devDependencies.node)`);
  }
  const tags: Record<string, string> = {};
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    if (!s.image || s.build) continue;
    const m = /^([^:@]+)(?::([^@]+))?$/.exec(s.image);
    const tag = m?.[2];
    if (!tag || tag === 'latest' || !/\d+\.\d+/.test(tag)) problems.push(`${n}: image '${s.image}' is not pinned to a version`);
    if (m?.[1]?.startsWith('temporalio/') && tag) tags[m[1]] = tag;
  }
  if (tags['temporalio/server'] !== tags['temporalio/admin-tools']) problems.push(`temporalio/server ${tags['temporalio/server']} and temporalio/admin-tools ${tags['temporalio/admin-tools']} differ: the schema tool must match the server`);
  return problems;
}

export function checkDockerignore(text: string): string[] {
  const lines = new Set(text.split('\n').map((l) => l.trim().replace(/^\/|\/$/g, '')).filter((l) => l && !l.startsWith('#')));
  return ['node_modules', '.local', '.cache', 'dist', 'deploy/secrets', '.git', 'test'].filter((p) => !lines.has(p)).map((p) => `.dockerignore does not exclude ${p}`);
}

// ---- environment --------------------------------------------------------------------------------

/** Variables whose removal changes nothing the process loads (unread), among those not in its schema. */
function unreadVariables(env: Record<string, string>, load: (env: Record<string, string>) => unknown, schemaKeys: readonly string[]): string[] {
  const base = load(env);
  return Object.keys(env).filter((k) => {
    if (schemaKeys.includes(k)) return false;
    const without = { ...env };
    delete without[k];
    try {
      return isDeepStrictEqual(load(without), base);
    } catch {
      return false; // refused without it: it is read
    }
  });
}

/** Our processes: every variable is read, and the process would start with these values. */
export function checkProcessEnvironments(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const p of ['worker', 'gateway'] as const) {
    const load = ctx.loaders[p];
    if (!load) continue;
    for (const n of servicesRunning(ctx, p)) {
      const env = hostEnv(ctx, n);
      try {
        load(env);
      } catch (err) {
        problems.push(`${n}: ${PROCESSES[p]} would refuse this environment: ${(err as Error).message}`);
        continue;
      }
      for (const k of unreadVariables(env, load, ctx.schemaKeys[p] ?? [])) problems.push(`${n}: ${k} is not read by ${PROCESSES[p]} (not in its schema, and without it the configuration is the same)`);
    }
  }
  for (const [p, prefix] of [['occto-sim', 'OCCTO_SIM_'], ['takusou-sim', 'TAKUSOU_SIM_']] as const) {
    const known = simulatorEnv(join(ROOT, PROCESSES[p]), prefix);
    for (const n of servicesRunning(ctx, p)) {
      for (const [k, v] of Object.entries(envOf(svc(ctx, n)!))) {
        const perCompany = new RegExp(`^${prefix}\\d{5}_(.+)$`).exec(k);
        const kind = known.names.get(k);
        if (!kind && !(perCompany && known.perCompany.has(perCompany[1]!))) problems.push(`${n}: ${k} is not read by ${PROCESSES[p]}`);
        if (kind === 'int' && !/^\d+$/.test(v)) problems.push(`${n}: ${k} must be a non-negative integer (got '${v}')`);
      }
    }
  }
  for (const n of servicesRunning(ctx, 'dev-secrets')) {
    const src = readFileSync(join(ROOT, PROCESSES['dev-secrets']), 'utf8');
    for (const k of Object.keys(envOf(svc(ctx, n)!))) if (!src.includes(`process.env.${k}`)) problems.push(`${n}: ${k} is not read by ${PROCESSES['dev-secrets']}`);
  }
  return problems;
}

/** Third-party images: variables from their documentation, or read by our script the service runs. */
export function checkImageEnvironments(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    if (s.build || !s.image) continue;
    const image = s.image.split(':')[0]!;
    const known = image === 'temporalio/server' ? TEMPORAL_SERVER_ENV : image === 'temporalio/ui' ? TEMPORAL_UI_ENV : image === 'postgres' ? POSTGRES_ENV : new Set<string>();
    const script = argv(s.entrypoint).concat(argv(s.command)).find((a) => a.endsWith('.sh'));
    let scriptText = '';
    if (script) {
      const bind = mountsOf(s).find((m) => m.source.startsWith('.') && script.startsWith(`${m.target}/`));
      const file = bind && hostPath(ctx, bind.source + script.slice(bind.target.length));
      if (!file || !existsSync(file)) problems.push(`${n}: runs ${script}, which no bind mount of the repository provides`);
      else scriptText = readFileSync(file, 'utf8');
    }
    for (const k of Object.keys(envOf(s))) {
      if (known.has(k) || new RegExp(`\\$\\{?${k}\\b`).test(scriptText)) continue;
      problems.push(`${n}: ${k} is not a variable of ${image}${script ? ` nor read by ${script}` : ''}`);
    }
  }
  return problems;
}

/** Every *_FILE / file path a service is given exists in its container: a secret, a config, a mount, or the image's build output. */
export function checkFiles(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    for (const x of secretNames(s)) if (!ctx.compose.secrets?.[x]) problems.push(`${n}: secret '${x}' is not defined under top-level secrets`);
    for (const c of s.configs ?? []) {
      const name = typeof c === 'string' ? c : c.source;
      if (!ctx.compose.configs?.[name]) problems.push(`${n}: config '${name}' is not defined under top-level configs`);
    }
    const files = mountedFiles(s);
    const mounts = mountsOf(s);
    const target = buildTarget(s);
    const imageDist = target && ctx.stages.has(target) && builtPaths(ctx.stages, target).dist;
    for (const [k, v] of Object.entries(envOf(s))) {
      if (!/(_FILE|_DIR|_PATH|_BUNDLE)$/.test(k) || !v.startsWith('/')) continue;
      if (files.has(v)) continue;
      const mount = mounts.find((m) => v === m.target || v.startsWith(`${m.target}/`));
      if (mount) {
        if (mount.source.startsWith('.') && !existsSync(hostPath(ctx, mount.source + v.slice(mount.target.length)))) problems.push(`${n}: ${k}=${v} is not in ${mount.source}`);
        continue;
      }
      if (imageDist && v.startsWith('/app/dist/')) {
        if (v === '/app/dist/workflow-bundle.js' && !readFileSync(join(ROOT, 'scripts/bundle-workflows.ts'), 'utf8').includes("'../dist/workflow-bundle.js'")) problems.push(`${n}: ${k}=${v} but scripts/bundle-workflows.ts writes elsewhere`);
        continue;
      }
      problems.push(`${n}: ${k}=${v} is neither a secret, a config nor a mount of the service`);
    }
  }
  for (const [kind, defs] of [['secret', ctx.compose.secrets], ['config', ctx.compose.configs]] as const) {
    for (const [name, d] of Object.entries(defs ?? {})) {
      if (!d.file) problems.push(`${kind} '${name}': only file-based ${kind}s are used`);
      else if (kind === 'secret' && !posix.normalize(d.file.replace(/^\.\//, '')).startsWith('deploy/secrets/')) problems.push(`secret '${name}': ${d.file} is outside deploy/secrets/ (git- and docker-ignored)`);
      else if (!existsSync(hostPath(ctx, d.file))) problems.push(`${kind} '${name}': ${d.file} is not among the files dev-secrets writes`);
    }
  }
  return problems;
}

const SECRET_NAME = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|PRIVATE|_KEYS?|API_KEYS?)$/;
/** Not secrets although named like one: a key ID, and the UI's switch for passing the user's token. */
const NOT_SECRET = new Set(['DENKI_PAYLOAD_ACTIVE_KEY', 'TEMPORAL_CODEC_PASS_ACCESS_TOKEN']);

/** A PEM block, or a long random-looking token (base64 of a key, an API key) — not a path or URL. */
const looksLikeKeyMaterial = (v: string) =>
  /-----BEGIN/.test(v) || (!v.startsWith('/') && !v.includes('://') && (v.match(/[A-Za-z0-9+/_-]{32,}={0,2}/g) ?? []).some((t) => /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t)));

export function checkNoInlineSecrets(ctx: Ctx): string[] {
  const problems: string[] = [];
  for (const [n, s] of Object.entries(ctx.compose.services ?? {})) {
    for (const [k, v] of Object.entries(envOf(s))) {
      if (SECRET_NAME.test(k) && !NOT_SECRET.has(k)) problems.push(`${n}: ${k} holds a secret inline; give ${k}_FILE and a compose secret`);
      if (looksLikeKeyMaterial(v)) problems.push(`${n}: ${k} looks like key material inline`);
    }
  }
  return problems;
}

// ---- wiring: ports, addresses, names ---------------------------------------------------------------

const url = (v: string | undefined): URL | undefined => {
  try {
    return v ? new URL(v) : undefined;
  } catch {
    return undefined;
  }
};
const portOfUrl = (u: URL) => Number(u.port || (u.protocol === 'https:' ? 443 : 80));
/** The port a healthcheck fetches or probes. */
const healthPort = (s: Service): number | undefined => {
  const t = argv(s.healthcheck?.test).join(' ');
  const m = /(?:127\.0\.0\.1|localhost):(\d+)/.exec(t) ?? /\bnc\b.*\s(\d+)$/.exec(t);
  return m ? Number(m[1]) : undefined;
};

export function checkPorts(ctx: Ctx): string[] {
  const problems: string[] = [];
  const c = ctx.compose.services ?? {};
  for (const [n, s] of Object.entries(c)) {
    const allowed = PUBLISHED[n as keyof typeof PUBLISHED] as readonly (number | string)[] | undefined;
    for (const p of portsOf(s)) {
      if (!allowed) problems.push(`${n}: publishes port ${p.target}; only ${Object.keys(PUBLISHED).join(', ')} are for people`);
      if (p.hostIp !== '127.0.0.1') problems.push(`${n}: port ${p.target} is published on ${p.hostIp ?? 'every interface'}, not 127.0.0.1`);
      if (p.published === undefined) problems.push(`${n}: port ${p.target} has no fixed published port`);
    }
    if (allowed) {
      const env = envOf(s);
      for (const a of allowed) {
        const want = typeof a === 'number' ? a : Number(env[a] ?? NaN);
        if (!portsOf(s).some((p) => p.target === want)) problems.push(`${n}: publishes no port with target ${want}${typeof a === 'string' ? ` (${a})` : ''}`);
      }
    }
  }
  const gw = c.gateway && envOf(c.gateway);
  if (gw) {
    if (gw.GATEWAY_HOST !== '0.0.0.0') problems.push(`gateway: GATEWAY_HOST must be 0.0.0.0 in a container (got ${gw.GATEWAY_HOST ?? 'the default 127.0.0.1'})`);
    if (healthPort(c.gateway!) !== Number(gw.GATEWAY_PORT)) problems.push(`gateway: the healthcheck probes port ${healthPort(c.gateway!)}, GATEWAY_PORT is ${gw.GATEWAY_PORT}`);
  }
  for (const n of servicesRunning(ctx, 'worker')) {
    const env = envOf(c[n]!);
    const m = /:(\d+)$/.exec(env.METRICS_ADDRESS ?? '');
    if (!m) problems.push(`${n}: METRICS_ADDRESS is not set (the healthcheck and Prometheus read /metrics)`);
    else {
      if (healthPort(c[n]!) !== Number(m[1])) problems.push(`${n}: the healthcheck probes port ${healthPort(c[n]!)}, METRICS_ADDRESS is ${env.METRICS_ADDRESS}`);
      if (!/^(0\.0\.0\.0|\[::\]):/.test(env.METRICS_ADDRESS!)) problems.push(`${n}: METRICS_ADDRESS ${env.METRICS_ADDRESS} is not reachable by a Prometheus in another container`);
    }
  }
  for (const [p, prefix] of [['occto-sim', 'OCCTO_SIM_'], ['takusou-sim', 'TAKUSOU_SIM_']] as const) {
    for (const n of servicesRunning(ctx, p)) {
      const env = envOf(c[n]!);
      if (env[`${prefix}HOST`] !== '0.0.0.0') problems.push(`${n}: ${prefix}HOST must be 0.0.0.0 so the workers can reach it (got ${env[`${prefix}HOST`] ?? 'the default 127.0.0.1'})`);
      if (!env[`${prefix}PORT`] || env[`${prefix}PORT`] === '0') problems.push(`${n}: ${prefix}PORT must be fixed`);
      if (healthPort(c[n]!) !== Number(env[`${prefix}ADMIN_PORT`])) problems.push(`${n}: the healthcheck probes port ${healthPort(c[n]!)}, ${prefix}ADMIN_PORT is ${env[`${prefix}ADMIN_PORT`]}`);
    }
  }
  const ui = c['temporal-ui'];
  if (ui) {
    const uiPort = Number(envOf(ui).TEMPORAL_UI_PORT ?? 8080);
    if (!portsOf(ui).some((p) => p.target === uiPort)) problems.push(`temporal-ui: no published port targets TEMPORAL_UI_PORT ${uiPort}`);
  }
  return problems;
}

export function checkAddresses(ctx: Ctx): string[] {
  const problems: string[] = [];
  const c = ctx.compose.services ?? {};
  const temporalPort = c.temporal ? Number(envOf(c.temporal).FRONTEND_GRPC_PORT ?? 7233) : undefined;
  const frontend = `temporal:${temporalPort}`;
  for (const [n, s] of Object.entries(c)) {
    const a = envOf(s).TEMPORAL_ADDRESS;
    if (a !== undefined && a !== frontend) problems.push(`${n}: TEMPORAL_ADDRESS is ${a}, the frontend is ${frontend} (service temporal)`);
  }
  for (const n of [...servicesRunning(ctx, 'worker'), ...servicesRunning(ctx, 'gateway')]) {
    if (envOf(c[n]!).TEMPORAL_ADDRESS === undefined) problems.push(`${n}: TEMPORAL_ADDRESS is not set (the default localhost:7233 is the container itself)`);
  }

  // Namespace: created by temporal-setup, used by workers and gateway, opened by the Web UI.
  const ns = c['temporal-setup'] && envOf(c['temporal-setup']).DENKI_NAMESPACE;
  for (const n of [...servicesRunning(ctx, 'worker'), ...servicesRunning(ctx, 'gateway')]) {
    const v = envOf(c[n]!).TEMPORAL_NAMESPACE ?? 'default';
    if (v !== ns) problems.push(`${n}: TEMPORAL_NAMESPACE is ${v}, temporal-setup creates ${ns}`);
  }
  if (c['temporal-ui'] && (envOf(c['temporal-ui']).TEMPORAL_DEFAULT_NAMESPACE ?? 'default') !== ns) problems.push(`temporal-ui: TEMPORAL_DEFAULT_NAMESPACE is not ${ns}`);

  // The Web UI's codec endpoint, called by the browser: the gateway's published port, path /codec.
  const ui = c['temporal-ui'] && envOf(c['temporal-ui']);
  const gw = c.gateway;
  if (ui && gw) {
    const codec = url(ui.TEMPORAL_CODEC_ENDPOINT);
    const gwPort = Number(envOf(gw).GATEWAY_PORT ?? 8080);
    const published = portsOf(gw).find((p) => p.target === gwPort)?.published;
    if (!codec) problems.push(`temporal-ui: TEMPORAL_CODEC_ENDPOINT is not a URL (${ui.TEMPORAL_CODEC_ENDPOINT})`);
    else {
      if (!['localhost', '127.0.0.1'].includes(codec.hostname)) problems.push(`temporal-ui: TEMPORAL_CODEC_ENDPOINT host ${codec.hostname} is not what the browser reaches (localhost)`);
      if (portOfUrl(codec) !== published) problems.push(`temporal-ui: TEMPORAL_CODEC_ENDPOINT port ${portOfUrl(codec)} is not the gateway's published port ${published}`);
      if (codec.pathname.replace(/\/$/, '') !== '/codec') problems.push(`temporal-ui: TEMPORAL_CODEC_ENDPOINT path is ${codec.pathname}, the gateway serves the codec under /codec`);
    }
    if (ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS !== 'true') problems.push('temporal-ui: TEMPORAL_CODEC_INCLUDE_CREDENTIALS must be true (the codec endpoint authenticates by a session cookie)');
    const uiPublished = portsOf(c['temporal-ui']!).find((p) => p.target === Number(ui.TEMPORAL_UI_PORT ?? 8080))?.published;
    const origins = (envOf(gw).GATEWAY_CODEC_CORS_ORIGINS ?? '').split(',').map((o) => o.trim());
    if (!origins.includes(`http://localhost:${uiPublished}`)) problems.push(`gateway: GATEWAY_CODEC_CORS_ORIGINS lacks the Web UI's origin http://localhost:${uiPublished}`);
  }

  // External systems: the simulators' service names, ports and paths.
  for (const n of servicesRunning(ctx, 'worker')) {
    const env = envOf(c[n]!);
    for (const [varName, p, prefix, path] of [['OCCTO_ENDPOINT', 'occto-sim', 'OCCTO_SIM_', SOAP_ENDPOINT_PATH], ['TAKUSOU_BASE_URL', 'takusou-sim', 'TAKUSOU_SIM_', TAKUSOU_BASE_PATH]] as const) {
      const u = url(env[varName]);
      if (!u) {
        problems.push(`${n}: ${varName} is not a URL`);
        continue;
      }
      const sim = c[u.hostname];
      if (!sim || processOf(ctx, u.hostname) !== p) {
        problems.push(`${n}: ${varName} host ${u.hostname} is not a service running ${PROCESSES[p]}`);
        continue;
      }
      if (portOfUrl(u) !== Number(envOf(sim)[`${prefix}PORT`])) problems.push(`${n}: ${varName} port ${portOfUrl(u)} is not ${u.hostname}'s ${prefix}PORT ${envOf(sim)[`${prefix}PORT`]}`);
      if (u.pathname !== path) problems.push(`${n}: ${varName} path ${u.pathname} is not ${path}`);
    }
  }
  return problems;
}

/** Companies: the workers', the OCCTO simulator's, the dev certificates' and the dynamic config's agree; the PKI names the simulators. */
export function checkCompanies(ctx: Ctx): string[] {
  const problems: string[] = [];
  const c = ctx.compose.services ?? {};
  const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const workers = servicesRunning(ctx, 'worker').map((n) => list(envOf(c[n]!).DENKI_COMPANIES).join(','));
  const companies = workers[0] ?? '';
  for (const w of workers) if (w !== companies) problems.push(`workers disagree on DENKI_COMPANIES (${workers.join(' / ')})`);
  for (const n of servicesRunning(ctx, 'occto-sim')) if (list(envOf(c[n]!).OCCTO_SIM_COMPANIES).join(',') !== companies) problems.push(`${n}: OCCTO_SIM_COMPANIES is not the workers' DENKI_COMPANIES ${companies}`);
  for (const n of servicesRunning(ctx, 'dev-secrets')) {
    const env = envOf(c[n]!);
    if (list(env.DENKI_COMPANIES).join(',') !== companies) problems.push(`${n}: DENKI_COMPANIES is not the workers' ${companies} (no client certificate for the others)`);
    const names = list(env.DEV_PKI_SERVER_NAMES);
    for (const w of servicesRunning(ctx, 'worker')) {
      for (const v of ['OCCTO_ENDPOINT', 'TAKUSOU_BASE_URL']) {
        const host = url(envOf(c[w]!)[v])?.hostname;
        if (host && !names.includes(host)) problems.push(`${n}: DEV_PKI_SERVER_NAMES lacks ${host} (${w}'s ${v}): TLS would refuse the simulator's certificate`);
      }
    }
  }
  return problems;
}

// ---- Temporal: search attributes, dynamic config ---------------------------------------------------

export function checkSearchAttributes(ctx: Ctx): string[] {
  const problems: string[] = [];
  const setup = ctx.compose.services?.['temporal-setup'];
  const spec = setup ? envOf(setup).DENKI_SEARCH_ATTRIBUTES : undefined;
  if (!spec) return ['temporal-setup: DENKI_SEARCH_ATTRIBUTES is not set'];
  const registered = new Map<string, string>();
  for (const entry of spec.split(/\s+/).filter(Boolean)) {
    const [name, type, ...rest] = entry.split('=');
    if (!name || !type || rest.length) problems.push(`temporal-setup: '${entry}' is not Name=Type`);
    else if (registered.has(name)) problems.push(`temporal-setup: ${name} is listed twice`);
    else registered.set(name, type);
  }
  const wanted = new Map(SEARCH_ATTRIBUTES.map((k) => [k.name, TypedSearchAttributes.toMetadataType(k.type)]));
  for (const [name, type] of wanted) {
    if (!registered.has(name)) problems.push(`temporal-setup: ${name} (${type}) of workflows/search-attributes.ts is not registered`);
    else if (registered.get(name) !== type) problems.push(`temporal-setup: ${name} is registered as ${registered.get(name)}, the workflows set a ${type}`);
  }
  for (const name of registered.keys()) if (!wanted.has(name)) problems.push(`temporal-setup: ${name} is not in workflows/search-attributes.ts`);
  const perType = new Map<string, number>();
  for (const t of registered.values()) perType.set(t, (perType.get(t) ?? 0) + 1);
  for (const [t, count] of perType) {
    if (!(t in SQL_VISIBILITY_SLOTS)) problems.push(`temporal-setup: ${t} is not a search attribute type`);
    else if (count > SQL_VISIBILITY_SLOTS[t]!) problems.push(`temporal-setup: ${count} ${t} attributes, but PostgreSQL visibility has ${SQL_VISIBILITY_SLOTS[t]} ${t} columns per namespace`);
  }
  return problems;
}

/** The dynamic config file the temporal service reads (host path), through its bind mount. */
export function dynamicConfigFile(ctx: Ctx): string | undefined {
  const t = ctx.compose.services?.temporal;
  const p = t && envOf(t).DYNAMIC_CONFIG_FILE_PATH;
  if (!t || !p) return undefined;
  const abs = p.startsWith('/') ? p : `/etc/temporal/${p}`;
  const bind = mountsOf(t).find((m) => m.source.startsWith('.') && abs.startsWith(`${m.target}/`));
  return bind && hostPath(ctx, bind.source + abs.slice(bind.target.length));
}

interface DcEntry {
  value: unknown;
  constraints?: Record<string, unknown>;
}

export function checkDynamicConfig(ctx: Ctx, text?: string): string[] {
  const problems: string[] = [];
  const file = dynamicConfigFile(ctx);
  if (text === undefined) {
    if (!file || !existsSync(file)) return [`temporal: DYNAMIC_CONFIG_FILE_PATH names no file of the repository (${file ?? 'unset or not mounted'})`];
    text = readFileSync(file, 'utf8');
  }
  const dc = (parse(text) ?? {}) as Record<string, DcEntry[]>;
  const workers = servicesRunning(ctx, 'worker');
  const companies = workers.flatMap((n) => (envOf(ctx.compose.services[n]!).DENKI_COMPANIES ?? '').split(',').map((x) => x.trim()).filter(Boolean));
  // The dev server's single-partition values (scripts/dev-server-args.ts) must hold for every occto.<company> queue.
  const devValues = new Map<string, string>();
  for (let i = 0; i < SINGLE_PARTITION_ARGS.length; i += 2) {
    const [k, v] = SINGLE_PARTITION_ARGS[i + 1]!.split('=') as [string, string];
    devValues.set(k, v);
  }
  for (const [key, value] of devValues) {
    const entries = dc[key];
    if (!Array.isArray(entries)) {
      problems.push(`dynamic config: ${key} is not set`);
      continue;
    }
    for (const e of entries) {
      const cons = e.constraints ?? {};
      if (Object.keys(cons).length === 0) problems.push(`dynamic config: ${key} has an entry without constraints (it would apply to every task queue)`);
      for (const k of Object.keys(cons)) if (!['taskQueueName', 'namespace', 'taskQueueType'].includes(k)) problems.push(`dynamic config: ${key} constraint '${k}' is not a task queue constraint`);
    }
    for (const code of new Set(companies)) {
      const q = occtoTaskQueue(code);
      const hits = entries.filter((e) => e.constraints?.taskQueueName === q && e.constraints.taskQueueType === undefined);
      if (hits.length !== 1) problems.push(`dynamic config: ${key} needs exactly one entry for ${q} (found ${hits.length})`);
      else if (String(hits[0]!.value) !== value) problems.push(`dynamic config: ${key} for ${q} is ${String(hits[0]!.value)}, must be ${value} (scripts/dev-server-args.ts)`);
    }
  }
  for (const key of ['frontend.enableUpdateWorkflowExecution']) {
    const entries = dc[key];
    if (Array.isArray(entries) && entries.some((e) => e.value === false)) problems.push(`dynamic config: ${key} is off, but decisions are Workflow Updates`);
  }
  return problems;
}

// ---- scale-out rules, health --------------------------------------------------------------------------

export function checkTakusouShares(ctx: Ctx): string[] {
  const problems: string[] = [];
  let total = 0;
  const parts: string[] = [];
  for (const n of servicesRunning(ctx, 'worker')) {
    const s = ctx.compose.services[n]!;
    const env = envOf(s);
    if (!env.TAKUSOU_BASE_URL) continue;
    const share = env.TAKUSOU_CONCURRENCY_SHARE === undefined ? 8 : Number(env.TAKUSOU_CONCURRENCY_SHARE);
    const replicas = s.deploy?.replicas ?? 1;
    if (!Number.isInteger(share) || share < 1 || share > 8) problems.push(`${n}: TAKUSOU_CONCURRENCY_SHARE ${env.TAKUSOU_CONCURRENCY_SHARE} is not 1–8`);
    total += share * replicas;
    parts.push(`${n} ${replicas} × ${share}`);
  }
  if (total > 8) problems.push(`たくそう君 requests in flight could reach ${total} (${parts.join(' + ')}); the cap is 8 over all worker processes`);
  return problems;
}

export function checkHealth(ctx: Ctx): string[] {
  const problems: string[] = [];
  const c = ctx.compose.services ?? {};
  /** Third-party UI image: no tool to probe with is documented, and nothing waits for it. */
  const noHealthcheck = new Set(['temporal-ui']);
  for (const [n, s] of Object.entries(c)) {
    if (!isOneShot(s) && !noHealthcheck.has(n) && (!s.healthcheck || s.healthcheck.disable)) problems.push(`${n}: a long-running service without a healthcheck`);
    if (!isOneShot(s) && s.restart !== 'unless-stopped' && s.restart !== 'always') problems.push(`${n}: restart is ${s.restart ?? 'no'}; long-running services restart`);
    for (const [d, cond] of Object.entries(dependsOn(s))) {
      const dep = c[d];
      if (!dep) {
        problems.push(`${n}: depends on ${d}, which is not a service`);
        continue;
      }
      if (dep.profiles?.length && !(s.profiles ?? []).some((p) => dep.profiles!.includes(p))) problems.push(`${n}: depends on ${d}, which only runs in profile ${dep.profiles.join(', ')}`);
      const want = isOneShot(dep) ? 'service_completed_successfully' : dep.healthcheck ? 'service_healthy' : 'service_started';
      if (cond !== want) problems.push(`${n}: depends on ${d} with ${cond}; ${d} ${isOneShot(dep) ? 'is a one-shot' : 'has a healthcheck'}, so ${want}`);
    }
  }
  // No cycles: every service can start.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      problems.push(`depends_on cycle: ${[...path, n].join(' → ')}`);
      return;
    }
    state.set(n, 'visiting');
    for (const d of Object.keys(dependsOn(c[n] ?? {}))) if (c[d]) visit(d, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of Object.keys(c)) visit(n, []);
  // Our services wait for the namespace and search attributes before they start.
  for (const n of [...servicesRunning(ctx, 'worker'), ...servicesRunning(ctx, 'gateway')]) {
    if (dependsOn(c[n]!)['temporal-setup'] !== 'service_completed_successfully') problems.push(`${n}: does not wait for temporal-setup (namespace and search attributes)`);
  }
  return problems;
}

export function allChecks(ctx: Ctx, dockerignore: string): string[] {
  return [
    ...checkServices(ctx),
    ...checkEntryPoints(ctx),
    ...checkImageDependencies(ctx),
    ...checkNonRoot(ctx),
    ...checkImagePins(ctx),
    ...checkDockerignore(dockerignore),
    ...checkProcessEnvironments(ctx),
    ...checkImageEnvironments(ctx),
    ...checkFiles(ctx),
    ...checkNoInlineSecrets(ctx),
    ...checkPorts(ctx),
    ...checkAddresses(ctx),
    ...checkCompanies(ctx),
    ...checkSearchAttributes(ctx),
    ...checkDynamicConfig(ctx),
    ...checkTakusouShares(ctx),
    ...checkHealth(ctx),
  ];
}
