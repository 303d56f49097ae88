// The dependency rule (docs/architecture.md §2.2), checked by `npm test` (`npm run deps`) and by
// test/unit/dependency-rule.test.ts, which shows each rule failing on a forbidden import.
//
//   domain/     pure business rules                                  imports nothing of ours
//   platform/   Temporal plumbing: connection, data converter,       domain/
//               payload codec, logging, metrics, schedules
//   protocols/  wire plumbing shared by clients and simulators       domain/
//               (SOAP envelopes and faults)
//   workflows/  deterministic lifecycles                             domain/, workflows/, activity contracts
//   activities/ the only code that talks to the outside              domain/, platform/, activities/, workflow message definitions
//   worker/     the worker process                                   all of the above, never client/
//   client/     library, gateway, CLI                                domain/, platform/, workflow definitions, never worker/
//   simulators/ fakes of the external systems                        domain/, protocols/, simulators/, the provisional wire formats
// scripts/, bench/, test/ and deploy/ compose everything and are imported by nothing else.
// Type-only imports count too (they are part of a module's interface), except where noted.

/** Workflow modules other code may import: message and type definitions, not workflow code. */
const WORKFLOW_DEFINITIONS = String.raw`^workflows/(.+\.defs\.ts|search-attributes\.ts|shared/messages\.ts)$`;

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
      name: 'domain-is-pure',
      comment: 'domain/ holds pure business rules; it imports nothing of ours outside domain/.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: '^(platform|protocols|workflows|activities|worker|client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'platform-is-neutral',
      comment: 'platform/ is the Temporal plumbing every process shares; it knows no lifecycle, system or process.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(protocols|workflows|activities|worker|client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'protocols-are-neutral',
      comment: 'protocols/ is wire plumbing any system may use; it knows no system, lifecycle or process.',
      severity: 'error',
      from: { path: '^protocols/' },
      to: { path: '^(platform|workflows|activities|worker|client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'workflows-stay-deterministic',
      comment: 'Workflow code imports domain/, other workflow code and activity contracts (types, failure names) only.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(platform|protocols|worker|client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'workflows-import-activity-contracts-only',
      comment: 'Activities run in the worker, not the sandbox: a workflow imports their contract.ts, or their types.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', pathNot: String.raw`^activities/[^/]+/contract\.ts$`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-below-processes',
      comment: 'Activities are used by the worker; they never import the worker, the client or workflow code.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(worker|client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'activities-import-workflow-definitions-only',
      comment: 'An activity that signals a workflow imports its message definitions (*.defs.ts), not its code.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: WORKFLOW_DEFINITIONS },
    },
    {
      name: 'worker-and-client-are-apart',
      comment: 'The worker process and the client library share platform/, never each other.',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^(client|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'client-and-worker-are-apart',
      comment: 'The client library, gateway and CLI share platform/ with the worker, never the worker itself.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(worker|simulators|scripts|bench|test|deploy)/' },
    },
    {
      name: 'client-uses-workflow-definitions',
      comment: 'Clients start and message workflows by their definitions; workflow code is only named by type.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^workflows/', pathNot: WORKFLOW_DEFINITIONS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'client-uses-activity-contracts-only',
      comment: 'A client never runs activities; it may name their contract (failure types).',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^activities/', pathNot: String.raw`^activities/[^/]+/contract\.ts$` },
    },
    {
      name: 'simulators-share-the-wire-format-only',
      comment: 'A simulator stands in for the external system: it shares the provisional wire format with the client and nothing else of ours above domain/.',
      severity: 'error',
      from: { path: '^simulators/' },
      to: {
        path: '^(platform|workflows|activities|worker|client|scripts|bench|test|deploy)/',
        pathNot: String.raw`^activities/[^/]+/provisional-wire-format\.ts$`,
      },
    },
    {
      name: 'nothing-imports-the-composers',
      comment: 'scripts/, bench/, test/ and deploy/ compose the program; the program never imports them.',
      severity: 'error',
      from: { path: '^(domain|platform|protocols|workflows|activities|worker|client|simulators)/' },
      to: { path: '^(scripts|bench|test|deploy)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.cache|\\.local|bench/out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
