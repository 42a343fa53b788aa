// A "billion laughs" YAML document: nine anchors, each a list of nine aliases of the one before,
// 9^9 strings once expanded, from a file of under 1 KB.
export function billionLaughs(): string {
  const lines = ['lol0: &lol0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`lol${i}: &lol${i} [${Array.from({ length: 9 }, () => `*lol${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
