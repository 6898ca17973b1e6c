/**
 * What a scenario runs against: one server process, or a two-node cluster (issue 13: "the
 * existing per-dialect server tests and our client's integration tests pass against a two-node
 * cluster as well as against one process"). The scenario code is the same for both; only the
 * factory differs. It asks the network where each sign-in goes (`signInNode`) and where a user
 * is signed in now (`nodeOf`: the node whose Nexus, SOAP services and NS serve that user).
 *
 * The cluster spreads users on purpose: a user's first sign-in goes to the node after the one
 * the previous new user got (so within a scenario the first user is on one node, the second on
 * the other, the third on the first …), and each later sign-in of the same user goes to the
 * other node than its last. Every interaction between two users then crosses nodes, and a
 * second sign-in (`OUT OTH`) always comes from the other node.
 */
import { randomBytes } from 'node:crypto';
import type { RunningServer, ServerConfig } from '../../../server/index';
import { freshDatabase, serviceUrl } from '../../helpers/services';
import { startTestServer } from './msnp';

export interface Network {
  /** Where accounts are added and what is tied to no user goes (the first node). */
  readonly server: RunningServer;
  /** Every node (one for a single process). */
  readonly nodes: readonly RunningServer[];
  /** The node this new sign-in of `handle` goes to (and `nodeOf(handle)` from now on). */
  signInNode(handle: string): RunningServer;
  /** The node `handle` last signed in on (the first node if never). */
  nodeOf(handle: string): RunningServer;
  /** Stops every node and drops what the network made (its database). */
  stop(): Promise<void>;
}

/** One server process: every user on it. */
export function oneServer(server: RunningServer): Network {
  return {
    server,
    nodes: [server],
    signInNode: () => server,
    nodeOf: () => server,
    stop: () => server.stop(),
  };
}

/** One server process on OS-chosen loopback ports, in memory (the default server). */
export async function startOneServer(config: ServerConfig = {}): Promise<Network> {
  return oneServer(await startTestServer(config));
}

/** Users spread over `nodes` as described at the top. */
export function spreadOver(nodes: readonly RunningServer[], stop: () => Promise<void>): Network {
  const where = new Map<string, number>();
  let nextNew = 0;
  return {
    server: nodes[0] as RunningServer,
    nodes,
    signInNode(handle) {
      const last = where.get(handle.toLowerCase());
      const index = last === undefined ? nextNew++ % nodes.length : (last + 1) % nodes.length;
      where.set(handle.toLowerCase(), index);
      return nodes[index] as RunningServer;
    },
    nodeOf(handle) {
      return nodes[where.get(handle.toLowerCase()) ?? 0] as RunningServer;
    },
    stop,
  };
}

/**
 * Two nodes of a cluster in this process, as `npm run server -- --postgres … --redis …` runs them:
 * each with its own PostgreSQL pool on one fresh database, one Redis (the shared test Redis under a
 * key prefix of its own), one cluster secret. Needs MONARCH_TEST_POSTGRES_URL and
 * MONARCH_TEST_REDIS_URL (use inside `describeWithServices(['postgres', 'redis'], …)`).
 */
export async function startTwoNodes(config: ServerConfig = {}): Promise<Network> {
  const redisUrl = serviceUrl('redis');
  if (redisUrl === undefined) throw new Error('MONARCH_TEST_REDIS_URL is not set');
  const db = await freshDatabase();
  const secret = randomBytes(32);
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const started = await Promise.allSettled(
    ['a', 'b'].map((nodeId) => startTestServer({ ...config, postgres: db.url, cluster: { nodeId, redisUrl, secret, keyPrefix } })),
  );
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    // Once, under a loaded machine (CI, 2 cores at load 20), the drop failed right after the
    // nodes stopped; what it said was lost, so a second try is made and its error reported.
    await db.drop().catch(async (first: unknown) => {
      await new Promise((r) => setTimeout(r, 500));
      await db.drop().catch((second: unknown) => {
        throw new Error(`dropping the test database failed twice: ${String(first)}; ${String(second)}`);
      });
    });
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  return spreadOver(nodes, stop);
}
