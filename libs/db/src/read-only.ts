/** Harbor's answer to a modification refused in read-only mode, word for word (clients show it). */
export const READ_ONLY_MESSAGE = 'The system is in read only mode. Any modification is prohibited.';

/**
 * How long a process keeps the read-only switch it read (@wharf/identity's ReadOnlySwitch). Every
 * replica of every service reads the row itself, so a change reaches all of them within this time,
 * with nothing else to deliver it (no channel whose message a replica could miss while
 * reconnecting). Only modifying requests and deleting jobs ask, so a busy replica reads one
 * primary-key row a second at most.
 */
export const READ_ONLY_CACHE_MS = 1_000;
