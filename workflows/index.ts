// Every workflow type the worker registers.
export { switchingInWorkflow } from './occto/switching-in.js';
export { constructionWorkflow } from './kansai-takusou/construction.js';
export { takusouNoticeWatcherWorkflow } from './kansai-takusou/notice-watcher.js';
