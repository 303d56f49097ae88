// The dependency rule (docs/architecture.md §2.2), checked by `npm test` (`npm run deps`) and by
// test/unit/dependency-rule.test.ts, which shows each rule failing on a forbidden import.
//
// Each external system has its own folder, systems/<name>/, holding its layers (domain/,
// activities/, workflows/, simulator/, client/, gateway/, test/); the shared layers sit at the top.
// A layer is the same layer wherever it sits:
//   domain/      pure business rules                                 imports nothing of ours above domain/
//   platform/    Temporal plumbing: connection, data converter,      domain/
//                payload codec, logging, metrics, schedules
//   protocols/   wire plumbing shared by clients and simulators      domain/
//                (SOAP envelopes and faults, attachments)
//   workflows/   deterministic lifecycles                            domain/, workflows/, activity contracts
//   activities/  the only code that talks to the outside             domain/, platform/, protocols/, activities/, workflow definitions
//   worker/      the worker process                                  all of the above, never the client side
//   client/, systems/*/client/, systems/*/gateway/                   domain/, platform/, workflow definitions, never worker/
//   simulators/, systems/*/simulator/  fakes of the external systems domain/, protocols/, simulators/, the system's provisional wire format
// scripts/, bench/, test/, deploy/ and systems/*/test/ compose everything and are imported by nothing
// else. A system never imports another system. Type-only imports count too, except where noted.

// Each layer by its folder at the top and inside a system. One regular expression per rule, with a
// single repetition: dependency-cruiser refuses patterns it cannot prove safe.
const LAYERS = {
  domain: { top: ['domain'], sys: ['domain'] },
  platform: { top: ['platform'], sys: [] },
  protocols: { top: ['protocols'], sys: [] },
  workflows: { top: ['workflows'], sys: ['workflows'] },
  activities: { top: ['activities'], sys: ['activities'] },
  worker: { top: ['worker'], sys: [] },
  client: { top: ['client'], sys: ['client', 'gateway'] },
  simulators: { top: ['simulators'], sys: ['simulator'] },
  composers: { top: ['scripts', 'bench', 'test', 'deploy'], sys: ['test'] },
};
/** The paths of any of the named layers. */
function any(...names) {
  const top = names.flatMap((n) => LAYERS[n].top);
  const sys = names.flatMap((n) => LAYERS[n].sys);
  const parts = [];
  if (top.length) parts.push(`(${top.join('|')})/`);
  if (sys.length) parts.push(`systems/[^/]+/(${[...new Set(sys)].join('|')})/`);
  return `^(${parts.join('|')})`;
}
const L = Object.fromEntries(Object.keys(LAYERS).map((n) => [n, any(n)]));
/** Workflow modules other code may import: message and type definitions, not workflow code. */
const WORKFLOW_DEFINITIONS = String.raw`^(workflows|systems/[^/]+/workflows)/(.+\.defs\.ts|search-attributes\.ts|shared/messages\.ts)$`;
/** Activity contracts: types and failure names, workflow-safe. */
const ACTIVITY_CONTRACTS = String.raw`^(activities/[^/]+|systems/[^/]+/activities)/contract\.ts$`;
/** A system's provisional wire format, shared by its client and its simulator. */
const WIRE_FORMATS = String.raw`^systems/[^/]+/activities/provisional-wire-format\.ts$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle: split the shared part into a module both can import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'systems-are-independent',
      comment: 'A system is one folder: it shares only the top-level layers with the others, never their code.',
      severity: 'error',
      from: { path: '^systems/([^/]+)/' },
      to: { path: '^systems/', pathNot: '^systems/$1/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure business rules; it imports nothing of ours outside domain/.',
      severity: 'error',
      from: { path: L.domain },
      to: { path: any('platform', 'protocols', 'workflows', 'activities', 'worker', 'client', 'simulators', 'composers') },
    },
    {
      name: 'shared-domain-knows-no-system',
      comment: "The shared domain/ serves every system; a system's rules live in its own domain/.",
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^systems/' },
    },
    {
      name: 'platform-is-neutral',
      comment: 'platform/ is the Temporal plumbing every process shares; it knows no lifecycle, system or process.',
      severity: 'error',
      from: { path: L.platform },
      to: { path: any('protocols', 'workflows', 'activities', 'worker', 'client', 'simulators', 'composers') },
    },
    {
      name: 'protocols-are-neutral',
      comment: 'protocols/ is wire plumbing any system may use; it knows no system, lifecycle or process.',
      severity: 'error',
      from: { path: L.protocols },
      to: { path: any('platform', 'workflows', 'activities', 'worker', 'client', 'simulators', 'composers') },
    },
    {
      name: 'workflows-stay-deterministic',
      comment: 'Workflow code imports domain/, other workflow code and activity contracts (types, failure names) only.',
      severity: 'error',
      from: { path: L.workflows },
      to: { path: any('platform', 'protocols', 'worker', 'client', 'simulators', 'composers') },
    },
    {
      name: 'workflows-import-activity-contracts-only',
      comment: 'Activities run in the worker, not the sandbox: a workflow imports their contract.ts, or their types.',
      severity: 'error',
      from: { path: L.workflows },
      to: { path: L.activities, pathNot: ACTIVITY_CONTRACTS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-below-processes',
      comment: 'Activities are used by the worker; they never import the worker, the client or workflow code.',
      severity: 'error',
      from: { path: L.activities },
      to: { path: any('worker', 'client', 'simulators', 'composers') },
    },
    {
      name: 'activities-import-workflow-definitions-only',
      comment: 'An activity that signals a workflow imports its message definitions (*.defs.ts), not its code.',
      severity: 'error',
      from: { path: L.activities },
      to: { path: L.workflows, pathNot: WORKFLOW_DEFINITIONS },
    },
    {
      name: 'worker-and-client-are-apart',
      comment: 'The worker process and the client library share platform/, never each other.',
      severity: 'error',
      from: { path: L.worker },
      to: { path: any('client', 'simulators', 'composers') },
    },
    {
      name: 'client-and-worker-are-apart',
      comment: 'The client library, gateway and CLI share platform/ with the worker, never the worker itself.',
      severity: 'error',
      from: { path: L.client },
      to: { path: any('worker', 'simulators', 'composers') },
    },
    {
      name: 'client-uses-workflow-definitions',
      comment: 'Clients start and message workflows by their definitions; workflow code is only named by type.',
      severity: 'error',
      from: { path: L.client },
      to: { path: L.workflows, pathNot: WORKFLOW_DEFINITIONS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'client-uses-activity-contracts-only',
      comment: 'A client never runs activities; it may name their contract (failure types).',
      severity: 'error',
      from: { path: L.client },
      to: { path: L.activities, pathNot: ACTIVITY_CONTRACTS },
    },
    {
      name: 'simulators-share-the-wire-format-only',
      comment: 'A simulator stands in for the external system: it shares the provisional wire format with the client and nothing else of ours above domain/ and protocols/.',
      severity: 'error',
      from: { path: L.simulators },
      to: { path: any('platform', 'workflows', 'activities', 'worker', 'client', 'composers'), pathNot: WIRE_FORMATS },
    },
    {
      name: 'nothing-imports-the-composers',
      comment: 'scripts/, bench/, test/ and deploy/ compose the program; the program never imports them.',
      severity: 'error',
      from: { pathNot: L.composers },
      to: { path: L.composers },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.cache|\\.local|bench/out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
