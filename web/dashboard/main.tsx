import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DashboardApp } from './DashboardApp';
import './dashboard.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <DashboardApp location={window.location} storage={window.sessionStorage} now={new Date()} />
  </StrictMode>,
);
