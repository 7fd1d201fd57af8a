// API shapes of sessions, users and invites.
import { Type } from '@sinclair/typebox';
import { Id, Millis, Nullable, StringEnum } from '../shared/api-schemas.ts';
import { PASSWORD_MAX_LENGTH } from './limits.ts';

export const ROLES = ['admin', 'advertiser', 'publisher'] as const;
const closed = { additionalProperties: false };

export const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  role: StringEnum(ROLES),
  advertiserId: Nullable(Type.Integer()),
  publisherId: Nullable(Type.Integer()),
  createdAt: Millis,
  disabledAt: Nullable(Millis),
});

export const SessionView = Type.Object({
  user: Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    role: StringEnum(ROLES),
    advertiserId: Nullable(Type.Integer()),
    publisherId: Nullable(Type.Integer()),
  }),
  csrfToken: Type.String({ description: 'send it back as the x-csrf-token header on every change' }),
});

export const MaybeSessionView = Type.Object({
  user: Nullable(SessionView.properties.user),
  csrfToken: Nullable(Type.String()),
});

const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const Email = Type.String({ minLength: 1, maxLength: 254 });

export const SignInBody = Type.Object({ email: Email, password: Password }, closed);
export const AcceptLinkBody = Type.Object({ email: Type.Optional(Email), password: Password }, closed);
export const InviteBody = Type.Object(
  {
    email: Email,
    role: StringEnum(ROLES),
    advertiserId: Type.Optional(Id()),
    publisherId: Type.Optional(Id()),
  },
  closed,
);

export const LinkInfo = Type.Object({
  kind: StringEnum(['setup', 'invite'] as const),
  email: Nullable(Type.String()),
  role: StringEnum(ROLES),
  expiresAt: Millis,
});

export const Invite = Type.Object({
  email: Type.String(),
  role: StringEnum(ROLES),
  url: Type.String({ description: 'the one-time link to hand to the person invited' }),
  expiresAt: Millis,
});

export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
