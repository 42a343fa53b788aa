/** Roles that may write to a repository, and so spend its model budget: run commands, escape the outside-author cap. */
export const WRITE_ROLES: ReadonlySet<string> = new Set(['admin', 'maintain', 'write']);
