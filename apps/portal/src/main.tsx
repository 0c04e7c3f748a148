import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryClient } from './api/query-client';
import { App } from './app';
import { CURRENT_USER_KEY, currentUser } from './auth/session';
import { initI18n } from './i18n';
import './styles.css';

// Who is signed in is asked at once, while the texts and the page's code load.
void queryClient.prefetchQuery({ queryKey: CURRENT_USER_KEY, queryFn: currentUser, staleTime: 60_000 });
await initI18n();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
