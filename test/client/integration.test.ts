/**
 * Our client against the bundled server in one process (scenarios/integration.ts).
 */
import { startOneServer } from '../server/helpers/network';
import { integrationScenarios } from './scenarios/integration';

integrationScenarios(() => startOneServer());
