// Who sees which page. It mirrors the roles each API route accepts (src/api/src/routes_*.cc
// `roles(...)`): the menu hides what the server would refuse anyway, and a page the role
// cannot open shows an error page instead of a half-empty screen. admin sees everything.
import type { Role } from './api';
import type { MessageKey } from './i18n';

export interface Section {
  path: string;
  label: MessageKey;
  roles: Role[];  // besides admin
}

const staff: Role[] = ['manager', 'marketing', 'purchasing', 'logistics', 'customer_care', 'accounting'];

export const SECTIONS: Section[] = [
  { path: '/', label: 'nav.dashboard', roles: staff },
  { path: '/orders', label: 'nav.orders', roles: ['manager', 'customer_care', 'accounting', 'logistics'] },
  { path: '/customers', label: 'nav.customers', roles: ['manager', 'customer_care', 'marketing'] },
  { path: '/products', label: 'nav.products', roles: ['manager', 'marketing', 'purchasing', 'logistics'] },
  { path: '/stock', label: 'nav.stock', roles: ['manager', 'logistics', 'purchasing'] },
  { path: '/locations', label: 'nav.locations', roles: ['manager', 'logistics'] },
  { path: '/invoices', label: 'nav.invoices', roles: ['manager', 'accounting'] },
  { path: '/payments', label: 'nav.payments', roles: ['accounting'] },
  { path: '/shipments', label: 'nav.shipments', roles: ['manager', 'logistics', 'customer_care'] },
  { path: '/pick-lists', label: 'nav.picklists', roles: ['manager', 'logistics'] },
  { path: '/returns', label: 'nav.returns', roles: ['customer_care', 'logistics', 'accounting'] },
  { path: '/channels', label: 'nav.channels', roles: ['manager'] },
  { path: '/webhooks', label: 'nav.webhooks', roles: ['manager'] },
  { path: '/emails', label: 'nav.emails', roles: ['manager', 'customer_care', 'marketing'] },
  { path: '/automations', label: 'nav.automations', roles: ['manager', 'logistics', 'accounting', 'customer_care'] },
  { path: '/users', label: 'nav.users', roles: [] },
  // Fiscal data: manager, accounting; carriers: manager, logistics (the page shows each
  // card only to the roles its API accepts).
  { path: '/settings', label: 'nav.settings', roles: ['manager', 'accounting', 'logistics'] },
];

// Roles (besides admin) that a route accepts, for the pages that show a card or a button only
// to those roles (the server refuses the others anyway).
export const ACCESS = {
  products: ['manager', 'purchasing'] as Role[],      // PATCH /products/{id} (routes_catalog.cc)
  channels: ['manager'] as Role[],                    // PATCH, resync, credentials (routes_channels.cc)
  webhooks: ['manager'] as Role[],                    // every /webhooks route (routes_webhooks.cc)
  carriers: ['logistics'] as Role[],                  // PUT /carriers/{code} (routes_fulfillment.cc)
  carrierReaders: ['manager', 'logistics', 'customer_care'] as Role[],
  fiscalReaders: ['manager', 'accounting'] as Role[], // GET /settings/fiscal (routes_invoicing.cc)
  refunds: ['accounting'] as Role[],                  // POST /payments/{id}/refunds (routes_payments.cc)
  returnDesk: ['customer_care'] as Role[],            // authorize, reject, cancel, close (routes_returns.cc)
  returnDock: ['logistics'] as Role[],                // receive, inspect (routes_returns.cc)
};

export function may(role: Role, who: Role[]): boolean {
  return role === 'admin' || who.includes(role);
}

export function canSee(role: Role, s: Section): boolean {
  return role === 'admin' || s.roles.includes(role);
}

// The section a path belongs to ("/orders/42" → orders).
export function sectionOf(path: string): Section | undefined {
  if (path === '/') return SECTIONS[0];
  return SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(s.path + '/')));
}
