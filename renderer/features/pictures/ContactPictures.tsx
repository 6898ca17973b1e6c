/**
 * Contacts' display pictures where the app shows them (issue 10): in a contact-list row (small or
 * large, or none, as the appearance setting says) and in a conversation, laid out as MSN 7.5 did:
 * the contact's picture at the top right, mine at the bottom right beside the composer. A contact
 * whose picture has not arrived (or who has none, or an MSNP2-8 session) shows the default one.
 */
import type { ContactStatus, MyStatus } from '../../../shared/model';
import { DisplayPicture } from '../../components/DisplayPicture';
import { useAppState } from '../../store/context';

const ROW_PICTURE = { small: 20, large: 40 } as const;

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

/**
 * The conversation's picture column: the other person's picture (one-to-one chats; a group
 * shows none, as MSN 7.5 did) and mine.
 */
export function ConversationPictures({ contact }: { contact: { handle: string; status: ContactStatus; name: string } | null }) {
  const theirs = useAppState((s) => (contact ? (s.pictures.contacts[contact.handle] ?? null) : null));
  const mine = useAppState((s) => s.pictures.mine?.dataUrl ?? null);
  const myStatus: MyStatus = useAppState((s) => s.session.self?.status ?? 'online');
  return (
    <aside className="conversation-pictures" aria-label="Display pictures">
      <div className="their-picture">
        {contact && <DisplayPicture status={contact.status} size={96} src={theirs} title={`${contact.name}'s display picture`} />}
      </div>
      <div className="my-conversation-picture">
        <DisplayPicture status={myStatus} size={96} src={mine} title="Your display picture" />
      </div>
    </aside>
  );
}
