/**
 * Contacts' display pictures where the app shows them (issue 10): in a contact-list row (small or
 * large, or none, as the appearance setting says) and in a conversation, laid out as MSN 7.5 did:
 * the contact's picture at the top right (in a group, the last speaker's, with everyone's small
 * beneath), mine at the bottom right beside the composer. A contact
 * whose picture has not arrived (or who has none, or an MSNP2-8 session) shows the default one.
 */
import type { TranscriptEntry } from '../../../shared/ipc';
import type { ContactStatus, MyStatus } from '../../../shared/model';
import { DisplayPicture } from '../../components/DisplayPicture';
import { EmoticonText } from '../../components/FormattedText';
import { useAppState } from '../../store/context';

const ROW_PICTURE = { small: 20, large: 40 } as const;

function GroupPicture({ person, speaking }: { person: PicturePerson; speaking: boolean }) {
  const src = useAppState((s) => s.pictures.contacts[person.handle] ?? null);
  return (
    <li className={`group-picture${speaking ? ' speaking' : ''}`} data-handle={person.handle} aria-current={speaking ? 'true' : undefined} title={`${person.name} <${person.handle}>`}>
      <DisplayPicture status={person.status} size={28} src={src} title={`${person.name}'s display picture`} />
      <span className="picture-name">
        <EmoticonText text={person.name} />
      </span>
    </li>
  );
}

export function ContactRowPicture({ handle, status }: { handle: string; status: ContactStatus }) {
  const size = useAppState((s) => s.desktop.preferences?.appearance.contactPictures ?? 'small');
  const src = useAppState((s) => s.pictures.contacts[handle] ?? null);
  if (size === 'none') return null;
  return (
    <span className={`row-picture ${size}`} data-has-picture={src !== null}>
      <DisplayPicture status={status} size={ROW_PICTURE[size]} src={src} title="" />
    </span>
  );
}

export interface PicturePerson {
  readonly handle: string;
  readonly status: ContactStatus;
  readonly name: string;
}

/** Who spoke last among `people` (the newest incoming message from one of them), if anyone did. */
export function lastSpeaker(entries: readonly TranscriptEntry[] | undefined, people: readonly PicturePerson[]): string | null {
  if (!entries) return null;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e?.kind === 'message' && e.message.direction === 'incoming' && people.some((p) => p.handle === e.message.sender)) return e.message.sender;
  }
  return null;
}

/**
 * The conversation's picture column, as MSN 7.5 laid it out: the other person's picture at the
 * top and mine at the bottom. In a group conversation the top shows whoever spoke last (the
 * first to join before anyone has), with everyone's pictures small beneath it, the speaker's
 * marked. Each picture of a contact has their name under or beside it: everyone without a
 * picture of their own shows the same default one (as in MSN), and the names tell them apart.
 */
export function ConversationPictures({ conversationId, people }: { conversationId: string; people: readonly PicturePerson[] }) {
  const speaker = useAppState((s) => (people.length > 1 ? lastSpeaker(s.conversations.conversations[conversationId]?.entries, people) : null));
  const shown = people.find((p) => p.handle === speaker) ?? people[0] ?? null;
  const theirs = useAppState((s) => (shown ? (s.pictures.contacts[shown.handle] ?? null) : null));
  const mine = useAppState((s) => s.pictures.mine?.dataUrl ?? null);
  const myStatus: MyStatus = useAppState((s) => s.session.self?.status ?? 'online');
  return (
    <aside className="conversation-pictures" aria-label="Display pictures">
      <div className="their-picture" data-handle={shown?.handle}>
        {shown && <DisplayPicture status={shown.status} size={96} src={theirs} title={`${shown.name}'s display picture`} />}
        {shown && (
          <span className="picture-name" title={`${shown.name} <${shown.handle}>`}>
            <EmoticonText text={shown.name} />
          </span>
        )}
        {people.length > 1 && (
          <ul className="group-pictures" aria-label="Everyone's display pictures">
            {people.map((p) => (
              <GroupPicture key={p.handle} person={p} speaking={p.handle === shown?.handle} />
            ))}
          </ul>
        )}
      </div>
      <div className="my-conversation-picture">
        <DisplayPicture status={myStatus} size={96} src={mine} title="Your display picture" />
      </div>
    </aside>
  );
}
