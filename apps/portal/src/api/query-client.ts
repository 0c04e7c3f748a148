import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

/** The console's one cache of API answers. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // A refusal or a missing object is an answer, not a hiccup to retry.
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
  },
});
