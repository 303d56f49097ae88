// A Temporal Client with the project's data converter (payload encryption), for business apps,
// the CLI and tests.
import { Client, Connection } from '@temporalio/client';
import { createDataConverter } from './data-converter.js';
import type { CodecKeys } from './payload-codec.js';

export interface ClientOptions {
  address?: string;
  namespace?: string;
  codecKeys: CodecKeys;
  connection?: Connection;
}

export async function createTemporalClient(o: ClientOptions): Promise<Client> {
  const connection = o.connection ?? (await Connection.connect({ address: o.address ?? 'localhost:7233' }));
  return new Client({ connection, namespace: o.namespace ?? 'default', dataConverter: createDataConverter(o.codecKeys) });
}
