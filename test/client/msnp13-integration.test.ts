/**
 * Our client at MSNP13–15 against the bundled server in one process (scenarios/msnp13-integration.ts).
 */
import { startOneServer } from '../server/helpers/network';
import { msnp13IntegrationScenarios } from './scenarios/msnp13-integration';

msnp13IntegrationScenarios(() => startOneServer());
