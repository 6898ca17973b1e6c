/** Display pictures: mine, and each contact's once fetched (issue 10), so a new window has them. */
import type { AppEvent } from '../events';
import type { MyPictureInfo } from '../pictures';

export interface PicturesSlice {
  readonly mine: MyPictureInfo | null;
  /** handle → `data:` URL; a contact not here shows the default picture. */
  readonly contacts: Readonly<Record<string, string>>;
}

export const initialPictures: PicturesSlice = { mine: null, contacts: {} };

export function reducePictures(state: PicturesSlice, event: AppEvent): PicturesSlice {
  switch (event.type) {
    case 'picture.mine':
      return { ...state, mine: event.picture };
    case 'picture.changed': {
      const handle = event.handle.toLowerCase();
      if (event.dataUrl === null) {
        if (!(handle in state.contacts)) return state;
        const { [handle]: _gone, ...rest } = state.contacts;
        return { ...state, contacts: rest };
      }
      return { ...state, contacts: { ...state.contacts, [handle]: event.dataUrl } };
    }
    // Another account's contacts are other people.
    case 'sign-in.started':
      return Object.keys(state.contacts).length === 0 ? state : { ...state, contacts: {} };
    default:
      return state;
  }
}
