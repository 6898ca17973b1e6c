/**
 * Our client's integration scenarios (scenarios/integration.ts, and
 * scenarios/msnp13-integration.ts for MSNP13-15 sign-in and an MSNP7 and an MSNP15 user together)
 * at MSNP2 and MSNP7 (MD5 sign-in) against a two-node cluster (issue 13): two nodes on one
 * PostgreSQL and one Redis, each Monarch client on the node the network gives its user
 * (test/server/helpers/network.ts), so adding, presence, blocking, conversations (1:1 and three
 * together) and "signed in elsewhere" all cross nodes. A few dialects per file, so each file stays
 * under a minute on a loaded machine (a fresh database and two nodes per test). Needs
 * MONARCH_TEST_POSTGRES_URL and MONARCH_TEST_REDIS_URL; fails in CI without.
 */
import { describeWithServices } from '../helpers/services';
import { startTwoNodes } from '../server/helpers/network';
import { integrationScenarios } from './scenarios/integration';
import { msnp13IntegrationScenarios } from './scenarios/msnp13-integration';

describeWithServices(['postgres', 'redis'], 'our client on a two-node cluster, MSNP2 and MSNP7 (MD5 sign-in)', () => {
  integrationScenarios(() => startTwoNodes(), [2, 7]);
  msnp13IntegrationScenarios(() => startTwoNodes());
});
