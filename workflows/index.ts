// Every workflow type the worker registers.
export { switchingInWorkflow } from './occto/switching-in.js';
