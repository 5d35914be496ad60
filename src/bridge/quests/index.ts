export { createQuestNotifier, type QuestNotifier, type QuestNotifierOptions, type TickStats } from './notifier.ts';
export { diffEntries, type EntryEvent } from './diff.ts';
export { NOTIFY_KIND, PARKED_AT } from './deliver.ts';
