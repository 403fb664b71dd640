/** Entry point: providers (session, server features) around the router. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { FeaturesProvider } from './api/features';
import { App } from './app';
import { SessionProvider } from './session';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <FeaturesProvider>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </FeaturesProvider>
    </SessionProvider>
  </StrictMode>,
);
