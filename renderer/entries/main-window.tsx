/** Entry of the main window: sign-in and the contact list (and, in the browser, conversations). */
import { MainWindow } from '../App';
import { boot } from './boot';

boot(() => <MainWindow />);
