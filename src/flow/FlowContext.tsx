import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { FlowStore, FlowStoreState } from './flowStore';

const FlowContext = createContext<FlowStore | null>(null);

export const FlowProvider = FlowContext.Provider;

export function useFlow<T>(selector: (state: FlowStoreState) => T): T {
  const store = useContext(FlowContext);
  if (!store) throw new Error('useFlow outside FlowProvider');
  return useStore(store, selector);
}
