// Loaded by path (also inside the workflow sandbox): failure messages and stack traces can carry
// input values, so they are moved into an encoded payload like any other data.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
