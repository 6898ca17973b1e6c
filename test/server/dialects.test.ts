/**
 * The integration scenarios of every dialect (scenarios/dialects.ts) against the default server
 * (SQLite, in memory).
 */
import { dialectScenarios } from './scenarios/dialects';
import { startTestServer } from './helpers/msnp';

dialectScenarios([2, 5, 7, 8, 10, 11, 12], () => startTestServer());
