/**
 * The MSNP13–15 scenarios (scenarios/msnp13.ts) against a two-node cluster (issue 13): two nodes
 * on one PostgreSQL and one Redis, the users of each scenario spread over them
 * (helpers/network.ts), so the address-book adds and their reverse-list pushes, presence and
 * personal messages both ways, block and unblock, UUN/UBN, and switchboard invitations (1:1 and
 * three together) all cross nodes. Needs MONARCH_TEST_POSTGRES_URL and MONARCH_TEST_REDIS_URL;
 * fails in CI without.
 */
import { describeWithServices } from '../helpers/services';
import { startTwoNodes } from './helpers/network';
import { msnp13Scenarios } from './scenarios/msnp13';

describeWithServices(['postgres', 'redis'], 'the MSNP13-15 scenarios on a two-node cluster', () => {
  msnp13Scenarios(startTwoNodes);
});
