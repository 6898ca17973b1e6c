/**
 * provisionDemo: make sure the demo accounts exist on the local server and know each other, using
 * only the server's public accounts API (create, list, set password) and ordinary sign-ins with
 * the client: the server has no admin call for contact lists, so the demo user signs in once to
 * add the demo contacts, and each demo contact signs in to add the user back.
 *
 * Idempotent. A demo contact that already has the user on its contact list is done, so the user
 * is only signed in while some contact is new: a user who later removes a demo contact does not
 * get it back. Call it before the user signs in (a sign-in as the user moves their session).
 */
import { randomBytes } from 'node:crypto';
import { DEMO_CAST, DEMO_USER, type DemoCharacter } from './cast';
import { errorText, msnClientFactory, silentDemoLog, type DemoClient, type DemoClientFactory, type DemoLog, type DemoServer } from './demo-client';

/** The part of the server's `accounts` API provisioning needs (see server/README.md). */
export interface DemoAccountsApi {
  add(handle: string, password: string, friendlyName?: string): Promise<unknown>;
  list(): Promise<ReadonlyArray<{ readonly handle: string }>>;
  setPassword(handle: string, password: string): Promise<boolean>;
}

export interface DemoUserAccount {
  readonly handle: string;
  readonly password: string;
  readonly friendlyName: string;
}

/** A demo contact's sign-in, for `startDemoBots`. */
export interface DemoBotAccount {
  readonly handle: string;
  readonly password: string;
}

export interface ProvisionDemoOptions {
  readonly server: DemoServer;
  /** Default DEMO_USER (you@monarch.local / monarch). */
  readonly user?: DemoUserAccount;
  readonly cast?: readonly DemoCharacter[];
  readonly createClient?: DemoClientFactory;
  readonly log?: DemoLog;
  /** The demo contacts' passwords: fresh random ones on every run by default (nobody needs them). */
  readonly newPassword?: () => string;
}

export interface DemoProvision {
  readonly user: DemoUserAccount & { readonly created: boolean };
  /** Pass these to `startDemoBots`. */
  readonly bots: readonly DemoBotAccount[];
  /** Demo contacts added to the user's list and the user's to theirs in this run. */
  readonly linked: readonly string[];
  /** What could not be done; the demo still works as far as it can. Never contains passwords. */
  readonly warnings: readonly string[];
}

function isExists(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'exists';
}

export async function provisionDemo(accounts: DemoAccountsApi, options: ProvisionDemoOptions): Promise<DemoProvision> {
  const user = options.user ?? DEMO_USER;
  const userHandle = user.handle.toLowerCase();
  const cast = options.cast ?? DEMO_CAST;
  const createClient = options.createClient ?? msnClientFactory();
  const log = options.log ?? silentDemoLog;
  const newPassword = options.newPassword ?? (() => randomBytes(18).toString('base64url'));
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    log('warn', message);
  };

  // 1. Accounts. The user's keeps its password if it exists; the contacts get a fresh one.
  const existing = new Set((await accounts.list()).map((a) => a.handle.toLowerCase()));
  let created = false;
  if (!existing.has(userHandle)) {
    try {
      await accounts.add(userHandle, user.password, user.friendlyName);
      created = true;
    } catch (err) {
      if (!isExists(err)) throw err;
    }
  }
  const bots: DemoBotAccount[] = [];
  for (const c of cast) {
    const password = newPassword();
    if (existing.has(c.handle)) {
      await accounts.setPassword(c.handle, password);
    } else {
      try {
        await accounts.add(c.handle, password, c.friendlyName);
      } catch (err) {
        if (!isExists(err)) throw err;
        await accounts.setPassword(c.handle, password);
      }
    }
    bots.push({ handle: c.handle, password });
  }

  // 2. Which contacts are new: those without the user on their contact list yet.
  const signedIn: { character: DemoCharacter; client: DemoClient }[] = [];
  const linked: string[] = [];
  try {
    await Promise.all(
      cast.map(async (character, i) => {
        const client = createClient(options.server);
        try {
          await client.signIn({ handle: character.handle, password: (bots[i] as DemoBotAccount).password, status: 'hidden' });
          signedIn.push({ character, client });
        } catch (err) {
          warn(`demo contact ${character.handle} could not sign in to be set up (${errorText(err)})`);
          await client.signOut().catch(() => undefined);
        }
      }),
    );
    const fresh = signedIn.filter(({ client }) => client.contacts.get(userHandle)?.lists.forward !== true);
    if (fresh.length === 0) return { user: { ...user, handle: userHandle, created }, bots, linked, warnings };

    // 3. The user adds them (into their groups), so they are on the list at the first sign-in.
    const userClient = createClient(options.server);
    try {
      await userClient.signIn({ handle: userHandle, password: user.password, status: 'hidden' });
      for (const { character } of fresh) {
        if (userClient.contacts.get(character.handle)?.lists.forward === true) continue;
        const groupId = await groupFor(userClient, character.group).catch((err: unknown) => {
          warn(`group "${character.group}" could not be created (${errorText(err)})`);
          return undefined;
        });
        await userClient.contacts.add(character.handle, { friendlyName: character.friendlyName, ...(groupId !== undefined ? { groupId } : {}) });
      }
    } catch (err) {
      // E.g. the user changed the demo password: the contacts still add the user, who then
      // sees "… added you" and can add them back.
      warn(`the demo user ${userHandle} could not add the demo contacts (${errorText(err)})`);
    } finally {
      await userClient.signOut().catch(() => undefined);
    }

    // 4. Each new contact adds the user (forward + allow list; clears the pending entry).
    for (const { character, client } of fresh) {
      try {
        await client.contacts.add(userHandle, { friendlyName: user.friendlyName });
        linked.push(character.handle);
      } catch (err) {
        warn(`demo contact ${character.handle} could not add ${userHandle} (${errorText(err)})`);
      }
    }
    log('info', 'demo provisioned', { user: userHandle, created, linked });
    return { user: { ...user, handle: userHandle, created }, bots, linked, warnings };
  } finally {
    await Promise.all(signedIn.map(({ client }) => client.signOut().catch(() => undefined)));
  }
}

/** The id of the user's group called `name`, created when missing (MSNP7+ only; else none). */
async function groupFor(client: DemoClient, name: string): Promise<string | undefined> {
  if ((client.dialect ?? 0) < 7) return undefined;
  const found = client.contacts.groups().find((g) => g.name === name);
  if (found !== undefined) return found.id;
  return (await client.contacts.createGroup(name)).id;
}
