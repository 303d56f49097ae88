// Arguments for `temporal server start-dev` shared by the local stack and the tests.
import { TypedSearchAttributes } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

/**
 * One partition per task queue. A task queue's rate limit (maxTaskQueueActivitiesPerSecond) is
 * split across its partitions, and with the dev server's default of 4 the occto.<company> queue
 * used only ~0.6 of its 1 request/s (measured: 0.58 vs 0.93 calls/s). Production sets the same for
 * the occto.* queues by a dynamic-config constraint (docs/rate-limits.md).
 */
export const SINGLE_PARTITION_ARGS = [
  '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
];

export const SEARCH_ATTRIBUTE_ARGS = SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`]);
