// The parts of a changed path that risk is counted by: its directory and its subsystem.

/** The directory of a path ('.' at the root). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}

/** Kamei's subsystem: the top-level directory ('' for files at the root). */
export function subsystemOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
