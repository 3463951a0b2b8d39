// test/helpers/xml.ts — a strict parser for the XML that convnet writes (SVG pictures), for tests: no XML
// parser is among the dependencies. It accepts only well-formed XML 1.0 without a DTD: one root element,
// matching end tags, quoted and unique attributes, '<' nowhere in text or values, '&' only in the five
// predefined entities and character references; an XML declaration and comments are allowed. Anything
// else throws, naming the offset, so a test that parses a document also proves it well-formed.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Characters XML 1.0 allows nowhere. */
const BAD_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/; // eslint-disable-line no-control-regex

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`xml: '<' in text or a value at ${at}`);
  const bad = raw.match(BAD_CHAR);
  if (bad) throw new Error(`xml: character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML (near ${at})`);
  return raw.replace(/&([^;]*);|&/g, (m, name: string | undefined) => {
    if (name === undefined) throw new Error(`xml: a bare '&' near ${at}`);
    if (Object.hasOwn(ENTITIES, name)) return ENTITIES[name];
    const num = /^#(\d+)$/.exec(name) ?? /^#x([0-9a-fA-F]+)$/.exec(name);
    if (num) return String.fromCodePoint(parseInt(num[1], name[1] === 'x' ? 16 : 10));
    throw new Error(`xml: unknown entity ${m} near ${at}`);
  });
}

/** The document's root element; throws unless `text` is well-formed (see the top). */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => { throw new Error(`xml: ${why} at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`); };
  const skipSpace = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const misc = () => { // whitespace and comments between the top-level parts
    for (;;) {
      skipSpace();
      if (!text.startsWith('<!--', i)) return;
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      if (text.slice(i + 4, end).includes('--')) fail("'--' inside a comment");
      i = end + 3;
    }
  };
  const element = (): XmlElement => {
    if (text[i] !== '<') fail("expected '<'");
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [] };
    for (;;) {
      const hadSpace = /\s/.test(text[i] ?? '');
      skipSpace();
      if (text.startsWith('/>', i)) { i += 2; return el; }
      if (text[i] === '>') { i++; break; }
      if (!hadSpace) fail('expected whitespace before an attribute');
      const key = name();
      skipSpace();
      if (text[i] !== '=') fail(`expected '=' after attribute ${key}`);
      i++;
      skipSpace();
      const q = text[i];
      if (q !== '"' && q !== "'") fail(`the value of ${key} is not quoted`);
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail(`unterminated value of ${key}`);
      if (Object.hasOwn(el.attrs, key)) fail(`attribute ${key} given twice`);
      el.attrs[key] = decode(text.slice(i + 1, end), i);
      i = end + 1;
    }
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) fail(`</${el.name}> missing`);
      if (lt > i) el.children.push(decode(text.slice(i, lt), i));
      i = lt;
      if (text.startsWith('<!--', i)) { misc(); continue; }
      if (text.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (text[i] !== '>') fail("expected '>'");
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (text.startsWith('<?xml', 0)) {
    const end = text.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  misc();
  const root = element();
  misc();
  if (i !== text.length) fail('content after the root element');
  return root;
}

/** Every element under `el` (itself included), depth first, that `pred` accepts. */
export function findAll(el: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = pred(el) ? [el] : [];
  for (const c of el.children) if (typeof c !== 'string') out.push(...findAll(c, pred));
  return out;
}

/** The text inside an element (its descendants' text too). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
