// Who is calling: the company is the subject CN of the client certificate that passed the mutual
// TLS handshake (the server only completes handshakes with certificates of the configured CA).
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';

/** The peer certificate's subject CN, or '' when there is none (cannot happen with requestCert + rejectUnauthorized). */
export function peerCommonName(req: IncomingMessage): string {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return '';
  const cert = socket.getPeerCertificate();
  const cn: unknown = cert?.subject?.CN;
  if (Array.isArray(cn)) return typeof cn[0] === 'string' ? cn[0] : '';
  return typeof cn === 'string' ? cn : '';
}

export const isCompanyCode = (cn: string): boolean => /^\d{5}$/.test(cn);
