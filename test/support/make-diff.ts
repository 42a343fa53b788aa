// Builds unified diff text for tests: each file as git prints it, with real hunk headers.

export interface FileSpec {
  path: string;
  added?: string[];
  deleted?: string[];
  status?: 'added' | 'deleted' | 'modified';
}

export function fileDiff({ path, added = [], deleted = [], status = 'modified' }: FileSpec): string {
  const header = [`diff --git a/${path} b/${path}`];
  if (status === 'added') header.push('new file mode 100644');
  if (status === 'deleted') header.push('deleted file mode 100644');
  header.push('index 1111111..2222222');
  header.push(status === 'added' ? '--- /dev/null' : `--- a/${path}`);
  header.push(status === 'deleted' ? '+++ /dev/null' : `+++ b/${path}`);
  const oldStart = status === 'added' ? 0 : 1;
  const newStart = status === 'deleted' ? 0 : 1;
  header.push(`@@ -${oldStart},${deleted.length} +${newStart},${added.length} @@`);
  return [...header, ...deleted.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join('\n');
}

export function makeDiff(...files: FileSpec[]): string {
  return `${files.map(fileDiff).join('\n')}\n`;
}

export function lines(n: number, prefix = 'const x'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i} = ${i};`);
}
