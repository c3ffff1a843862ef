import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { selectBridge } from './bridge/selectBridge';
import { openEvaluatorDb } from './data/db';
import { FlowProvider } from './flow/FlowContext';
import { createFlowStore } from './flow/flowStore';
import { createI18n } from './i18n/i18n';
import { preciseNow } from './lib/time';
import './styles.css';

async function boot(): Promise<void> {
  const db = openEvaluatorDb();
  const bridge = selectBridge(window.location, window.sessionStorage, window.history);
  const store = createFlowStore({
    db,
    now: preciseNow,
    ackInvitation: (invitationId) => bridge?.send({ type: 'ack', invitationId }),
  });
  const i18n = createI18n();

  // Pending invitations come back before the host can send new ones: order is kept.
  await store.restore();
  bridge?.start({
    onContext: (context) => void store.setContext(context),
    onInvitation: (invitation) => void store.receiveInvitation(invitation),
    onConnectionChange: (connected) => store.setHostConnected(connected),
    onProtocolError: (error) => console.warn(`bridge: ${error}`),
  });

  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <FlowProvider value={store}>
          <App />
        </FlowProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}

void boot();
