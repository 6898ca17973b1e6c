export { SqliteListCache, type OpenListCacheOptions } from './sqlite-list-cache';
