// The OCCTO activities (contract.ts) over the provisional SOAP wire format, composed from one file
// per business area:
//   switching-in.ts      新小売: 廃止取次 登録/結果照会/取消, スイッチング開始申請
//   current-retailer.ts  現小売: 廃止取次照会 (inbox), 判断, スイッチング廃止申請
//   applications.ts      再点, 廃止・撤去, 需要者情報変更, アンペア変更; status and 取消 of any kind
//   usage.ts             使用量情報照会申請 → password → 使用量情報照会
//   facility.ts          設備情報照会
// caller.ts makes every call (refusal of what the system does not offer, wire-schema checks both
// ways, pacing through the transport, one log line per call); own-applications.ts keeps writes
// single after an ambiguous failure (docs/architecture.md §5).
import type { Logger } from 'pino';
import type { OcctoClientConfig } from './config.js';
import type { OcctoActivities } from './contract.js';
import { applicationActivities } from './applications.js';
import { createCaller } from './caller.js';
import { currentRetailerActivities } from './current-retailer.js';
import { facilityActivities } from './facility.js';
import { ownApplications } from './own-applications.js';
import { switchingInActivities } from './switching-in.js';
import { createTransport, type Transport } from './transport.js';
import { usageActivities } from './usage.js';

export { ngReasonsOf, processingStateOf } from './mapping.js';

export interface OcctoActivityDeps {
  config: OcctoClientConfig;
  logger: Logger;
  /** Defaults to the undici mutual-TLS transport built from `config`. */
  transport?: Transport;
}

export function createOcctoActivities(deps: OcctoActivityDeps): OcctoActivities & { close(): Promise<void> } {
  const ownsTransport = deps.transport === undefined;
  const transport = deps.transport ?? createTransport(deps.config);
  const caller = createCaller(transport, deps.logger.child({ component: 'occto' }));
  const apps = ownApplications(caller);

  const activities: OcctoActivities = {
    ...switchingInActivities(caller, apps),
    ...currentRetailerActivities(caller, apps),
    ...applicationActivities(caller, apps),
    ...usageActivities(caller, apps),
    ...facilityActivities(caller),
  };

  // Not enumerable: a worker given this object registers only the activities, not close().
  Object.defineProperty(activities, 'close', {
    enumerable: false,
    value: async () => {
      if (ownsTransport) await transport.close();
    },
  });
  return activities as OcctoActivities & { close(): Promise<void> };
}
