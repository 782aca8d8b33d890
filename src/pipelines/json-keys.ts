/**
 * A key written twice in one object of a JSON text, where one is: JSON.parse keeps the last and says
 * nothing, so `{"fps": 30, "fps": 60}` rendered at 60 without a word (a new user's trial). `at` is the
 * object's place (`scenes.0`, '' at the top). One pass over valid JSON (parse it first). Pure.
 */
export function duplicateKey(text: string): { key: string; at: string } | undefined {
  interface Container {
    keys: Set<string> | undefined;
    path: string;
    index: number;
    key: string;
  }
  const stack: Container[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      let next = end + 1;
      while (next < text.length && ' \t\r\n'.includes(text[next]!)) next++;
      if (top?.keys && text[next] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, at: top.path };
        top.keys.add(key);
        top.key = key;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const top = stack.at(-1);
      const name = top ? (top.keys ? top.key : String(top.index)) : '';
      const path = top?.path ? `${top.path}.${name}` : name;
      stack.push({ keys: c === '{' ? new Set() : undefined, path, index: 0, key: '' });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top && !top.keys) top.index++;
    }
  }
  return undefined;
}

/** The words for a duplicate key: "the key `fps` twice in one object (at scenes.0)". Pure. */
export function duplicateKeyWords(found: { key: string; at: string }): string {
  return `the key \`${found.key}\` twice in one object${found.at ? ` (at ${found.at})` : ''}: JSON keeps only the last, so give it once`;
}
