/** The first line where two texts differ, said in a few words for an error message. */
export function firstDifference(existing: string, intended: string): string | undefined {
  if (existing === intended) return undefined;
  const [a, b] = [existing.split('\n'), intended.split('\n')];
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  const show = (text: string | undefined): string => (text === undefined || text.trim() === '' ? 'nothing' : `\`${text.trim()}\``);
  return `line ${line + 1} is ${show(a[line])} there, ${show(b[line])} in this export`;
}
