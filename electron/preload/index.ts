/** The preload script: exposes `window.monarch` to the page through the context bridge, nothing else. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildElectronApi } from './api';

contextBridge.exposeInMainWorld('monarch', buildElectronApi(ipcRenderer, webUtils));
