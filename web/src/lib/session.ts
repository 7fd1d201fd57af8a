// Who is signed in: GET /api/v1/session (null when nobody is), which also hands over the CSRF token.
import { queryOptions } from '@tanstack/react-query';
import { get, setCsrfToken } from './api';
import type { SessionUser } from './types';

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<Session | null> => {
    const answer = await get<{ user: SessionUser | null; csrfToken: string | null }>('/session');
    setCsrfToken(answer.csrfToken ?? undefined);
    return answer.user && answer.csrfToken ? { user: answer.user, csrfToken: answer.csrfToken } : null;
  },
  staleTime: Number.POSITIVE_INFINITY,
});

export function adoptSession(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}
