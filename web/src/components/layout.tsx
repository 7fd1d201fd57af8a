// The signed-in frame: grouped sidebar (by role), who is signed in, sign-out; a menu button on phones.
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import type { Role, SessionUser } from '../lib/types';
import l from './layout.module.css';
import s from './ui.module.css';

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}
const ALL: Role[] = ['admin', 'advertiser', 'publisher'];
const GROUPS: { title: string; items: NavItem[] }[] = [
  {
    title: 'Analyse',
    items: [
      { to: '/', label: 'Overview', roles: ALL },
      { to: '/conversions', label: 'Conversions', roles: ALL },
      { to: '/reports', label: 'Reports', roles: ALL },
      { to: '/clicks', label: 'Clicks', roles: ['admin'] },
      { to: '/inbound-hits', label: 'Inbound hits', roles: ['admin', 'advertiser'] },
      { to: '/deliveries', label: 'Deliveries', roles: ['admin'] },
      { to: '/review', label: 'Review queue', roles: ['admin'] },
      { to: '/rewards', label: 'Rewards', roles: ['admin', 'publisher'] },
    ],
  },
  {
    title: 'Set up',
    items: [
      { to: '/advertisers', label: 'Advertisers', roles: ['admin', 'advertiser'] },
      { to: '/offers', label: 'Offers', roles: ['admin', 'advertiser'] },
      { to: '/publishers', label: 'Publishers', roles: ['admin'] },
      { to: '/links', label: 'Links & Promotion', roles: ['admin', 'publisher'] },
      { to: '/postbacks', label: 'Postbacks', roles: ['admin', 'publisher'] },
      { to: '/smartlinks', label: 'SmartLinks', roles: ['admin'] },
    ],
  },
  {
    title: 'Settings',
    items: [
      { to: '/users', label: 'Users', roles: ['admin'] },
      { to: '/keys', label: 'API keys', roles: ['admin'] },
    ],
  },
  {
    title: 'Operate',
    items: [
      { to: '/alerts', label: 'Alerts', roles: ['admin'] },
      { to: '/alert-channels', label: 'Alert channels', roles: ['admin'] },
    ],
  },
  {
    title: 'Data',
    items: [
      { to: '/reconciliations', label: 'Discrepancy check', roles: ['admin'] },
      { to: '/retention', label: 'Retention', roles: ['admin'] },
      { to: '/audit-log', label: 'Audit log', roles: ['admin'] },
      { to: '/visitor-data', label: 'Visitor data', roles: ['admin'] },
    ],
  },
];

export function AppLayout(props: { user: SessionUser }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useEffect(() => setMenuOpen(false), []);

  async function signOut() {
    try {
      await api('DELETE', '/session');
    } finally {
      queryClient.clear();
      queryClient.setQueryData(['session'], null);
      await navigate({ to: '/signin', search: {} });
    }
  }

  return (
    <div className={l.shell}>
      <a className={l.skip} href="#content">
        Skip to content
      </a>
      <nav aria-label="Main" id="main-nav" className={`${l.sidebar} ${menuOpen ? l.sidebarOpen : ''}`}>
        <Link to="/" className={l.brand}>
          <img src="/favicon.svg" alt="" width={22} height={22} /> Trackwire
        </Link>
        {GROUPS.map((group) => {
          const items = group.items.filter((item) => item.roles.includes(props.user.role));
          if (items.length === 0) return null;
          return (
            <div key={group.title} className={l.group}>
              <h2 className={l.groupTitle}>{group.title}</h2>
              <ul className={l.navList}>
                {items.map((item) => {
                  const current = item.to === '/' ? pathname === '/' : pathname.startsWith(item.to);
                  return (
                    <li key={item.to}>
                      <Link to={item.to} className={l.navLink} aria-current={current ? 'page' : undefined}>
                        {item.label}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
      </nav>
      <div className={l.main}>
        <header className={l.topbar}>
          <button
            type="button"
            className={`${s.button} ${l.menuButton}`}
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <span className={l.who}>
            {props.user.email} · {props.user.role}
          </span>
          <button type="button" className={s.button} onClick={signOut}>
            Sign out
          </button>
        </header>
        <main id="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
