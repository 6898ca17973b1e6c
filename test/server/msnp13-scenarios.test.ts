/**
 * The MSNP13–15 scenarios (scenarios/msnp13.ts) against the default server (SQLite, in memory).
 */
import { startOneServer } from './helpers/network';
import { msnp13Scenarios } from './scenarios/msnp13';

msnp13Scenarios(startOneServer);
