import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preloadApi';

// The page gets two plain functions over IPC; no Node or Electron object crosses the boundary.
contextBridge.exposeInMainWorld('evaluatorBridge', createPreloadApi(ipcRenderer));
