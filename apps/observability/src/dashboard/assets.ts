import { DASHBOARD_CSS, DASHBOARD_HTML } from './page';
import { DASHBOARD_SCRIPT } from './script';

/** The dashboard's static files: they hold no data, so they are served without a token. */
export const DASHBOARD_ASSETS: Record<string, { type: string; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: DASHBOARD_HTML },
  '/dashboard.js': { type: 'text/javascript; charset=utf-8', body: DASHBOARD_SCRIPT },
  '/dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
};
