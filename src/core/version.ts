/** Sent as the user agent on every request, so service logs show which release called. */
export const VERSION = '0.1.0';
export const USER_AGENT = `ccloud-dr-actions/${VERSION} (+https://github.com/ccloud-dr-actions)`;
