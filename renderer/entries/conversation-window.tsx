/** Entry of a conversation window (desktop app): `conversation.html?id=<conversation id>`. */
import { ConversationWindow } from '../App';
import { boot } from './boot';

const id = new URLSearchParams(location.search).get('id') ?? '';
// The main window plays the sounds; this one reports its focus so its messages do not notify.
boot(() => <ConversationWindow conversationId={id} />, { focusTarget: { conversationId: id }, sounds: false });
