import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './lib/api';
import { createAppRouter } from './router';
import './global.css';

const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refused request is an answer, not a glitch: only network failures are retried.
      retry: (count, error) => !(error instanceof ApiError) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
  queryCache: new QueryCache({ onError: signInAgainWhenSessionEnded }),
  mutationCache: new MutationCache({ onError: signInAgainWhenSessionEnded }),
});
const router = createAppRouter(queryClient);

/** The session ended (signed out elsewhere, expired): back to sign-in, then back here. */
function signInAgainWhenSessionEnded(error: unknown): void {
  if (!(error instanceof ApiError) || error.status !== 401 || window.location.pathname === '/signin') return;
  queryClient.setQueryData(['session'], null);
  void router.navigate({
    to: '/signin',
    search: { redirect: window.location.pathname + window.location.search },
  });
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
