// API-key authentication and role permissions for the gateway's API routes. Every API route declares
// the permission it needs (route config `permission`); a route without one is refused at start-up,
// so no route is open by mistake. No/unknown key → 401 with WWW-Authenticate; a known key whose role
// lacks the permission → 403 naming both.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, presentedKey, ROLE_PERMISSIONS, type ApiKeyStore, type Caller, type Permission } from './api-keys.js';
import { HttpError, sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; required on every API route. */
    permission?: Permission;
  }
  interface FastifyRequest {
    /** The authenticated caller (name and role), once the auth hook has run. */
    caller?: Caller;
  }
}

export const BEARER_CHALLENGE = 'Bearer realm="denki-flow", charset="UTF-8"';

/** Installs the hook on `scope` (an encapsulated plugin holding the API routes). */
export function installAuth(scope: FastifyInstance, keys: ApiKeyStore): void {
  scope.addHook('onRoute', (route) => {
    const permission = (route.config as { permission?: Permission } | undefined)?.permission;
    if (!permission) throw new Error(`gateway: route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
  });
  scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const permission = req.routeOptions.config.permission;
    const caller = keys.authenticate(presentedKey(req.headers));
    if (!caller) {
      const e = new HttpError(401, 'UNAUTHENTICATED', 'an API key is required: send Authorization: Bearer <key> (or X-API-Key: <key>)', [], undefined, {
        'www-authenticate': BEARER_CHALLENGE,
      });
      return sendError(reply, e);
    }
    req.caller = caller;
    if (!permission || !can(caller.role, permission)) {
      return sendError(
        reply,
        new HttpError(
          403,
          'FORBIDDEN',
          `role '${caller.role}' lacks the permission '${permission ?? 'unknown'}' this route needs (role '${caller.role}' may: ${ROLE_PERMISSIONS[caller.role].join(', ')})`,
        ),
      );
    }
  });
}
