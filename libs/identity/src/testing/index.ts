export { buildDirectory, ldifEntry, sshaPassword } from './ldif';
export type { Directory, DirectoryGroup, DirectoryUser } from './ldif';
export { startSlapd } from './slapd';
export type { Slapd, SlapdOptions } from './slapd';
