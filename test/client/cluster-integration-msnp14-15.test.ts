/**
 * Our client's integration scenarios (scenarios/integration.ts) at MSNP14 and MSNP15 (token
 * service, SOAP address book) against a two-node cluster (issue 13): two nodes on one PostgreSQL
 * and one Redis, each Monarch client on the node the network gives its user
 * (test/server/helpers/network.ts), so adding, presence, blocking, conversations (1:1 and three
 * together) and "signed in elsewhere" all cross nodes. A few dialects per file, so each file stays
 * under a minute on a loaded machine (a fresh database and two nodes per test). Needs
 * MONARCH_TEST_POSTGRES_URL and MONARCH_TEST_REDIS_URL; fails in CI without.
 */
import { describeWithServices } from '../helpers/services';
import { startTwoNodes } from '../server/helpers/network';
import { integrationScenarios } from './scenarios/integration';

describeWithServices(['postgres', 'redis'], 'our client on a two-node cluster, MSNP14 and MSNP15 (token service, SOAP address book)', () => {
  integrationScenarios(() => startTwoNodes(), [14, 15]);
});
