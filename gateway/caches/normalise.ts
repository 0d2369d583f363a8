// A document's key by meaning: its tokens without comments and insignificant whitespace (graphql-js's
// stripIgnoredCharacters, with a token limit), so that two requests that differ only in those share
// one plan, one validated document and one shortcut verdict. Lexed with the parser's own token limit:
// a document over it is keyed by its text (the parser refuses it anyway), and lexing costs no more.
import { Lexer, Source, TokenKind } from "graphql";

// Tokens that need no space around them (graphql-js's isPunctuatorTokenKind).
const PUNCTUATORS = new Set<string>([
  TokenKind.BANG,
  TokenKind.DOLLAR,
  TokenKind.AMP,
  TokenKind.PAREN_L,
  TokenKind.PAREN_R,
  TokenKind.SPREAD,
  TokenKind.COLON,
  TokenKind.EQUALS,
  TokenKind.AT,
  TokenKind.BRACKET_L,
  TokenKind.BRACKET_R,
  TokenKind.BRACE_L,
  TokenKind.PIPE,
  TokenKind.BRACE_R,
]);

/** The document without ignored characters, or undefined when it does not lex or has more than `maxTokens` tokens. */
export function normalisedDocument(query: string, maxTokens: number): string | undefined {
  const lexer = new Lexer(new Source(query));
  let out = "";
  let lastWasWord = false;
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > maxTokens) return undefined;
      const word = !PUNCTUATORS.has(token.kind);
      if (lastWasWord && (word || token.kind === TokenKind.SPREAD)) out += " ";
      out += query.slice(token.start, token.end);
      lastWasWord = word;
    }
  } catch {
    return undefined;
  }
  return out;
}
