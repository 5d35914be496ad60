export { createQuestNotifier, type QuestNotifier } from './notifier.ts';
