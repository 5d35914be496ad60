export { createQuestNotifier, type QuestNotifier, type QuestNotifierOptions, type TickStats } from './notifier.ts';
export { diffEntries, type EntryEvent } from './diff.ts';
