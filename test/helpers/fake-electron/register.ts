/** `node --import register.mjs <app>`: installs ./hooks.ts before the app's first import. */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
