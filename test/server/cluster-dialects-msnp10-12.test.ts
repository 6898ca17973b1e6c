/**
 * The per-dialect scenarios (scenarios/dialects.ts) against a two-node cluster (issue 13): two
 * nodes on one PostgreSQL and one Redis, the users of each scenario spread over them
 * (helpers/network.ts), so adds, reverse-list notices, presence both ways, block and unblock,
 * switchboard invitations (1:1 and three together) and OUT OTH all cross nodes. Needs
 * MONARCH_TEST_POSTGRES_URL and MONARCH_TEST_REDIS_URL; fails in CI without. MSNP2-8 are in
 * cluster-dialects-msnp2-8.test.ts (two files, so each stays under a minute on a loaded machine).
 */
import { describeWithServices } from '../helpers/services';
import { startTwoNodes } from './helpers/network';
import { dialectScenarios } from './scenarios/dialects';

describeWithServices(['postgres', 'redis'], 'the dialect scenarios on a two-node cluster, MSNP10-12', () => {
  dialectScenarios([10, 11, 12], () => startTwoNodes());
});
