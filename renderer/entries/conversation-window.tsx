/** Entry of a conversation window (desktop app): `conversation.html?id=<conversation id>`. */
import { ConversationWindow } from '../App';
import { boot } from './boot';

const id = new URLSearchParams(location.search).get('id') ?? '';
boot(() => <ConversationWindow conversationId={id} />);
