// Every API route of the gateway with the permission it needs and a URL with a well-formed workflow
// ID, for the table-driven tests (auth, malformed input). The contract test checks this table
// against the OpenAPI document, so a new route cannot be left out.
import type { Permission } from '../../client/gateway/api-keys.js';

export const IDS = {
  switchingIn: 'switching-in/12346/0300000000000000001100',
  switchingOut: 'switching-out/12346/R2026000123',
  construction: 'construction/12346/K-2026-0042',
  application: 'occto-application/12346/discontinuation/0300000000000000001100/req-0001',
  usage: 'occto-usage/12346/0300000000000000001100/req-0001',
};
const e = encodeURIComponent;

export interface RouteCase {
  method: 'GET' | 'POST';
  /** As in the OpenAPI document. */
  template: string;
  /** A concrete URL with a well-formed ID. */
  url: string;
  permission: Permission;
  /** text/csv instead of JSON. */
  csv?: boolean;
  /** The route takes a JSON body. */
  body?: boolean;
}

export const API_ROUTES: RouteCase[] = [
  { method: 'GET', template: '/metrics', url: '/metrics', permission: 'read' },
  { method: 'POST', template: '/v1/switching-in', url: '/v1/switching-in', permission: 'start', body: true },
  { method: 'GET', template: '/v1/switching-in/{workflowId}', url: `/v1/switching-in/${e(IDS.switchingIn)}`, permission: 'read' },
  { method: 'POST', template: '/v1/switching-in/{workflowId}/decision', url: `/v1/switching-in/${e(IDS.switchingIn)}/decision`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/switching-in/{workflowId}/cancel', url: `/v1/switching-in/${e(IDS.switchingIn)}/cancel`, permission: 'cancel' },
  { method: 'POST', template: '/v1/switching-in/bulk', url: '/v1/switching-in/bulk', permission: 'start', csv: true },
  { method: 'GET', template: '/v1/switching-out', url: '/v1/switching-out', permission: 'read' },
  { method: 'GET', template: '/v1/switching-out/{workflowId}', url: `/v1/switching-out/${e(IDS.switchingOut)}`, permission: 'read' },
  { method: 'GET', template: '/v1/switching-out/{workflowId}/relay', url: `/v1/switching-out/${e(IDS.switchingOut)}/relay`, permission: 'personal-data' },
  { method: 'POST', template: '/v1/switching-out/{workflowId}/judgement', url: `/v1/switching-out/${e(IDS.switchingOut)}/judgement`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/switching-out/{workflowId}/mistaken-ok', url: `/v1/switching-out/${e(IDS.switchingOut)}/mistaken-ok`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/switching-out/{workflowId}/decision', url: `/v1/switching-out/${e(IDS.switchingOut)}/decision`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/construction', url: '/v1/construction', permission: 'start', body: true },
  { method: 'POST', template: '/v1/construction/street-lights', url: '/v1/construction/street-lights', permission: 'start', body: true },
  { method: 'GET', template: '/v1/construction/{workflowId}', url: `/v1/construction/${e(IDS.construction)}`, permission: 'read' },
  { method: 'POST', template: '/v1/construction/{workflowId}/completion', url: `/v1/construction/${e(IDS.construction)}/completion`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/construction/{workflowId}/correction', url: `/v1/construction/${e(IDS.construction)}/correction`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/construction/{workflowId}/cancel', url: `/v1/construction/${e(IDS.construction)}/cancel`, permission: 'cancel', body: true },
  { method: 'POST', template: '/v1/occto-operations/facility-queries', url: '/v1/occto-operations/facility-queries', permission: 'start', body: true },
  { method: 'POST', template: '/v1/occto-operations/usage-queries', url: '/v1/occto-operations/usage-queries', permission: 'start', body: true },
  { method: 'POST', template: '/v1/occto-operations/applications', url: '/v1/occto-operations/applications', permission: 'start', body: true },
  { method: 'POST', template: '/v1/occto-operations/applications/bulk', url: '/v1/occto-operations/applications/bulk', permission: 'start', csv: true },
  { method: 'GET', template: '/v1/occto-operations/{workflowId}', url: `/v1/occto-operations/${e(IDS.application)}`, permission: 'read' },
  { method: 'POST', template: '/v1/occto-operations/{workflowId}/decision', url: `/v1/occto-operations/${e(IDS.application)}/decision`, permission: 'decide', body: true },
  { method: 'POST', template: '/v1/occto-operations/{workflowId}/cancel', url: `/v1/occto-operations/${e(IDS.application)}/cancel`, permission: 'cancel', body: true },
  { method: 'POST', template: '/v1/occto-operations/{workflowId}/requery', url: `/v1/occto-operations/${e(IDS.usage)}/requery`, permission: 'start', body: true },
  { method: 'GET', template: '/v1/work', url: '/v1/work', permission: 'read' },
];

export const PUBLIC_ROUTES = ['/healthz', '/openapi.json', '/docs'];
