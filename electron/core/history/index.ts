export * from './types';
export { openHistoryStore, splitSnippet, type OpenHistoryOptions } from './sqlite-history-store';
export { migrate, MIGRATIONS, SCHEMA_VERSION, HistorySchemaError } from './schema';
export { toFtsQuery } from './fts-query';
export { exportText, exportHtml, suggestedExportName, escapeHtml, formatTimestamp, conversationTitle, describeSystemEntry, type ExportOptions } from './export';
export { HistoryRecorder, type HistoryRecorderOptions, type RecordableEvent, type NudgeSentEvent } from './recorder';
